import { Logger } from '@nestjs/common';
import { KafkaOptions, ServerKafka } from '@nestjs/microservices';
import type { Batch, Consumer, Producer } from 'kafkajs';
import { PartitionPipeline } from './partition-pipeline';

export interface BatchContext {
  batch: Batch;
  /** The transport's producer, connected with the consumer (for dead-letter messages). */
  producer: Producer;
}

export type BatchHandler = (context: BatchContext) => Promise<void>;

/** Batches of one partition queued or being written at once (see PartitionPipeline). */
const PIPELINE_DEPTH = 2;

/**
 * Nest's Kafka transport hands messages over one at a time and commits on its own schedule.
 * The hub needs whole batches in one database transaction and offsets committed only after
 * that transaction: this strategy keeps Nest's client, lifecycle and shutdown, and replaces
 * the message loop with kafkajs `eachBatch`, manual offset resolution and manual commits.
 *
 * A batch is queued on its partition's line (PartitionPipeline) and kafkajs fetches on while
 * it is written; the handler runs a partition's batches one after another, so its order is
 * kept, and the batch's offsets are committed once the handler is done (it is durable). When a
 * handler fails, the batches queued behind it are dropped and the partition is rewound to the
 * failed batch, to be read again after a back-off. On close, the queued batches are written and
 * committed before the consumer leaves its group.
 */
export class BatchKafkaServer extends ServerKafka {
  private readonly log = new Logger(BatchKafkaServer.name);
  private readonly pipeline = new PartitionPipeline(PIPELINE_DEPTH);
  private closing = false;

  constructor(
    options: Required<KafkaOptions>['options'],
    private readonly topics: string[],
    private readonly handle: () => BatchHandler,
  ) {
    super(options);
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    await consumer.subscribe({
      topics: this.topics,
      fromBeginning: this.options.subscribe?.fromBeginning ?? true,
    });
    const handler = this.handle();
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // A few partitions at once keep PostgreSQL busy while another batch is fetched.
      partitionsConsumedConcurrently: this.options.run?.partitionsConsumedConcurrently ?? 3,
      eachBatch: async (payload) => {
        const { batch } = payload;
        // Stale: fetched before a rewind of its partition (see rewind), to be read again.
        if (this.closing || !payload.isRunning() || payload.isStale() || batch.isEmpty()) return;
        const { topic, partition } = batch;
        const queued = await this.pipeline.enqueue(
          `${topic}\u001f${partition}`,
          async () => {
            await handler({ batch, producer: this.producer! });
            // Only now is the batch durable in PostgreSQL: commit its offsets.
            await this.commit(consumer, topic, partition, batch.lastOffset());
          },
          (error) => this.rewind(consumer, batch, error),
          () => payload.heartbeat(),
        );
        // Fetch on from after the batch; what is fetched is committed only once written.
        if (queued) payload.resolveOffset(batch.lastOffset());
      },
    });
  }

  override async close(): Promise<void> {
    this.closing = true;
    // No more fetching meanwhile: the batches handed over from now on would be read again.
    this.consumer?.pause(this.topics.map((topic) => ({ topic })));
    await this.pipeline.drain();
    await super.close();
  }

  private async commit(consumer: Consumer, topic: string, partition: number, last: string) {
    try {
      await consumer.commitOffsets([{ topic, partition, offset: String(BigInt(last) + 1n) }]);
    } catch (error) {
      // A rebalance took the partition away: its next owner reads the batch again, and the
      // records, stored already, come out as duplicates.
      this.log.warn(`offset commit of ${topic}[${partition}] failed: ${String(error)}`);
    }
  }

  /** The batch was not written: read the partition again from it. */
  private rewind(consumer: Consumer, batch: Batch, error: unknown) {
    this.log.error(
      `batch ${batch.topic}[${batch.partition}] from offset ${batch.firstOffset()} failed, to be read again: ${
        error instanceof Error ? (error.stack ?? error.message) : String(error)
      }`,
    );
    try {
      consumer.seek({
        topic: batch.topic,
        partition: batch.partition,
        offset: batch.firstOffset()!,
      });
    } catch (seekError) {
      // The consumer stopped: its group re-reads from the committed offsets anyway.
      this.log.warn(`rewind of ${batch.topic}[${batch.partition}] failed: ${String(seekError)}`);
    }
  }
}
