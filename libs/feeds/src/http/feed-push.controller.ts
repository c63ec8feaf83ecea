import {
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
import { PushResponseDto } from './push-response.dto';
import { pushedMessages } from './pushed-messages';

const CHUNK = 1000;

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
      'The same objects a department would put on its Kafka topic, as a JSON array or as NDJSON, through the same validation and mapping. Each record gets its outcome: accepted, duplicate, stale or rejected with the reason. The body is UTF-8, or GBK when the Content-Type says so (`application/json; charset=GBK`; GB2312 and GB18030 too): a record with bytes its charset cannot hold is rejected as `bad_encoding`, and another charset is refused (415).',
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
    // The bytes as sent (the API reads pushes raw): decoded here by their charset.
    @Body() body: Buffer | undefined,
    @Req() request: Request,
  ): Promise<PushResponseDto> {
    // Checked before the feed's existence: a client learns nothing about feeds not its own.
    if (!accessOf(request).principal.feeds.includes(feed))
      throw new ForbiddenException(`this client may not push the feed ${feed}`);
    if (!this.catalog.feed(feed))
      throw new NotFoundException(
        `unknown feed ${feed}; known: ${this.catalog.feeds.map((f) => f.mapping.feed).join(', ')}`,
      );
    const messages = pushedMessages(body, request.headers['content-type']);
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
