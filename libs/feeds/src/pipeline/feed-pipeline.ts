import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { retriedTransaction, sqlStateOf } from '@hub/persistence';
import type { DivisionIndex } from '@hub/normalize';
import { DIVISION_INDEX } from '@hub/places';
import { FeedCatalog } from '../feed-catalog';
import { IngestMetrics, PhaseClock } from '../ingest-metrics';
import type { RecordOutcome } from './decide-outcomes';
import { forEachInSlices } from './event-loop-slices';
import type { InboundMessage } from './inbound-message';
import { IngestTransaction } from './ingest-transaction';
import { LockTableCap } from './lock-table-cap';
import { prepareRecord, PreparedRecord, RejectedRecord } from './prepare-record';
import { SourceRecords } from './source-record.repository';

export const INGEST_LIMITS = Symbol('INGEST_LIMITS');

export interface IngestLimits {
  maxMessageBytes: number;
  /** Transactions committed under a lock-table cap before it is lifted (see LockTableCap). */
  lockTableRecheckTransactions: number;
}

export interface MessageResult {
  index: number;
  outcome: RecordOutcome;
  feed: string | null;
  sourceRecordId?: string;
  version?: string;
  reason?: string;
  message?: string;
}

export interface BatchResult {
  results: MessageResult[];
  rejects: RejectedRecord[];
}

/**
 * The pipeline in the order it runs: feed → validate → map (pure, per message) → order
 * (duplicate / stale / accepted) → store facts with provenance, all of one batch in ONE
 * transaction. Kafka batches and HTTP pushes both come through here.
 */
@Injectable()
export class FeedPipeline {
  private readonly log = new Logger(FeedPipeline.name);
  /** The most records one transaction holds: lowered while the server's lock table overflows. */
  private readonly cap: LockTableCap;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: FeedCatalog,
    private readonly ingest: IngestTransaction,
    private readonly metrics: IngestMetrics,
    @Inject(DIVISION_INDEX) private readonly divisions: DivisionIndex,
    @Inject(INGEST_LIMITS) private readonly limits: IngestLimits,
  ) {
    this.cap = new LockTableCap(limits.lockTableRecheckTransactions);
    metrics.reportRecordCap(() => this.cap.records);
  }

  /**
   * `feed` names the feed for HTTP pushes and replays; Kafka messages are told by their topic.
   * Messages of one record must come in arrival order (per-partition order).
   */
  async processBatch(
    messages: InboundMessage[],
    {
      feed,
      transport,
      keepRejects = true,
    }: { feed?: string; transport: 'kafka' | 'http'; keepRejects?: boolean },
  ): Promise<BatchResult> {
    const started = performance.now();
    const clock = this.metrics.phaseClock();
    const prepared: PreparedRecord[] = [];
    const rejects: RejectedRecord[] = [];
    await forEachInSlices(messages, (message, index) => {
      const catalogFeed =
        feed !== undefined
          ? this.catalog.feed(feed)
          : this.catalog.feedOfTopic(message.coordinates?.topic ?? '');
      const result = prepareRecord(index, message, catalogFeed, {
        ...this.limits,
        divisions: this.divisions,
      });
      if (result.kind === 'rejected' && result.error !== undefined) this.logInternalError(result);
      (result.kind === 'prepared' ? prepared : rejects).push(result as never);
    });
    clock.lap('validate_map');
    const outcomes = await this.storeAll(prepared, rejects, keepRejects, clock);
    const results: MessageResult[] = [
      ...prepared
        .filter((p) => outcomes.has(p.index))
        .map((p) => ({
          index: p.index,
          outcome: outcomes.get(p.index)!,
          feed: p.feed,
          sourceRecordId: p.sourceRecordId,
          version: p.version,
        })),
      ...rejects.map((r) => ({
        index: r.index,
        outcome: 'rejected' as const,
        feed: r.feed,
        reason: r.reason,
        message: r.message,
      })),
    ].sort((a, b) => a.index - b.index);
    this.metrics.recordResults(results, transport);
    this.metrics.batchSeconds.observe({ transport }, (performance.now() - started) / 1000);
    return { results, rejects };
  }

  private async storeAll(
    prepared: PreparedRecord[],
    rejects: RejectedRecord[],
    keepRejects: boolean,
    clock: PhaseClock,
  ): Promise<Map<number, RecordOutcome>> {
    const run: StoreRun = {
      outcomes: new Map(),
      rejects,
      unstoredRejects: keepRejects ? [...rejects] : [],
      keepRejects,
      clock,
    };
    for (let start = 0; start < prepared.length;) {
      const part = prepared.slice(start, start + this.cap.records);
      await this.storeInParts(part, run, true);
      start += part.length;
    }
    if (run.unstoredRejects.length > 0)
      await this.dataSource.transaction((m) => SourceRecords.insertRejects(m, run.unstoredRejects));
    return run.outcomes;
  }

  /**
   * Stores `prepared` in one transaction, with the rejects not stored yet when `withRejects`
   * (the halves of a refused batch go without them: they are stored at the end). When PostgreSQL
   * refuses it as a whole, for a value it will not take (class 22/23: too long, out of range…) or
   * for more locks than its lock table holds (53200, `max_locks_per_transaction` too small for a
   * catch-up batch), or when the hub's own code fails on a record's contents (a bug: see
   * isBugOnARecord), each half goes in a transaction of its own, down to the one record it
   * refuses, which becomes a reject. A partition must never retry one batch for ever. Halves keep
   * the arrival order, and a half already committed is a no-op when the batch is redelivered.
   * After a full lock table, later batches are cut to the size that fitted, so that each does
   * not fail first, until LockTableCap lifts the cap again.
   */
  private async storeInParts(
    prepared: PreparedRecord[],
    run: StoreRun,
    withRejects: boolean,
  ): Promise<void> {
    try {
      const rejects = withRejects ? run.unstoredRejects : [];
      const stored = await this.storeInOneTransaction(prepared, rejects, run.clock);
      if (withRejects) run.unstoredRejects = [];
      for (const [index, outcome] of stored) run.outcomes.set(index, outcome);
    } catch (error) {
      const lockTableFull = isLockTableFull(error);
      const bug = isBugOnARecord(error);
      if (!lockTableFull && !isDataError(error) && !bug) throw error;
      // The rejects may be what was refused: they are stored on their own at the end.
      if (withRejects && run.unstoredRejects.length > 0)
        return this.storeInParts(prepared, run, false);
      if (prepared.length > 1) {
        const half = Math.ceil(prepared.length / 2);
        if (lockTableFull) {
          this.cap.overflowed(half);
          this.warnLockTableFull(prepared.length, error);
        }
        await this.storeInParts(prepared.slice(0, half), run, false);
        await this.storeInParts(prepared.slice(half), run, false);
        return;
      }
      // One record needing more locks than the whole table holds: nothing smaller to try.
      if (lockTableFull) throw error;
      const reject = bug ? internalError(prepared[0], error) : unstorable(prepared[0], error);
      if (bug) this.logInternalError(reject);
      run.rejects.push(reject);
      if (run.keepRejects) run.unstoredRejects.push(reject);
    }
  }

  /**
   * The stack of an error that rejected one message as `internal_error`, logged once, where the
   * reject keeps only its class and message. The feed and the index tell the message: no value
   * of it (ID numbers, phones) is logged, and the error serializer redacts any the error quotes.
   */
  private logInternalError(reject: RejectedRecord): void {
    this.log.error(
      { feed: reject.feed, index: reject.index, err: reject.error },
      'internal error on a message: kept as an internal_error reject',
    );
  }

  private warnLockTableFull(records: number, error: Error): void {
    this.metrics.split(error);
    this.log.warn(
      `a transaction of ${records} records ran out of PostgreSQL's lock table (${error.message}): ` +
        `storing it in halves, and later batches in parts of at most ${this.cap.records} ` +
        `records (for ${this.limits.lockTableRecheckTransactions} transactions, then whole ` +
        'again). Raise max_locks_per_transaction (512, as in deploy/docker-compose.yml).',
    );
  }

  private async storeInOneTransaction(
    prepared: PreparedRecord[],
    rejects: RejectedRecord[],
    clock: PhaseClock,
  ) {
    const outcomes = await retriedTransaction(
      this.dataSource,
      async (manager) => {
        const outcomes = await this.ingest.run(manager, prepared, rejects, clock);
        clock.endOfTransactionBody();
        return outcomes;
      },
      {
        onRetry: (error) => {
          clock.retry();
          this.metrics.retried(error);
        },
      },
    );
    clock.lap('commit');
    if (this.cap.committed())
      this.log.log('lifting the cap on records per transaction: the next batch goes whole');
    return outcomes;
  }
}

interface StoreRun {
  outcomes: Map<number, RecordOutcome>;
  /** Every reject of the batch: what the caller reports and sends to the DLQ. */
  rejects: RejectedRecord[];
  /** The rejects to store with the next transaction that commits. */
  unstoredRejects: RejectedRecord[];
  keepRejects: boolean;
  clock: PhaseClock;
}

/**
 * A value PostgreSQL will not take (class 22/23: too long, out of range…) or past one of its
 * limits (class 54: e.g. JSON nested deeper than its stack allows).
 */
function isDataError(error: unknown): error is Error {
  const code = sqlStateOf(error) ?? '';
  return code.startsWith('22') || code.startsWith('23') || code.startsWith('54');
}

/**
 * An error of the hub's own code while storing (a bug a record's contents reach, such as a
 * malformed string in a key): the batch is halved down to that record, which becomes an
 * `internal_error` reject, as while preparing. Errors of the database or its connection are not
 * such errors: they fail the batch, which Kafka hands over again.
 */
const isBugOnARecord = (error: unknown): error is Error =>
  sqlStateOf(error) === undefined &&
  (error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof URIError ||
    error instanceof SyntaxError ||
    error instanceof ReferenceError);

function internalError(record: PreparedRecord, error: Error): RejectedRecord {
  return {
    ...unstorable(record, error),
    reason: 'internal_error',
    message: `internal error while storing the record: ${error.constructor.name}: ${error.message}`,
    error,
  };
}

/** "out of shared memory": the lock table (max_locks_per_transaction × connections) is full. */
const isLockTableFull = (error: unknown): error is Error => sqlStateOf(error) === '53200';

function unstorable(record: PreparedRecord, error: Error): RejectedRecord {
  return {
    kind: 'rejected',
    index: record.index,
    feed: record.feed,
    reason: 'unstorable',
    message: `the database refused the record: ${error.message}`,
    detail: record.contentType === undefined ? {} : { contentType: record.contentType },
    raw: record.raw,
    key: record.key,
    coordinates: record.coordinates,
  };
}
