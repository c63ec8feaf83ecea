import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import type { Request } from 'express';
import { accessOf, Permission } from '@hub/access';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { FeedCatalog } from '../feed-catalog';
import { FeedPipeline } from '../pipeline/feed-pipeline';
import type { InboundMessage } from '../pipeline/inbound-message';
import { PushResponseDto } from './push-response.dto';

const CHUNK = 1000;

/** Turns a pushed body (parsed JSON array, or NDJSON text) into one message per record. */
export function pushedMessages(body: unknown): InboundMessage[] {
  if (Array.isArray(body)) return body.map((record) => ({ value: JSON.stringify(record) }));
  if (typeof body === 'string') {
    // Lines are kept exactly as sent (a record is stored and rejected byte for byte), but for
    // the CR of CRLF line ends; blank lines separate nothing and are skipped.
    return body
      .split('\n')
      .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
      .filter((line) => line.trim() !== '')
      .map((line) => ({ value: line }));
  }
  throw new BadRequestException(
    'body must be a JSON array (application/json) or NDJSON (application/x-ndjson)',
  );
}

@ApiTags('feeds')
@Controller('feeds')
export class FeedPushController {
  constructor(
    private readonly pipeline: FeedPipeline,
    private readonly catalog: FeedCatalog,
  ) {}

  @Post(':feed/records')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Push department records over HTTP (department clients, their own feeds only)',
    description:
      'The same objects a department would put on its Kafka topic, as a JSON array or as NDJSON, through the same validation and mapping. Each record gets its outcome: accepted, duplicate, stale or rejected with the reason.',
  })
  @ApiParam({
    name: 'feed',
    example: 'population',
    description: 'population, assistance, grid or any mapped feed',
  })
  @ApiConsumes('application/json', 'application/x-ndjson')
  @ApiBody({ schema: { type: 'array', items: { type: 'object' } } })
  @ApiOkResponse({ type: PushResponseDto })
  @Permission('feeds:push')
  async push(
    @Param('feed') feed: string,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<PushResponseDto> {
    // Checked before the feed's existence: a client learns nothing about feeds not its own.
    if (!accessOf(request).principal.feeds.includes(feed))
      throw new ForbiddenException(`this client may not push the feed ${feed}`);
    if (!this.catalog.feed(feed))
      throw new NotFoundException(
        `unknown feed ${feed}; known: ${this.catalog.feeds.map((f) => f.mapping.feed).join(', ')}`,
      );
    const messages = pushedMessages(body);
    const response = PushResponseDto.empty();
    // One transaction per chunk: a huge push never holds locks on everything at once, and a
    // failure leaves every earlier chunk whole and the failing one unwritten.
    for (let start = 0; start < messages.length; start += CHUNK) {
      const { results } = await this.pipeline.processBatch(messages.slice(start, start + CHUNK), {
        feed,
        transport: 'http',
      });
      response.add(results.map((r) => ({ ...r, index: r.index + start })));
    }
    return response;
  }
}
