import { Injectable } from '@nestjs/common';
import type { IHeaders } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { FeedPipeline, IngestMetrics, RejectedRecord } from '@hub/feeds';
import type { BatchContext } from '@hub/kafka';

/** Largest number of messages written in one transaction (kafkajs batches can be bigger). */
const CHUNK = 1000;

export const dlqTopic = (topic: string) => `${topic}.dlq`;

function dlqHeaders(reject: RejectedRecord): IHeaders {
  return {
    'hub-reject-reason': reject.reason,
    'hub-reject-message': reject.message.slice(0, 1000),
    'hub-source-topic': reject.coordinates!.topic,
    'hub-source-partition': String(reject.coordinates!.partition),
    'hub-source-offset': reject.coordinates!.offset,
    ...(reject.feed ? { 'hub-feed': reject.feed } : {}),
  };
}

/**
 * The ingest side of the pipeline: a Kafka batch goes through FeedPipeline in transactions of
 * up to CHUNK messages; rejects (already kept in PostgreSQL) go to `<topic>.dlq` with their
 * reason and coordinates; only then does the transport commit the offsets.
 */
@Injectable()
export class FeedBatchConsumer {
  constructor(
    private readonly pipeline: FeedPipeline,
    private readonly metrics: IngestMetrics,
    private readonly log: PinoLogger,
  ) {}

  async handle(context: BatchContext): Promise<void> {
    const { batch, producer } = context;
    for (let start = 0; start < batch.messages.length; start += CHUNK) {
      const messages = batch.messages.slice(start, start + CHUNK).map((m) => ({
        value: m.value,
        key: m.key?.toString('utf8') ?? null,
        coordinates: { topic: batch.topic, partition: batch.partition, offset: m.offset },
      }));
      const { rejects } = await this.pipeline.processBatch(messages, { transport: 'kafka' });
      if (rejects.length > 0) {
        await producer.send({
          topic: dlqTopic(batch.topic),
          messages: rejects.map((r) => ({ key: r.key, value: r.raw, headers: dlqHeaders(r) })),
        });
        for (const r of rejects)
          this.log.warn(
            { ...r.coordinates, reason: r.reason, detail: r.message },
            'record rejected',
          );
      }
      await context.heartbeat();
    }
    this.metrics.lag.set(
      { topic: batch.topic, partition: String(batch.partition) },
      Number(batch.offsetLag()),
    );
  }
}
