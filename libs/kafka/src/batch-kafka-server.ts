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

/** kafkajs's own default `heartbeatInterval`, for a consumer configured without one. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 3000;

/**
 * Heartbeats while a batch is being stored. kafkajs heartbeats only when asked (between
 * fetches, and when a handler calls `heartbeat()`): a transaction that runs, or waits on locks,
 * longer than the session timeout would otherwise get its member dropped from the group (seen:
 * a consumer silent for tens of seconds lost its membership, its offsets could not be committed,
 * and its partitions' batches were stored twice). kafkajs sends at most one heartbeat per
 * `heartbeatInterval` (the others return at once), and concurrent calls share the one request,
 * so this ticks at half the interval: the member is never silent much longer than the interval.
 * A heartbeat that fails (REBALANCE_IN_PROGRESS, UNKNOWN_MEMBER_ID, a lost connection) is kept,
 * not thrown into the batch: the batch stops after the part in hand, which is committed, and
 * the caller sends a heartbeat again afterwards for kafkajs to rejoin.
 */
export class HeartbeatsWhileBusy {
  private readonly timer: NodeJS.Timeout;
  private error: unknown;

  constructor(
    private readonly heartbeat: () => Promise<void>,
    intervalMs: number,
  ) {
    this.timer = setInterval(() => void this.beat(), Math.max(50, intervalMs / 2));
  }

  /** A heartbeat if one is due; never throws (see `failed`). */
  async beat(): Promise<void> {
    if (this.error !== undefined) return;
    try {
      await this.heartbeat();
    } catch (e) {
      this.error ??= e;
    }
  }

  /** True once a heartbeat failed: the batch should stop, and the group be joined again. */
  failed(): boolean {
    return this.error !== undefined;
  }

  stop(): void {
    clearInterval(this.timer);
  }
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
        const membership = new HeartbeatsWhileBusy(
          () => payload.heartbeat(),
          this.options.consumer?.heartbeatInterval ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
        );
        let durable: string | undefined;
        try {
          durable = await handler({
            batch,
            producer: this.producer!,
            heartbeat: () => membership.beat(),
            shouldStop: () => !payload.isRunning() || payload.isStale() || membership.failed(),
          });
        } finally {
          membership.stop();
        }
        if (durable !== undefined) {
          // Only now is that much of the batch durable in PostgreSQL: mark and commit its
          // offsets (a batch left part-way is fetched again from the next offset). In a
          // rebalance the broker still takes the commit of the generation that fetched it.
          payload.resolveOffset(durable);
          // Without autoCommit, kafkajs commits only the offsets it is given.
          await payload.commitOffsetsIfNecessary(payload.uncommittedOffsets());
        }
        // A heartbeat that failed during the batch (a rebalance, a member dropped) is sent again
        // here, unguarded: kafkajs's runner learns of it from the error, and rejoins.
        if (payload.isRunning() && (!payload.isStale() || membership.failed()))
          await payload.heartbeat();
      },
    });
  }
}
