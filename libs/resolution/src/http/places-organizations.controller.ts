import {
  BadRequestException,
  Controller,
  Inject,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
  Req,
} from '@nestjs/common';
import type { Request } from 'express';
import { accessOf, covers, PersonalData } from '@hub/access';
import {
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DivisionIndex, normalizeUscc, toHalfWidth } from '@hub/normalize';
import { DIVISION_INDEX } from '@hub/places';
import { keyedEntityId, organizationKey, placeKeyOfText } from '../keyed-entities';
import { EntityReadRepository } from './entity-read.repository';
import {
  OrganizationDetailDto,
  OrganizationSearchResultDto,
  PlaceDetailDto,
  PlaceSearchResultDto,
} from './places-organizations.dto';
import { byAttribute, mentionSummary } from './persons.controller';

export class PlaceLookupDto {
  @ApiProperty({
    example: '鼎山街道东门路12号3-2-501',
    description: 'The address as a department writes it',
  })
  @IsString()
  @MaxLength(200)
  address!: string;

  @ApiPropertyOptional({
    example: '500116005',
    description:
      'Division the address lies in, when the text does not name it (or names only divisions above it); by default your own division',
  })
  @IsOptional()
  @Matches(/^(\d{6}|\d{9}|\d{12})$/)
  division?: string;
}

export class OrganizationLookupDto {
  @ApiPropertyOptional({ example: '91500116MA5U8XXXXX', description: 'Unified social credit code' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  uscc?: string;

  @ApiPropertyOptional({ description: 'Name, with division' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: '500116005' })
  @IsOptional()
  @Matches(/^(\d{6}|\d{9}|\d{12})$/)
  division?: string;
}

/** The division a place or organization lies in, for the jurisdiction check. */
const divisionOf = (row: Record<string, unknown>) =>
  (row.divisionCode as string | null) ?? (row.code as string | null) ?? null;

/** Who a place or organization response is about: itself and the persons related to it. */
const subjectsOf = (body: {
  id?: string;
  places?: { id: string }[];
  organizations?: { id: string }[];
  relations?: { otherType: string; otherId: string }[];
}) => [
  body.id,
  ...(body.places ?? []).map((p) => p.id),
  ...(body.organizations ?? []).map((o) => o.id),
  ...(body.relations ?? []).filter((r) => r.otherType === 'person').map((r) => r.otherId),
];

/** Resolved places (standard addresses) and organizations, each with its provenance. */
@ApiTags('places', 'organizations')
@Controller()
export class PlacesOrganizationsController {
  constructor(
    private readonly entities: EntityReadRepository,
    @Inject(DIVISION_INDEX) private readonly divisions: DivisionIndex,
  ) {}

  @Get('places')
  @PersonalData('places:read', { action: 'read', subjects: subjectsOf })
  @ApiOperation({
    summary: 'Find the place of an address in your jurisdiction, resolved as ingest resolves it.',
  })
  @ApiOkResponse({ type: PlaceSearchResultDto })
  async findPlace(@Query() query: PlaceLookupDto, @Req() request: Request) {
    const { principal } = accessOf(request);
    const division = query.division ?? principal.divisionCode ?? undefined;
    const key = placeKeyOfText(query.address, this.divisions, division);
    if (!key) throw new BadRequestException('the address names no known division: give division');
    const id = key.kind === 'keyed' ? key.id : await this.entities.divisionPlaceId(key.code);
    const place = id === undefined ? undefined : await this.entities.place(id);
    const visible = place && covers(principal.jurisdiction, divisionOf(place));
    return { places: visible ? [place] : [] };
  }

  @Get('places/:id')
  @PersonalData('places:read', { action: 'read', subjects: subjectsOf })
  @ApiOperation({
    summary:
      'A place: division or standard address, the mentions that name it, their values and the relations to it (who lives, is registered, is located there).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: PlaceDetailDto })
  async place(@Param('id', ParseUUIDPipe) id: string, @Req() request: Request) {
    const place = await this.entities.place(id);
    if (!place || !covers(accessOf(request).principal.jurisdiction, divisionOf(place)))
      throw new NotFoundException(`no place ${id}`);
    return { ...place, ...(await this.provenance('place', id)) };
  }

  @Get('organizations')
  @PersonalData('organizations:read', { action: 'read', subjects: subjectsOf })
  @ApiOperation({
    summary: 'Find an organization by social credit code, or by name within a division.',
  })
  @ApiOkResponse({ type: OrganizationSearchResultDto })
  async findOrganization(@Query() query: OrganizationLookupDto, @Req() request: Request) {
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
    const visible =
      organization && covers(accessOf(request).principal.jurisdiction, divisionOf(organization));
    return { organizations: visible ? [organization] : [] };
  }

  @Get('organizations/:id')
  @PersonalData('organizations:read', { action: 'read', subjects: subjectsOf })
  @ApiOperation({
    summary:
      'An organization: golden record, candidate values with provenance, relations (representative, premises, facilities).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: OrganizationDetailDto })
  async organization(@Param('id', ParseUUIDPipe) id: string, @Req() request: Request) {
    const organization = await this.entities.organization(id);
    if (
      !organization ||
      !covers(accessOf(request).principal.jurisdiction, divisionOf(organization))
    )
      throw new NotFoundException(`no organization ${id}`);
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
