import {
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { accessOf, Permission, PersonalData } from '@hub/access';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { REJECT_REASONS } from '@hub/model';
import { RejectReplayJobRepository } from '../reject-replay-job.repository';
import { RejectReplayer } from '../reject-replayer';
import { RejectRepository, RejectRow } from '../reject.repository';
import {
  RejectCountDto,
  RejectDto,
  RejectWithRecordDto,
  ReplayResultDto,
  ReplayJobDto,
} from './rejects.dto';

const REJECT_ID = ApiParam({ name: 'id', example: '17', description: 'Reject id (digits)' });

export class ReplayQueryDto {
  @ApiPropertyOptional({ example: 'population' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  feed?: string;

  @ApiPropertyOptional({ enum: REJECT_REASONS })
  @IsOptional()
  @IsIn(REJECT_REASONS)
  reason?: string;
}

export class RejectQueryDto extends ReplayQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'replayed'] })
  @IsOptional()
  @IsIn(['open', 'replayed'])
  status?: 'open' | 'replayed';

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'The last id of the previous page' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'after must be a reject id: digits, at most 18 of them' })
  after?: string;
}

/** A reject without its body: reason and coordinates, what operators work with. */
function withoutBody(row: RejectRow) {
  const { raw, ...rest } = row;
  return { ...rest, bytes: raw.length };
}

/** The message as received: UTF-8 text when it is text, else base64. */
function withBody(row: RejectRow) {
  const { raw, ...rest } = row;
  const text = raw.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(raw);
  return {
    ...rest,
    raw: isText ? text : raw.toString('base64'),
    rawEncoding: isText ? 'utf8' : 'base64',
    bytes: raw.length,
  };
}

@ApiTags('admin')
@Controller('admin/rejects')
export class RejectsController {
  constructor(
    private readonly rejects: RejectRepository,
    private readonly replayer: RejectReplayer,
    private readonly jobs: RejectReplayJobRepository,
  ) {}

  @Get()
  @Permission('rejects:read')
  @ApiOperation({
    summary:
      'Kept rejects, filtered by feed, reason and status, oldest first (page with ?after=<last id>): reasons and coordinates, without the records themselves',
  })
  @ApiOkResponse({ type: [RejectDto] })
  async list(@Query() query: RejectQueryDto) {
    const rows = await this.rejects.find({ ...query, afterId: query.after });
    return rows.map(withoutBody);
  }

  @Get('summary')
  @Permission('rejects:read')
  @ApiOperation({ summary: 'Number of rejects by feed, reason and status' })
  @ApiOkResponse({ type: [RejectCountDto] })
  summary() {
    return this.rejects.countByFeedAndReason();
  }

  @Get(':id')
  @PersonalData('rejects:read-raw', {
    action: 'read',
    detail: (_b, r) => ({ reject: r.params.id }),
  })
  @ApiOperation({ summary: 'One reject with the record as it was received' })
  @REJECT_ID
  @ApiOkResponse({ type: RejectWithRecordDto })
  async findOne(@Param('id') id: string) {
    const reject = /^\d{1,18}$/.test(id) ? await this.rejects.findOne(id) : undefined;
    if (!reject) throw new NotFoundException(`no reject ${id}`);
    return withBody(reject);
  }

  @Post('replay')
  @HttpCode(202)
  @Permission('rejects:replay', {
    action: 'write',
    detail: (job: { id: string }, r) => ({ ...(r.query as object), job: job.id }),
  })
  @ApiOperation({
    summary:
      'Replay every open reject (optionally of one feed and reason) after the mapping or data was fixed: a background job, followed at /v1/admin/rejects/replay/{jobId}',
  })
  @ApiAcceptedResponse({ type: ReplayJobDto })
  @ApiConflictResponse({ description: 'A job replaying the same rejects is running' })
  async replayAll(
    @Query() query: ReplayQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const job = await this.replayer.start(query, accessOf(request).principal.name);
    res.location(`/v1/admin/rejects/replay/${job.id}`);
    return job;
  }

  @Get('replay/:jobId')
  @Permission('rejects:read')
  @ApiOperation({
    summary: 'A replay job: its status and the rejects replayed and still rejected so far',
  })
  @ApiParam({ name: 'jobId', example: '3', description: 'Replay job id (digits)' })
  @ApiOkResponse({ type: ReplayJobDto })
  async replayJob(@Param('jobId') jobId: string) {
    const job = /^\d{1,18}$/.test(jobId) ? await this.jobs.findOne(jobId) : undefined;
    if (!job) throw new NotFoundException(`no replay job ${jobId}`);
    return job;
  }

  @Post(':id/replay')
  @HttpCode(200)
  @Permission('rejects:replay', { action: 'write', detail: (_b, r) => ({ reject: r.params.id }) })
  @ApiOperation({ summary: 'Replay one reject' })
  @REJECT_ID
  @ApiOkResponse({ type: ReplayResultDto })
  async replayOne(@Param('id') id: string) {
    const reject = /^\d{1,18}$/.test(id) ? await this.rejects.findOne(id) : undefined;
    if (!reject) throw new NotFoundException(`no reject ${id}`);
    return this.replayer.replayOne(reject);
  }
}
