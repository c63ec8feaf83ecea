import type { Batch } from 'kafkajs';
import { IngestMetrics } from '@hub/feeds';
import type { BatchContext } from '@hub/kafka';
import { reportingProgress } from './ingest-app';

describe('reportingProgress: what waits on a partition, as its batches come and go', () => {
  /** Offsets 100–149 of a partition whose end (high watermark) is 400. */
  const context = {
    batch: {
      topic: 'grid.records.v1',
      partition: 2,
      highWatermark: '400',
      firstOffset: () => '100',
    } as unknown as Batch,
  } as BatchContext;

  it('everything from the batch on while it is stored, what follows it once stored', async () => {
    const metrics = new IngestMetrics();
    const during: number[] = [];
    await reportingProgress(metrics, () => {
      during.push(metrics.consumerProgress().lag);
      return Promise.resolve('149');
    })(context);
    expect(during).toEqual([300]);
    expect(metrics.consumerProgress().lag).toBe(250);
  });

  it('a batch stopped part-way leaves what it did not store', async () => {
    const metrics = new IngestMetrics();
    await reportingProgress(metrics, () => Promise.resolve('119'))(context);
    expect(metrics.consumerProgress().lag).toBe(280);
  });

  it('a batch that fails leaves the partition behind, so that a stall shows', async () => {
    const metrics = new IngestMetrics();
    const failing = reportingProgress(metrics, () => Promise.reject(new Error('database gone')));
    await expect(failing(context)).rejects.toThrow('database gone');
    expect(metrics.consumerProgress().lag).toBe(300);
  });
});
