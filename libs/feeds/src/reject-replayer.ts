import {
  type BeforeApplicationShutdown,
  ConflictException,
  Injectable,
  Logger,
} from '@nestjs/common';
import { FeedCatalog } from './feed-catalog';
import { FeedPipeline, MessageResult } from './pipeline/feed-pipeline';
import { RejectReplayJobRepository, type ReplayJob } from './reject-replay-job.repository';
import { RejectFilter, RejectRepository, RejectRow } from './reject.repository';

/** Rejects replayed per page of a job, between two writes of its progress. */
const JOB_PAGE = 100;
/** A running job not refreshed for this long lost its process: it is interrupted. */
const JOB_STALE_MS = 120_000;

export interface ReplayResult extends MessageResult {
  rejectId: string;
}

/**
 * Runs kept rejects through the pipeline again once the mapping or the data was fixed. A reject
 * that now goes through is marked replayed; one that still fails keeps its row, with the new
 * reason, and is not stored twice. Replaying every open reject is a background job (start): it
 * may take a long time, so it outlives its request, keeps only counts in memory and writes its
 * progress after every page.
 */
@Injectable()
export class RejectReplayer implements BeforeApplicationShutdown {
  private readonly log = new Logger(RejectReplayer.name);
  private readonly stopping = new AbortController();
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly rejects: RejectRepository,
    private readonly jobs: RejectReplayJobRepository,
    private readonly pipeline: FeedPipeline,
    private readonly catalog: FeedCatalog,
  ) {}

  /** Jobs stop after the page in hand and are marked interrupted: they can be started again. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.running);
  }

  /**
   * Starts replaying every open reject of the filter in the background and returns the job at
   * once; a job of the same filter that is still running answers 409 with its id.
   */
  async start(filter: { feed?: string; reason?: string }, requestedBy: string): Promise<ReplayJob> {
    await this.jobs.interruptStale(JOB_STALE_MS);
    const running = await this.jobs.runningLike(filter, JOB_STALE_MS);
    if (running)
      throw new ConflictException(
        `replay job ${running.id} of the same rejects is running: follow it at /v1/admin/rejects/replay/${running.id}`,
      );
    const job = await this.jobs.create(filter, requestedBy);
    const run = this.run(job, filter).finally(() => this.running.delete(run));
    this.running.add(run);
    return job;
  }

  private async run(job: ReplayJob, filter: RejectFilter): Promise<void> {
    try {
      let afterId: string | undefined;
      for (;;) {
        if (this.stopping.signal.aborted) return await this.jobs.finish(job.id, 'interrupted');
        const page = await this.rejects.find({
          ...filter,
          status: 'open',
          afterId,
          limit: JOB_PAGE,
        });
        if (page.length === 0) break;
        let replayed = 0;
        let stillRejected = 0;
        for (const reject of page) {
          if ((await this.replayOne(reject)).outcome === 'rejected') stillRejected++;
          else replayed++;
        }
        afterId = page[page.length - 1].id;
        await this.jobs.progress(job.id, { replayed, stillRejected, lastRejectId: afterId });
      }
      await this.jobs.finish(job.id, 'done');
    } catch (error) {
      this.log.error(`replay job ${job.id} failed: ${String(error)}`);
      await this.jobs
        .finish(job.id, 'failed', error instanceof Error ? error.message : String(error))
        .catch(() => undefined);
    }
  }

  async replayOne(reject: RejectRow): Promise<ReplayResult> {
    const feed = reject.feed ?? this.catalog.feedOfTopic(reject.topic ?? '')?.mapping.feed;
    // No coordinates: a replay is not a new Kafka message, and its reject row already exists.
    // The raw bytes are read in the charset the message declared, which its detail keeps.
    const { contentType } = reject.detail;
    const { results, rejects } = await this.pipeline.processBatch(
      [
        {
          value: reject.raw,
          key: reject.messageKey,
          contentType: typeof contentType === 'string' ? contentType : null,
        },
      ],
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
}
