import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ConsumerProgress, ConsumerProgressSource } from '@hub/health';
import { sqlStateOf } from '@hub/persistence';
import type { MessageResult } from './pipeline/feed-pipeline';

/**
 * Prometheus metrics of the ingest pipeline (served at /metrics by MetricsController), and the
 * Kafka consumer's progress the ingest's liveness is decided on (consumerLiveness in @hub/health).
 */
@Injectable()
export class IngestMetrics implements ConsumerProgressSource {
  readonly registry = new Registry();
  /**
   * When a Kafka batch's transaction last committed, or work came for a consumer that had none,
   * or the process started: a consumer idle for an hour is not stalled the moment a batch comes.
   */
  private lastProgressAt = Date.now();
  /** Messages waiting per partition held (`topic/partition`), as of its last batch. */
  private readonly waiting = new Map<string, number>();
  private readonly consumed = new Counter({
    name: 'hub_records_consumed_total',
    help: 'Department messages taken in, by feed and transport',
    labelNames: ['feed', 'transport'],
    registers: [this.registry],
  });
  private readonly outcomes = new Counter({
    name: 'hub_records_total',
    help: 'Department messages by outcome: stored (accepted), duplicate, stale, rejected',
    labelNames: ['feed', 'outcome'],
    registers: [this.registry],
  });
  private readonly rejected = new Counter({
    name: 'hub_records_rejected_total',
    help: 'Rejected messages by feed and reason',
    labelNames: ['feed', 'reason'],
    registers: [this.registry],
  });
  readonly lag = new Gauge({
    name: 'hub_consumer_lag',
    help: 'Messages behind the high watermark, per topic and partition, after the last batch',
    labelNames: ['topic', 'partition'],
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'hub_batch_duration_seconds',
    help: 'Time to validate, map and durably store one batch',
    labelNames: ['transport'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /**
   * Where a batch's time goes, to tell CPU from waiting: see PhaseClock for the phases. The
   * person-lock wait is other transactions resolving the same residents.
   */
  readonly phaseSeconds = new Histogram({
    name: 'hub_batch_phase_seconds',
    help: 'Time of each phase of storing one batch: validate_map, records, person_lock_wait, resolution, commit (retry: attempts aborted to break a deadlock)',
    labelNames: ['phase'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly retries = new Counter({
    name: 'hub_batch_retries_total',
    help: 'Batch transactions run again after PostgreSQL aborted them to break a deadlock, by SQLSTATE',
    labelNames: ['code'],
    registers: [this.registry],
  });

  private readonly splits = new Counter({
    name: 'hub_batch_splits_total',
    help: 'Batch transactions PostgreSQL refused as a whole (53200: its lock table is full) and that were stored in halves, by SQLSTATE',
    labelNames: ['code'],
    registers: [this.registry],
  });

  /** Read when /metrics is scraped: FeedPipeline's current cap (see LockTableCap). */
  private recordCapNow: () => number = () => Number.POSITIVE_INFINITY;
  private readonly recordCap: Gauge = new Gauge({
    name: 'hub_batch_record_cap',
    help: "The most records an ingest transaction holds since PostgreSQL's lock table overflowed (+Inf: no cap; see hub_batch_splits_total)",
    registers: [this.registry],
    collect: (): void => this.recordCap.set(this.recordCapNow()),
  });

  retried(error: Error): void {
    this.retries.inc({ code: sqlStateOf(error) ?? 'unknown' });
  }

  split(error: Error): void {
    this.splits.inc({ code: sqlStateOf(error) ?? 'unknown' });
  }

  reportRecordCap(current: () => number): void {
    this.recordCapNow = current;
  }

  /** A clock whose laps go to phaseSeconds. */
  phaseClock(): PhaseClock {
    return new PhaseClock((phase, seconds) => this.phaseSeconds.observe({ phase }, seconds));
  }

  /**
   * A partition's batch was handed over (`waiting`: messages from its first to the end of the
   * partition), or came back (`waiting`: those it did not store). Recorded on arrival, a batch
   * that fails every time keeps the consumer behind however long it was caught up before.
   */
  partitionWaiting(topic: string, partition: number, waiting: number): void {
    const caughtUp = this.consumerProgress().lag === 0;
    this.waiting.set(`${topic}/${partition}`, Math.max(0, waiting));
    if (caughtUp && waiting > 0) this.lastProgressAt = Date.now();
  }

  /** The group's assignment (topic → partitions): the lag of partitions moved away is not ours. */
  partitionsAssigned(assignment: Record<string, number[]>): void {
    const held = new Set(
      Object.entries(assignment).flatMap(([topic, partitions]) =>
        partitions.map((p) => `${topic}/${p}`),
      ),
    );
    for (const key of this.waiting.keys()) if (!held.has(key)) this.waiting.delete(key);
  }

  consumerProgress(): ConsumerProgress {
    let lag = 0;
    for (const waiting of this.waiting.values()) lag += waiting;
    return { lastProgressAt: this.lastProgressAt, lag };
  }

  /** The outcomes of a batch whose transaction committed (for Kafka: the consumer's progress). */
  recordResults(results: MessageResult[], transport: 'kafka' | 'http' = 'kafka') {
    if (transport === 'kafka') this.lastProgressAt = Date.now();
    for (const r of results) {
      const feed = r.feed ?? 'unknown';
      this.consumed.inc({ feed, transport });
      this.outcomes.inc({ feed, outcome: r.outcome === 'accepted' ? 'stored' : r.outcome });
      if (r.outcome === 'rejected') this.rejected.inc({ feed, reason: r.reason ?? 'unknown' });
    }
  }
}

/**
 * Times the phases of one batch, in the order they run: `validate_map` (JSON, schema, mapping:
 * CPU, in slices between which other transactions' continuations run), `records` (record
 * locks, ordering, source records, heads, keyed mentions: up to the resolution locks, or the
 * whole transaction when it names no person), `person_lock_wait`,
 * `resolution` (the rest of the transaction: resolution, entities, change events) and
 * `commit`. Each lap is the time since the one before.
 */
export class PhaseClock {
  private last = performance.now();
  private locked = false;

  constructor(private readonly observe: (phase: string, seconds: number) => void) {}

  lap(phase: 'validate_map' | 'records' | 'person_lock_wait' | 'commit'): void {
    if (phase === 'person_lock_wait') this.locked = true;
    if (phase === 'commit') this.locked = false; // a record-by-record retry starts over
    this.observeSinceLast(phase);
  }

  /**
   * The transaction was aborted and runs again: the time since the last lap goes to `retry`, and
   * the next attempt's phases start over.
   */
  retry(): void {
    this.locked = false;
    this.observeSinceLast('retry');
  }

  /** The transaction's work is done: the time since the last lap was resolution or records. */
  endOfTransactionBody(): void {
    this.observeSinceLast(this.locked ? 'resolution' : 'records');
  }

  private observeSinceLast(phase: string): void {
    const now = performance.now();
    this.observe(phase, (now - this.last) / 1000);
    this.last = now;
  }
}
