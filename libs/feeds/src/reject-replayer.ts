import { Injectable } from '@nestjs/common';
import { FeedCatalog } from './feed-catalog';
import { FeedPipeline, MessageResult } from './pipeline/feed-pipeline';
import { RejectFilter, RejectRepository, RejectRow } from './reject.repository';

export interface ReplayResult extends MessageResult {
  rejectId: string;
}

/**
 * Runs kept rejects through the pipeline again once the mapping or the data was fixed. A reject
 * that now goes through is marked replayed; one that still fails keeps its row, with the new
 * reason, and is not stored twice.
 */
@Injectable()
export class RejectReplayer {
  constructor(
    private readonly rejects: RejectRepository,
    private readonly pipeline: FeedPipeline,
    private readonly catalog: FeedCatalog,
  ) {}

  async replayOne(reject: RejectRow): Promise<ReplayResult> {
    const feed = reject.feed ?? this.catalog.feedOfTopic(reject.topic ?? '')?.mapping.feed;
    // No coordinates: a replay is not a new Kafka message, and its reject row already exists.
    const { results, rejects } = await this.pipeline.processBatch(
      [{ value: reject.raw, key: reject.messageKey }],
      {
        feed: feed ?? '',
        transport: 'http',
        keepRejects: false,
      },
    );
    const [result] = results;
    if (result.outcome === 'rejected') {
      await this.rejects.updateReason(reject.id, rejects[0].reason, {
        message: rejects[0].message,
        ...rejects[0].detail,
      });
    } else {
      await this.rejects.markReplayed(reject.id);
    }
    return { ...result, rejectId: reject.id };
  }

  async replayAll(filter: RejectFilter): Promise<ReplayResult[]> {
    const results: ReplayResult[] = [];
    let afterId: string | undefined;
    for (;;) {
      const page = await this.rejects.find({ ...filter, status: 'open', afterId, limit: 500 });
      if (page.length === 0) return results;
      for (const reject of page) results.push(await this.replayOne(reject));
      afterId = page[page.length - 1].id;
    }
  }
}
