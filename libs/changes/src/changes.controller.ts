import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { ChangeFeed } from './change-feed';

/** A change-log position, as `after` and as an SSE `Last-Event-ID`. */
const CURSOR = /^\d{1,19}$/;

export class ChangesQueryDto {
  /** Position to read after (the `next` of the previous page); 0 from the beginning. */
  @IsOptional() @Matches(CURSOR) after?: string;
  /** Comma-separated CloudEvents types, e.g. cn.gov.hub.person.created,cn.gov.hub.person.updated */
  @IsOptional() @Matches(/^[a-z0-9._-]+(,[a-z0-9._-]+)*$/) types?: string;
  /** Division code or prefix (2 to 12 digits). */
  @IsOptional() @Matches(/^\d{2,12}$/) division?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  /** Long-poll: seconds to wait for an event when there is none yet. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(60) wait?: number;
}

@ApiTags('changes')
@Controller('changes')
export class ChangesController {
  constructor(private readonly feed: ChangeFeed) {}

  @Get()
  @ApiOperation({
    summary:
      'Change events of the unified model as CloudEvents 1.0 JSON, in commit order, with the cursor to continue from; ?wait=30 long-polls; Accept: text/event-stream streams them as Server-Sent Events',
  })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Sent by a reconnecting EventSource: the cursor to go on from (wins over after)',
  })
  async list(
    @Query() query: ChangesQueryDto,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const filter = {
      // An EventSource that reconnects sends the id of the last event it got.
      after: (lastEventId && CURSOR.test(lastEventId) ? lastEventId : query.after) ?? '0',
      types: query.types?.split(','),
      division: query.division,
      limit: query.limit ?? 100,
    };
    if (accept?.includes('text/event-stream')) {
      await this.feed.stream(filter, res);
      return;
    }
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    res.json(await this.feed.read(filter, (query.wait ?? 0) * 1000, gone.signal));
  }
}
