import { KafkaOptions, ServerKafka } from '@nestjs/microservices';
import type { Batch, Consumer, Producer } from 'kafkajs';

export interface BatchContext {
  batch: Batch;
  /** The transport's producer, connected with the consumer (for dead-letter messages). */
  producer: Producer;
  heartbeat(): Promise<void>;
  /**
   * True once the consumer is stopping (SIGTERM) or the partition was taken away (a rebalance):
   * the handler then stops after the part it is storing, instead of finishing the batch.
   */
  shouldStop(): boolean;
}

/** Handles a batch; returns the offset of its last message made durable (none: undefined). */
export type BatchHandler = (context: BatchContext) => Promise<string | undefined>;

/** What the consumer group tells a member, for its progress reports (the ingest's liveness). */
export interface ConsumerGroupListener {
  /** The partitions this member holds after each join (topic → partitions). */
  assigned(assignment: Record<string, number[]>): void;
}

/**
 * Nest's Kafka transport hands messages over one at a time and commits on its own schedule.
 * The hub needs whole batches in one database transaction and offsets committed only after
 * that transaction: this strategy keeps Nest's client, lifecycle and shutdown, and replaces
 * the message loop with kafkajs `eachBatch` and manual offset resolution. Partitions are
 * processed one batch at a time each, so per-partition order is kept.
 */
export class BatchKafkaServer extends ServerKafka {
  constructor(
    options: Required<KafkaOptions>['options'],
    private readonly topics: string[],
    private readonly handle: () => BatchHandler,
    private readonly group?: ConsumerGroupListener,
  ) {
    super(options);
  }

  override async bindEvents(consumer: Consumer): Promise<void> {
    // After a rebalance, and after kafkajs restarts a crashed consumer, it joins again.
    const group = this.group;
    if (group)
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
        group.assigned(payload.memberAssignment),
      );
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
        if (!payload.isRunning() || payload.isStale() || batch.isEmpty()) return;
        const durable = await handler({
          batch,
          producer: this.producer!,
          heartbeat: () => payload.heartbeat(),
          shouldStop: () => !payload.isRunning() || payload.isStale(),
        });
        if (durable === undefined) return;
        // Only now is that much of the batch durable in PostgreSQL: mark and commit its offsets
        // (a batch left part-way is fetched again from the next offset).
        payload.resolveOffset(durable);
        // Without autoCommit, kafkajs commits only the offsets it is given.
        await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
        if (payload.isRunning() && !payload.isStale()) await payload.heartbeat();
      },
    });
  }
}
