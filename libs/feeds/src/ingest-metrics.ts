import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MessageResult } from './pipeline/feed-pipeline';

/** Prometheus metrics of the ingest pipeline (served at /metrics by MetricsController). */
@Injectable()
export class IngestMetrics {
  readonly registry = new Registry();
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

  recordResults(results: MessageResult[], transport: 'kafka' | 'http' = 'kafka') {
    for (const r of results) {
      const feed = r.feed ?? 'unknown';
      this.consumed.inc({ feed, transport });
      this.outcomes.inc({ feed, outcome: r.outcome === 'accepted' ? 'stored' : r.outcome });
      if (r.outcome === 'rejected') this.rejected.inc({ feed, reason: r.reason ?? 'unknown' });
    }
  }
}
