import { IngestMetrics } from './ingest-metrics';
import type { MessageResult } from './pipeline/feed-pipeline';

describe('IngestMetrics: the consumer progress behind the ingest’s liveness', () => {
  const stored: MessageResult[] = [{ index: 0, outcome: 'accepted', feed: 'grid' }];
  beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-12-05T08:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('starts with the process, behind on nothing', () => {
    expect(new IngestMetrics().consumerProgress()).toEqual({ lastProgressAt: Date.now(), lag: 0 });
  });

  it('adds up what waits on each partition held; a Kafka transaction committed is progress', () => {
    const metrics = new IngestMetrics();
    const started = Date.now();
    metrics.partitionWaiting('ps.population.v1', 0, 120);
    metrics.partitionWaiting('grid.records.v1', 3, 5);
    jest.advanceTimersByTime(60_000);
    expect(metrics.consumerProgress()).toEqual({ lastProgressAt: started, lag: 125 });
    metrics.recordResults(stored, 'kafka');
    metrics.partitionWaiting('grid.records.v1', 3, 0);
    expect(metrics.consumerProgress()).toEqual({ lastProgressAt: Date.now(), lag: 120 });
  });

  it('work coming after none starts the clock: an idle consumer is not stalled by its next batch', () => {
    const metrics = new IngestMetrics();
    jest.advanceTimersByTime(3_600_000);
    metrics.partitionWaiting('grid.records.v1', 3, 5);
    expect(metrics.consumerProgress()).toEqual({ lastProgressAt: Date.now(), lag: 5 });
    // More work while behind does not: a consumer stuck on its first batch stays stuck.
    jest.advanceTimersByTime(60_000);
    metrics.partitionWaiting('ps.population.v1', 0, 7);
    expect(metrics.consumerProgress()).toEqual({ lastProgressAt: Date.now() - 60_000, lag: 12 });
  });

  it('an HTTP push is not the consumer’s progress', () => {
    const metrics = new IngestMetrics();
    const started = Date.now();
    jest.advanceTimersByTime(60_000);
    metrics.recordResults(stored, 'http');
    expect(metrics.consumerProgress().lastProgressAt).toBe(started);
  });

  it('forgets what waits on partitions the group gave to another member', () => {
    const metrics = new IngestMetrics();
    metrics.partitionWaiting('ps.population.v1', 0, 120);
    metrics.partitionWaiting('ps.population.v1', 1, 30);
    metrics.partitionWaiting('grid.records.v1', 3, 5);
    metrics.partitionsAssigned({ 'ps.population.v1': [1], 'ca.assistance.v1': [0, 1] });
    expect(metrics.consumerProgress().lag).toBe(30);
  });
});
