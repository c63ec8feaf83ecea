import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { retriedTransaction, sqlStateOf } from '@hub/persistence';
import type { DivisionIndex } from '@hub/normalize';
import { DIVISION_INDEX } from '@hub/places';
import { FeedCatalog } from '../feed-catalog';
import { IngestMetrics, PhaseClock } from '../ingest-metrics';
import { decideOutcomes, RecordOutcome } from './decide-outcomes';
import type { InboundMessage } from './inbound-message';
import { IngestStore } from './ingest-store';
import { prepareRecord, PreparedRecord, RejectedRecord } from './prepare-record';

export const INGEST_LIMITS = Symbol('INGEST_LIMITS');

export interface IngestLimits {
  maxMessageBytes: number;
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
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: FeedCatalog,
    private readonly store: IngestStore,
    private readonly metrics: IngestMetrics,
    @Inject(DIVISION_INDEX) private readonly divisions: DivisionIndex,
    @Inject(INGEST_LIMITS) private readonly limits: IngestLimits,
  ) {}

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
    messages.forEach((message, index) => {
      const catalogFeed =
        feed !== undefined
          ? this.catalog.feed(feed)
          : this.catalog.feedOfTopic(message.coordinates?.topic ?? '');
      const result = prepareRecord(index, message, catalogFeed, {
        ...this.limits,
        divisions: this.divisions,
      });
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
    try {
      return await this.storeInOneTransaction(prepared, keepRejects ? rejects : [], clock);
    } catch (error) {
      if (!isDataError(error)) throw error;
      // A value PostgreSQL refuses (class 22/23: too long, out of range…) must not block the
      // partition for ever: store the batch record by record and reject the one that fails.
      const outcomes = new Map<number, RecordOutcome>();
      for (const record of prepared) {
        try {
          for (const [i, o] of await this.storeInOneTransaction([record], [], clock))
            outcomes.set(i, o);
        } catch (recordError) {
          if (!isDataError(recordError)) throw recordError;
          rejects.push(unstorable(record, recordError));
        }
      }
      if (keepRejects)
        await this.dataSource.transaction((m) => this.store.insertRejects(m, rejects));
      return outcomes;
    }
  }

  private async storeInOneTransaction(
    prepared: PreparedRecord[],
    rejects: RejectedRecord[],
    clock: PhaseClock,
  ) {
    const outcomes = await retriedTransaction(
      this.dataSource,
      async (manager) => {
        await this.store.lockRecords(manager, prepared);
        const { heads, knownVersions } = await this.store.loadState(manager, prepared);
        const plan = decideOutcomes(prepared, heads, knownVersions);
        await this.store.apply(manager, plan, clock);
        await this.store.insertRejects(manager, rejects);
        clock.endOfTransactionBody();
        return plan.outcomes;
      },
      {
        onRetry: (error) => {
          clock.retry();
          this.metrics.retried(error);
        },
      },
    );
    clock.lap('commit');
    return outcomes;
  }
}

function isDataError(error: unknown): error is Error {
  const code = sqlStateOf(error) ?? '';
  return code.startsWith('22') || code.startsWith('23');
}

function unstorable(record: PreparedRecord, error: Error): RejectedRecord {
  return {
    kind: 'rejected',
    index: record.index,
    feed: record.feed,
    reason: 'unstorable',
    message: `the database refused the record: ${error.message}`,
    detail: {},
    raw: record.raw,
    key: record.key,
    coordinates: record.coordinates,
  };
}
