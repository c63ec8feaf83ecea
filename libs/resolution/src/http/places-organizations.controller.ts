import {
  BadRequestException,
  Controller,
  Inject,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { DivisionIndex, normalizeUscc, splitAddress, toHalfWidth } from '@hub/normalize';
import { DIVISION_INDEX } from '@hub/places';
import { keyedEntityId, organizationKey, placeKey } from '../keyed-entities';
import { EntityReadRepository } from './entity-read.repository';
import { byAttribute, mentionSummary } from './persons.controller';

export class PlaceLookupDto {
  /** The address as a department writes it, e.g. 鼎山街道东门路12号3-2-501. */
  @IsString() address!: string;
  /** Division code the address lies in, when the text does not name it. */
  @IsOptional() @Matches(/^(\d{6}|\d{9}|\d{12})$/) division?: string;
}

export class OrganizationLookupDto {
  @IsOptional() @IsString() uscc?: string;
  @IsOptional() @IsString() name?: string;
  @IsOptional() @Matches(/^(\d{6}|\d{9}|\d{12})$/) division?: string;
}

/** Resolved places (standard addresses) and organizations, each with its provenance. */
@ApiTags('places', 'organizations')
@Controller()
export class PlacesOrganizationsController {
  constructor(
    private readonly entities: EntityReadRepository,
    @Inject(DIVISION_INDEX) private readonly divisions: DivisionIndex,
  ) {}

  @Get('places')
  @ApiOperation({ summary: 'Find the place of an address, resolved as ingest resolves it.' })
  async findPlace(@Query() query: PlaceLookupDto) {
    const split = splitAddress(query.address, this.divisions, query.division);
    const key = placeKey([
      {
        attribute: 'address',
        value: { divisionCode: split.divisionCode ?? query.division ?? null, detail: split.detail },
        valid: true,
      },
    ]);
    if (!key) throw new BadRequestException('the address names no known division: give division');
    const id = key.kind === 'keyed' ? key.id : await this.entities.divisionPlaceId(key.code);
    const place = id === undefined ? undefined : await this.entities.place(id);
    return { places: place ? [place] : [] };
  }

  @Get('places/:id')
  @ApiOperation({
    summary:
      'A place: division or standard address, the mentions that name it, their values and the relations to it (who lives, is registered, is located there).',
  })
  async place(@Param('id', ParseUUIDPipe) id: string) {
    const place = await this.entities.place(id);
    if (!place) throw new NotFoundException(`no place ${id}`);
    return { ...place, ...(await this.provenance('place', id)) };
  }

  @Get('organizations')
  @ApiOperation({
    summary: 'Find an organization by social credit code, or by name within a division.',
  })
  async findOrganization(@Query() query: OrganizationLookupDto) {
    const uscc = query.uscc ? normalizeUscc(query.uscc) : null;
    if (query.uscc && !uscc?.valid)
      throw new BadRequestException(`${query.uscc} is not a valid social credit code`);
    const key = organizationKey([
      ...(uscc ? [{ attribute: 'uscc', value: uscc.value, valid: true }] : []),
      ...(query.name
        ? [{ attribute: 'name', value: toHalfWidth(query.name).trim(), valid: true }]
        : []),
      ...(query.division
        ? [
            {
              attribute: 'address',
              value: { divisionCode: query.division, detail: '' },
              valid: true,
            },
          ]
        : []),
    ]);
    if (key?.kind !== 'keyed') throw new BadRequestException('give uscc, or name with division');
    const organization = await this.entities.organization(keyedEntityId(key.key));
    return { organizations: organization ? [organization] : [] };
  }

  @Get('organizations/:id')
  @ApiOperation({
    summary:
      'An organization: golden record, candidate values with provenance, relations (representative, premises, facilities).',
  })
  async organization(@Param('id', ParseUUIDPipe) id: string) {
    const organization = await this.entities.organization(id);
    if (!organization) throw new NotFoundException(`no organization ${id}`);
    return { ...organization, ...(await this.provenance('organization', id)) };
  }

  private async provenance(type: 'place' | 'organization', id: string) {
    const [candidates, mentions, relations] = await Promise.all([
      this.entities.candidates(type, id),
      this.entities.mentions(type, id),
      this.entities.relations(type, id),
    ]);
    return {
      candidates: byAttribute(candidates),
      relations,
      mentions: mentions.map(mentionSummary),
    };
  }
}
