import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { Request, Response } from 'express';
import { accessOf, PersonalData } from '@hub/access';
import { normalizeIdNumber, normalizeName, normalizePhone } from '@hub/normalize';
import { EntityReadRepository } from './entity-read.repository';
import { PersonReadRepository } from './person-read.repository';
import { ResolutionService } from './resolution.service';

export class PersonSearchDto {
  @ApiPropertyOptional({ example: '500381198001012029' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  idNumber?: string;

  @ApiPropertyOptional({ example: '李秀英' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  name?: string;

  @ApiPropertyOptional({
    example: '1980-01',
    description: 'YYYY, YYYY-MM or YYYY-MM-DD; only with name',
  })
  @IsOptional()
  @Matches(/^\d{4}(-\d{2}(-\d{2})?)?$/)
  birthDate?: string;

  @ApiPropertyOptional({ example: '13812346789' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

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

export class MentionRefDto {
  @IsString() feed!: string;
  @IsString() sourceRecordId!: string;
  /** JSON Pointer of the mention inside its record ("" for the whole record). */
  @IsString() pointer!: string;
}

export class SplitDto {
  /** The mentions that are another person; they move to a new person together. */
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => MentionRefDto)
  mentions!: MentionRefDto[];
}

@ApiTags('persons')
@Controller('persons')
export class PersonsController {
  constructor(
    private readonly persons: PersonReadRepository,
    private readonly entities: EntityReadRepository,
    private readonly resolution: ResolutionService,
  ) {}

  @Get()
  @PersonalData('persons:search', {
    action: 'read',
    subjects: (body: { persons: { id: string }[] }) => body.persons.map((p) => p.id),
    detail: (body: { persons: unknown[] }) => ({ count: body.persons.length }),
  })
  @ApiOperation({
    summary:
      'Search persons in your jurisdiction by ID number, by name (and birth date) or by phone.',
  })
  async search(@Query() query: PersonSearchDto, @Req() request: Request) {
    const persons = await this.persons.search(
      searchFilters(query),
      accessOf(request).principal.jurisdiction,
      query.limit ?? 50,
    );
    return { persons };
  }

  @Get(':id')
  @PersonalData('persons:read', {
    action: 'read',
    subjects: (_body, request) => [request.params.id],
  })
  @ApiOperation({
    summary:
      'A person: golden record, every candidate value with its provenance, household, relations to places, events and organizations, conflict flags. A merged person answers 301 to the survivor.',
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
    return {
      ...person,
      candidates: byAttribute(candidates),
      households: households.map((number) => ({
        number,
        members: members
          .filter((m) => m.household === number)
          .map(({ personId, relationToHead }) => ({ personId, relationToHead })),
      })),
      families: groupFamilies(families),
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
  async split(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: SplitDto,
    @Req() request: Request,
  ) {
    if (!(await this.persons.summary(id, accessOf(request).principal.jurisdiction)))
      throw new NotFoundException(`no person ${id}`);
    return this.resolution.split(id, body.mentions, accessOf(request).principal.name);
  }
}

/** A mention as the entity endpoints list it: where it is, and whether it still speaks. */
export const mentionSummary = ({
  feed,
  sourceRecordId,
  pointer,
  active,
}: {
  feed: string;
  sourceRecordId: string;
  pointer: string;
  active: boolean;
}) => ({ feed, sourceRecordId, pointer, active });

export function byAttribute<T extends { attribute: string }>(items: T[]) {
  const out: Record<string, Omit<T, 'attribute'>[]> = {};
  for (const { attribute, ...rest } of items) (out[attribute] ??= []).push(rest);
  return out;
}

/** A family as one record states it: its head, and its members with their relation to it. */
interface Family {
  source: { feed: string; sourceRecordId: string };
  headId: string;
  members: { personId: string; relationToHead: string | null }[];
}

function groupFamilies(rows: Awaited<ReturnType<PersonReadRepository['families']>>): Family[] {
  const byRecord = new Map<string, Family>();
  for (const row of rows) {
    const key = `${row.feed}\u001f${row.sourceRecordId}`;
    if (!byRecord.has(key))
      byRecord.set(key, {
        source: { feed: row.feed, sourceRecordId: row.sourceRecordId },
        headId: row.headId,
        members: [],
      });
    byRecord.get(key)!.members.push({ personId: row.memberId, relationToHead: row.relationToHead });
  }
  return [...byRecord.values()];
}
