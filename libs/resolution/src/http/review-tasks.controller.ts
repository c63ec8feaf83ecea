import {
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
} from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { Request } from 'express';
import { accessOf, PersonalData } from '@hub/access';
import { codeLabel } from '@hub/normalize';
import { mentionKeyOf } from '@hub/model';
import { FeedDepartments } from './feed-departments';
import { ResolutionService } from './resolution.service';
import { DecisionResultDto, ReviewTaskListDto } from './review-task.dto';
import { ReviewTaskRepository, type MentionFacts, type MentionRef } from './review-task.repository';

export class ReviewTaskQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'decided', 'moot'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'decided', 'moot'])
  status?: 'open' | 'decided' | 'moot';

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class DecisionDto {
  @ApiProperty({
    enum: ['same', 'different'],
    description:
      'same: the mention is the candidate person; different: it is not (this candidate, or any)',
  })
  @IsIn(['same', 'different'])
  verdict!: 'same' | 'different';

  @ApiPropertyOptional({
    description: 'The candidate person the verdict is about; required for same',
  })
  @IsOptional()
  @IsUUID()
  personId?: string;
}

type TaskList = { tasks: { personId: string | null; candidates: { entityId?: string }[] }[] };

const refKey = (m: MentionRef) => mentionKeyOf(m.feed, m.sourceRecordId, m.pointer);

/** Each mention's values by attribute (the first where a record states one twice). */
function valuesByMention(facts: MentionFacts[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const fact of facts) {
    const values = out.get(refKey(fact)) ?? {};
    if (!(fact.attribute in values)) values[fact.attribute] = fact.value;
    out.set(refKey(fact), values);
  }
  return out;
}

@ApiTags('persons')
@Controller('review-tasks')
export class ReviewTasksController {
  constructor(
    private readonly tasks: ReviewTaskRepository,
    private readonly resolution: ResolutionService,
    private readonly departments: FeedDepartments,
  ) {}

  @Get()
  @PersonalData('review-tasks:read', {
    action: 'read',
    subjects: (body: TaskList) =>
      body.tasks.flatMap((t) => [t.personId, ...t.candidates.map((c) => c.entityId)]),
    detail: (body: TaskList) => ({ count: body.tasks.length }),
  })
  @ApiOperation({
    summary:
      'Person mentions the matcher would not decide alone, with their candidates (your jurisdiction).',
  })
  @ApiOkResponse({ type: ReviewTaskListDto })
  async list(@Query() query: ReviewTaskQueryDto, @Req() request: Request) {
    const tasks = await this.tasks.list(
      query.status ?? 'open',
      query.limit ?? 100,
      accessOf(request).principal.jurisdiction,
    );
    const values = valuesByMention(
      await this.tasks.mentionFacts(
        tasks.flatMap((t) => [t, ...t.candidates.map((c) => c.matched)]),
      ),
    );
    return {
      tasks: tasks.map((task) => ({
        ...task,
        ...this.stated(task, values),
        candidates: task.candidates.map((c) => ({
          ...c,
          matched: { ...c.matched, ...this.stated(c.matched, values) },
        })),
      })),
    };
  }

  /** What a mention states, with its department and the texts of its coded values. */
  private stated(mention: MentionRef, values: Map<string, Record<string, unknown>>) {
    const stated = values.get(refKey(mention)) ?? {};
    const labels: Record<string, string> = {};
    for (const [attribute, value] of Object.entries(stated)) {
      const label = codeLabel(attribute, value);
      if (label !== undefined) labels[attribute] = label;
    }
    return { department: this.departments.of(mention.feed), values: stated, labels };
  }

  @Post(':id/decision')
  @HttpCode(200)
  @PersonalData('review-tasks:decide', {
    action: 'write',
    subjects: (body: { personId: string }, request) => [body.personId, request.params.id],
    detail: (_body, request) => ({ reviewTask: request.params.id, ...(request.body as object) }),
  })
  @ApiOperation({
    summary:
      'Decide a review task; the decision is stored, wins over the matcher from now on, and the persons concerned are resolved again at once.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: DecisionResultDto })
  async decide(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: DecisionDto,
    @Req() request: Request,
  ) {
    if (!(await this.tasks.visible(id, accessOf(request).principal.jurisdiction)))
      throw new NotFoundException(`no review task ${id}`);
    return this.resolution.decide(
      id,
      body.verdict,
      body.personId,
      accessOf(request).principal.name,
    );
  }
}
