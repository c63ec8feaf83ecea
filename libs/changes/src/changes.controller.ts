import { Controller, ForbiddenException, Get, Headers, Query, Req, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiGoneResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
  ApiTooManyRequestsResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { accessOf, applyFieldPolicy, AuditTrail, narrowDivision, PersonalData } from '@hub/access';
import { ChangeFeed } from './change-feed';
import { IsChangeCursor, IsChangeTypes, isChangeCursor } from './change-filters';
import { asGone } from './changes-gone';
import { ChangePageDto, ChangesGoneDto } from './changes.dto';
import type { ChangeCloudEvent } from './cloud-event';

export class ChangesQueryDto {
  @ApiPropertyOptional({
    example: '0',
    description:
      'Position to read after (the `next` of the previous page); 0 from the beginning. At most 9223372036854775807. Events are kept HUB_CHANGE_RETENTION_DAYS days (30 by default) after publication: a cursor after which events were deleted, 0 included, answers 410 with the earliest position kept',
  })
  @IsOptional()
  @IsChangeCursor()
  after?: string;

  @ApiPropertyOptional({
    example: 'cn.gov.hub.person.created,cn.gov.hub.person.updated',
    description:
      'Comma-separated CloudEvents types, each `cn.gov.hub.<person|event|object|place|organization>.<created|updated|revived|ended|merged|split|relation.added|relation.ended>`; an unknown type is refused (400, naming the valid ones)',
  })
  @IsOptional()
  @IsString()
  @IsChangeTypes()
  types?: string;

  @ApiPropertyOptional({
    example: '500116',
    description: 'Division code or prefix (2 to 12 digits), inside your jurisdiction',
  })
  @IsOptional()
  @Matches(/^\d{2,12}$/)
  division?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 60,
    description: 'Long-poll: seconds to wait for an event when there is none yet',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60)
  wait?: number;
}

@ApiTags('changes')
@Controller('changes')
export class ChangesController {
  constructor(
    private readonly feed: ChangeFeed,
    private readonly trail: AuditTrail,
  ) {}

  /**
   * Scoped to the caller's jurisdiction (a `division` outside it is refused), masked by their
   * field policy, and audited per request as a bulk read: its range and count for a page, its
   * starting point for a stream.
   */
  @Get()
  @PersonalData('changes:read', { action: 'read', selfAudited: true })
  @ApiOperation({
    summary:
      'Change events of the unified model as CloudEvents 1.0 JSON, in commit order, with the cursor to continue from; ?wait=30 long-polls; Accept: text/event-stream streams them as Server-Sent Events',
  })
  @ApiExtraModels(ChangePageDto)
  @ApiOkResponse({
    description:
      'A page of events (application/json), or with Accept: text/event-stream a stream of Server-Sent Events: each event as `data:`, its type as `event:`, its position as `id:`',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ChangePageDto) } },
      'text/event-stream': { schema: { type: 'string' } },
    },
  })
  @ApiTooManyRequestsResponse({
    description:
      'The caller holds as many open streams and long-polls as it may (HUB_CHANGE_FEED_STREAMS_PER_CLIENT): close one first',
  })
  @ApiGoneResponse({
    type: ChangesGoneDto,
    description:
      'Events after the cursor (`after`, or `Last-Event-ID`) were deleted by retention (HUB_CHANGE_RETENTION_DAYS), so reading on would skip them: as Kafka answers an offset out of range. For pages, long-polls and streams alike; the body names the earliest position kept and `next`, the cursor to go on from once your copy is whole again',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description: 'Sent by a reconnecting EventSource: the cursor to go on from (wins over after)',
  })
  async list(
    @Query() query: ChangesQueryDto,
    @Headers('accept') accept: string | undefined,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: Request,
    @Res() res: Response,
  ): Promise<void> {
    try {
      await this.serve(query, accept, lastEventId, request, res);
    } catch (error) {
      throw asGone(error);
    }
  }

  private async serve(
    query: ChangesQueryDto,
    accept: string | undefined,
    lastEventId: string | undefined,
    request: Request,
    res: Response,
  ): Promise<void> {
    const { principal } = accessOf(request);
    const division = narrowDivision(principal.jurisdiction, query.division);
    if (division === null)
      throw new ForbiddenException(`division ${query.division} is outside your jurisdiction`);
    const filter = {
      // An EventSource that reconnects sends the id of the last event it got. One that is not a
      // cursor (the hub never sends such an id) is ignored: `after` applies.
      after: (isChangeCursor(lastEventId) ? lastEventId : query.after) ?? '0',
      types: query.types?.split(','),
      division: division === '' ? undefined : division,
      limit: query.limit ?? 100,
    };
    const mask = (event: ChangeCloudEvent) => applyFieldPolicy(event, principal.fieldPolicy);
    /** Streams and long-polls are counted per caller (HUB_CHANGE_FEED_STREAMS_PER_CLIENT). */
    const callerKey = `${principal.kind}:${principal.id}`;
    if (accept?.includes('text/event-stream')) {
      // Before the answer's headers go: a cursor behind the retention is answered 410, as a page.
      await this.feed.assertRetained(filter.after);
      // Counted before the audit row: a stream refused with 429 was not opened.
      await this.feed.asOpenRead(callerKey, async () => {
        await this.trail.record(request, {
          subjects: [],
          fieldsUnmasked: unmaskedOf(principal.fieldPolicy),
          status: 200,
          detail: { stream: 'sse', after: filter.after, division: filter.division ?? null },
        });
        await this.feed.stream(filter, res, (event) => mask(event).body);
      });
      return;
    }
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const waitMs = (query.wait ?? 0) * 1000;
    const read = () => this.feed.read(filter, waitMs, gone.signal);
    const page = waitMs > 0 ? await this.feed.asOpenRead(callerKey, read) : await read();
    const policed = page.events.map(mask);
    await this.trail.record(request, {
      subjects: [],
      fieldsUnmasked: [...new Set(policed.flatMap((p) => p.unmasked))].sort(),
      status: 200,
      detail: { after: filter.after, next: page.next, count: page.events.length },
    });
    const masked = [...new Set(policed.flatMap((p) => p.masked))].sort();
    res.setHeader('X-Masked-Fields', masked.join(',') || 'none');
    res.json({ events: policed.map((p) => p.body), next: page.next, maskedFields: masked });
  }
}

const unmaskedOf = (policy: Record<string, string>) =>
  Object.entries(policy)
    .filter(([, treatment]) => treatment === 'full')
    .map(([field]) => field)
    .sort();
