import { Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { REJECT_REASONS } from '@hub/model';
import { RejectReplayer } from '../reject-replayer';
import { RejectRepository, RejectRow } from '../reject.repository';

export class RejectQueryDto {
  @IsOptional() @IsString() feed?: string;
  @IsOptional() @IsIn(REJECT_REASONS) reason?: string;
  @IsOptional() @IsIn(['open', 'replayed']) status?: 'open' | 'replayed';
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @IsOptional() @Matches(/^\d+$/) after?: string;
}

export class ReplayQueryDto {
  @IsOptional() @IsString() feed?: string;
  @IsOptional() @IsIn(REJECT_REASONS) reason?: string;
}

/** The message as received: UTF-8 text when it is text, else base64. */
function present(row: RejectRow) {
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
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Kept rejects, filtered by feed, reason and status, oldest first (page with ?after=<last id>)',
  })
  async list(@Query() query: RejectQueryDto) {
    const rows = await this.rejects.find({ ...query, afterId: query.after });
    return rows.map(present);
  }

  @Get('summary')
  @ApiOperation({ summary: 'Number of rejects by feed, reason and status' })
  summary() {
    return this.rejects.countByFeedAndReason();
  }

  @Post('replay')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Replay every open reject (optionally of one feed and reason) after the mapping or data was fixed',
  })
  async replayAll(@Query() query: ReplayQueryDto) {
    const results = await this.replayer.replayAll(query);
    return {
      replayed: results.filter((r) => r.outcome !== 'rejected').length,
      stillRejected: results.filter((r) => r.outcome === 'rejected').length,
      results,
    };
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replay one reject' })
  async replayOne(@Param('id') id: string) {
    const reject = /^\d+$/.test(id) ? await this.rejects.findOne(id) : undefined;
    if (!reject) throw new NotFoundException(`no reject ${id}`);
    return this.replayer.replayOne(reject);
  }
}
