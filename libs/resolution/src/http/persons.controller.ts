import {
  BadRequestException,
  Body,
  Controller,
  forwardRef,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiMovedPermanentlyResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { accessOf, PersonalData } from '@hub/access';
import {
  normalizeIdNumber,
  normalizeName,
  normalizePhone,
  type DivisionIndex,
} from '@hub/normalize';
import { DIVISION_INDEX } from '@hub/places';
import { SURVIVORSHIP_RULES } from '../resolution.module';
import type { SurvivorshipRules } from '../survivorship';
import { EntityReadRepository } from './entity-read.repository';
import { FeedDepartments } from './feed-departments';
import { PersonReadRepository, type PersonSummary } from './person-read.repository';
import {
  MergedPersonDto,
  PersonDetailDto,
  PersonExplanationDto,
  PersonSearchDto,
  PersonSearchResultDto,
  SplitDto,
  SplitResultDto,
} from './person.dto';
import {
  divisionLabel,
  groupFamilies,
  groupHouseholds,
  labelsOf,
  personsNamedIn,
  preferredValue,
} from './read-views';
import { ResolutionService } from './resolution.service';

/**
 * The filters of a person search as the repository takes them, or why they do not make a
 * search: blank values are no filter, an ID or phone that is not one finds nobody on purpose
 * rather than everybody, and a birth date alone would list residents day by day.
 */
export function searchFilters(query: PersonSearchDto) {
  const idNumber = query.idNumber?.trim() ? normalizeIdNumber(query.idNumber)?.value : undefined;
  if (query.idNumber?.trim() && !idNumber)
    throw new BadRequestException('idNumber is not an ID number (18 or 15 characters)');
  const name = query.name?.trim() ? (normalizeName(query.name) ?? undefined) : undefined;
  // Landlines are stored as written (digits and an area code): at least seven digits.
  const phone = query.phone?.trim() ? normalizePhone(query.phone)?.value : undefined;
  if (query.phone?.trim() && !/^\d{7,}$/.test(phone ?? ''))
    throw new BadRequestException('phone is not a phone number');
  if (!idNumber && !name && !phone)
    throw new BadRequestException('give idNumber, name (with or without birthDate) or phone');
  if (query.birthDate && !name)
    throw new BadRequestException('birthDate narrows a name search: give name too');
  return { idNumber, name, phone, birthDate: query.birthDate };
}

@ApiTags('persons')
@Controller('persons')
export class PersonsController {
  constructor(
    private readonly persons: PersonReadRepository,
    private readonly entities: EntityReadRepository,
    private readonly resolution: ResolutionService,
    private readonly departments: FeedDepartments,
    @Inject(DIVISION_INDEX) private readonly divisions: DivisionIndex,
    // Declared in resolution.module.ts, which imports this file: resolved when injected.
    @Inject(forwardRef(() => SURVIVORSHIP_RULES)) private readonly rules: SurvivorshipRules,
  ) {}

  @Get()
  @PersonalData('persons:search', {
    action: 'read',
    subjects: (body: { persons: { id: string }[] }) => body.persons.map((p) => p.id),
    detail: (body: { persons: unknown[] }) => ({ count: body.persons.length }),
  })
  @ApiOperation({
    summary:
      'Search persons in your jurisdiction by ID number, by name or a part of it (and birth date) or by phone; coded values come with their texts in `labels`.',
  })
  @ApiOkResponse({ type: PersonSearchResultDto })
  async search(@Query() query: PersonSearchDto, @Req() request: Request) {
    const persons = await this.persons.search(
      searchFilters(query),
      accessOf(request).principal.jurisdiction,
      query.limit ?? 50,
    );
    return { persons: persons.map((p) => ({ ...p, labels: this.labels(p) })) };
  }

  @Get(':id')
  @PersonalData('persons:read', {
    action: 'read',
    // The household members and family it shows are read too: their names and ID numbers.
    subjects: (body: Partial<PersonDetailDto>, request) => [
      request.params.id,
      ...personsNamedIn(body),
    ],
  })
  @ApiOperation({
    summary:
      'A person: golden record with the texts of its codes (`labels`), every candidate value with its department and record, police households and the families records state (each member by name and relation), relations to places, events and organizations, conflict flags. A merged person answers 301 to the survivor.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: PersonDetailDto })
  @ApiMovedPermanentlyResponse({
    type: MergedPersonDto,
    description: 'Merged into another person: Location names the survivor',
  })
  async findOne(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() request: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const person = await this.persons.summary(id, accessOf(request).principal.jurisdiction);
    if (!person) throw new NotFoundException(`no person ${id}`);
    if (person.mergedInto) {
      res.status(301).location(`../persons/${person.mergedInto}`);
      return { id, mergedInto: person.mergedInto };
    }
    const [candidates, mentions, relations] = await Promise.all([
      this.entities.candidates('person', id),
      this.entities.mentions('person', id),
      this.entities.relations('person', id),
    ]);
    const households = [...new Set(mentions.map((m) => m.household).filter((h) => h !== null))];
    const [members, families] = await Promise.all([
      this.persons.householdMembers(households),
      this.persons.families(id),
    ]);
    const ethnicity =
      preferredValue(
        candidates.filter((c) => c.attribute === 'ethnicity'),
        this.rules.attributes?.ethnicity,
      ) ?? null;
    return {
      ...person,
      ethnicity,
      labels: this.labels({ ...person, ethnicity }),
      candidates: byAttribute(candidates),
      households: groupHouseholds(households, members, this.departments),
      families: groupFamilies(families, this.departments),
      relations,
      mentions: mentions.map(mentionSummary),
    };
  }

  @Get(':id/explain')
  @PersonalData('persons:read', {
    action: 'read',
    subjects: (_body, request) => [request.params.id],
  })
  @ApiOperation({
    summary:
      'Why these mentions are one person: per mention the rule, score, evidence and the mention it matched.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: PersonExplanationDto })
  async explain(@Param('id', ParseUUIDPipe) id: string, @Req() request: Request) {
    const person = await this.persons.summary(id, accessOf(request).principal.jurisdiction);
    if (!person) throw new NotFoundException(`no person ${id}`);
    const [mentions, reviewTasks] = await Promise.all([
      this.entities.mentions('person', id),
      this.persons.openReviewTasks(id),
    ]);
    return {
      id,
      mergedInto: person.mergedInto,
      flags: person.flags,
      mentions: mentions.map(({ household: _, ...m }) => m),
      reviewTasks,
    };
  }

  @Post(':id/split')
  @HttpCode(200)
  @PersonalData('persons:split', {
    action: 'write',
    subjects: (body: { personId: string; splitInto: string[] }) => [
      body.personId,
      ...body.splitInto,
    ],
    detail: (_body, request) => ({ mentions: (request.body as SplitDto).mentions }),
  })
  @ApiOperation({
    summary:
      'Split a wrongly merged person: the given mentions go to a new person; stored as decisions that win over the matcher from now on.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: SplitResultDto })
  async split(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: SplitDto,
    @Req() request: Request,
  ) {
    if (!(await this.persons.summary(id, accessOf(request).principal.jurisdiction)))
      throw new NotFoundException(`no person ${id}`);
    return this.resolution.split(id, body.mentions, accessOf(request).principal.name);
  }

  /** Texts of a person's coded golden values and of their division. */
  private labels(person: PersonSummary & { ethnicity?: unknown }): Record<string, string> {
    const division = divisionLabel(this.divisions, person.divisionCode);
    return {
      ...labelsOf({ gender: person.gender, ethnicity: person.ethnicity, status: person.status }),
      ...(division === undefined ? {} : { division }),
    };
  }
}

/** A mention as the entity endpoints list it: where it is, and whether it still speaks. */
export const mentionSummary = ({
  department,
  feed,
  sourceRecordId,
  pointer,
  active,
}: {
  department: string;
  feed: string;
  sourceRecordId: string;
  pointer: string;
  active: boolean;
}) => ({ department, feed, sourceRecordId, pointer, active });

export function byAttribute<T extends { attribute: string }>(items: T[]) {
  const out: Record<string, Omit<T, 'attribute'>[]> = {};
  for (const { attribute, ...rest } of items) (out[attribute] ??= []).push(rest);
  return out;
}
