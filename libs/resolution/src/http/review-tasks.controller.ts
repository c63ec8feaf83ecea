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
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { Request } from 'express';
import { accessOf, PersonalData } from '@hub/access';
import { ResolutionService } from './resolution.service';
import { ReviewTaskRepository } from './review-task.repository';

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

@ApiTags('persons')
@Controller('review-tasks')
export class ReviewTasksController {
  constructor(
    private readonly tasks: ReviewTaskRepository,
    private readonly resolution: ResolutionService,
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
  async list(@Query() query: ReviewTaskQueryDto, @Req() request: Request) {
    const tasks = await this.tasks.list(
      query.status ?? 'open',
      query.limit ?? 100,
      accessOf(request).principal.jurisdiction,
    );
    return { tasks };
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
