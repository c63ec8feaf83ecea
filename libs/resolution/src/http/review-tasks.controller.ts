import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ResolutionService } from './resolution.service';

export class ReviewTaskQueryDto {
  @IsOptional() @IsIn(['open', 'decided', 'moot']) status?: 'open' | 'decided' | 'moot';
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

export class DecisionDto {
  /** same: the mention is the candidate person; different: it is not (this candidate, or any). */
  @IsIn(['same', 'different']) verdict!: 'same' | 'different';
  /** The candidate person the verdict is about; required for `same`. */
  @IsOptional() @IsUUID() personId?: string;
}

@ApiTags('persons')
@Controller('review-tasks')
export class ReviewTasksController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly resolution: ResolutionService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Person mentions the matcher would not decide alone, with their candidates.',
  })
  async list(@Query() query: ReviewTaskQueryDto) {
    const tasks = await this.db.query<Record<string, unknown>[]>(
      `SELECT id, feed, source_record_id AS "sourceRecordId", pointer, entity_id AS "personId", candidates,
              status, decision, created_at AS "createdAt", decided_at AS "decidedAt"
         FROM review_task WHERE status = $1 ORDER BY created_at, id LIMIT $2`,
      [query.status ?? 'open', query.limit ?? 100],
    );
    return { tasks };
  }

  @Post(':id/decision')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Decide a review task; the decision is stored, wins over the matcher from now on, and the persons concerned are resolved again at once.',
  })
  decide(@Param('id', ParseUUIDPipe) id: string, @Body() body: DecisionDto) {
    return this.resolution.decide(id, body.verdict, body.personId);
  }
}
