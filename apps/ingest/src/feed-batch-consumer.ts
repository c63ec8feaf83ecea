import { Inject, Injectable } from '@nestjs/common';
import type { IHeaders, Message } from 'kafkajs';
import { PinoLogger } from 'nestjs-pino';
import { redactPersonalData } from '@hub/logging';
import { HUB_CONFIG, type HubConfig } from '@hub/config';
import { FeedPipeline, InboundMessage, IngestMetrics, RejectedRecord } from '@hub/feeds';
import type { BatchContext } from '@hub/kafka';
import { BatchGatherer } from './batch-gatherer';
import { ConsumerBacklog } from './consumer-backlog';

export const dlqTopic = (topic: string) => `${topic}.dlq`;

/** A message's `content-type` header (any case; the first, if repeated), which names its charset. */
function contentTypeOf(headers: IHeaders | undefined): string | null {
  const name = Object.keys(headers ?? {}).find((k) => k.toLowerCase() === 'content-type');
  const value = name === undefined ? undefined : headers![name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : first.toString();
}

function dlqHeaders(reject: RejectedRecord): IHeaders {
  // The raw message goes to the DLQ as it came: with the charset it declared, to read it by.
  const { contentType } = reject.detail;
  return {
    ...(typeof contentType === 'string' ? { 'content-type': contentType } : {}),
    'hub-reject-reason': reject.reason,
    'hub-reject-message': reject.message.slice(0, 1000),
    'hub-source-topic': reject.coordinates!.topic,
    'hub-source-partition': String(reject.coordinates!.partition),
    'hub-source-offset': reject.coordinates!.offset,
    ...(reject.feed ? { 'hub-feed': reject.feed } : {}),
  };
}

/**
 * The broker refuses a produce request (per partition) over its `message.max.bytes`, 1 MiB by
 * default, and kafkajs then stops the consumer for good: dead-letter copies go in requests of
 * at most this many bytes, and a copy's value is cut to DLQ_VALUE_BYTES. The whole message is
 * kept in PostgreSQL (reject.raw) either way.
 */
const DLQ_REQUEST_BYTES = 512 * 1024;
const DLQ_VALUE_BYTES = 900 * 1024;

/** The dead-letter copies of these rejects, in produce requests under the broker's limit. */
export function deadLetterRequests(rejects: RejectedRecord[]): Message[][] {
  const requests: Message[][] = [];
  let request: Message[] = [];
  let bytes = 0;
  for (const reject of rejects) {
    const cut = reject.raw.length > DLQ_VALUE_BYTES;
    const message: Message = {
      key: reject.key,
      value: cut ? reject.raw.subarray(0, DLQ_VALUE_BYTES) : reject.raw,
      headers: {
        ...dlqHeaders(reject),
        ...(cut ? { 'hub-raw-bytes': String(reject.raw.length), 'hub-raw-truncated': 'true' } : {}),
      },
    };
    const size = (message.value as Buffer).length + Buffer.byteLength(reject.key ?? '') + 4096;
    if (request.length > 0 && bytes + size > DLQ_REQUEST_BYTES) {
      requests.push(request);
      request = [];
      bytes = 0;
    }
    request.push(message);
    bytes += size;
  }
  if (request.length > 0) requests.push(request);
  return requests;
}

/**
 * The ingest side of the pipeline: a Kafka batch goes through FeedPipeline in chunks, gathered
 * with the chunks of other partitions into transactions of up to `transactionRecords` messages,
 * or `catchUpTransactionRecords` on a backlog (see BatchGatherer, ConsumerBacklog); rejects
 * (already kept in PostgreSQL) go to `<topic>.dlq` with their reason and coordinates; only then
 * does the transport commit the offsets. A partition hands over its next chunk only once the
 * previous one is durable, so its order is kept.
 */
@Injectable()
export class FeedBatchConsumer {
  private readonly backlog: ConsumerBacklog;
  private readonly gatherer: BatchGatherer<InboundMessage, RejectedRecord[]>;

  constructor(
    pipeline: FeedPipeline,
    private readonly metrics: IngestMetrics,
    private readonly log: PinoLogger,
    @Inject(HUB_CONFIG) config: HubConfig,
  ) {
    this.backlog = new ConsumerBacklog({
      steady: config.ingest.transactionRecords,
      catchUp: config.ingest.catchUpTransactionRecords,
    });
    this.gatherer = new BatchGatherer(
      async (messages) => (await pipeline.processBatch(messages, { transport: 'kafka' })).rejects,
      (rejects, start, end) => rejects.filter((r) => r.index >= start && r.index < end),
      {
        maxItems: () => this.backlog.transactionRecords(),
        concurrency: config.ingest.concurrentTransactions,
      },
    );
  }

  /**
   * Stores the batch part by part; returns the offset of the last message stored. When the
   * consumer is stopping (SIGTERM) it stops after the part in hand, so that a large fetch does
   * not outlast the grace period: the rest is read again by the next consumer of the partition.
   */
  async handle(context: BatchContext): Promise<string | undefined> {
    const { batch, producer } = context;
    const partition = `${batch.topic}/${batch.partition}`;
    const lagAfterBatch = Number(batch.offsetLag());
    let durable: string | undefined;
    for (let start = 0; start < batch.messages.length;) {
      if (context.shouldStop()) {
        this.backlog.report(partition, lagAfterBatch + batch.messages.length - start);
        return durable;
      }
      this.backlog.report(partition, lagAfterBatch + batch.messages.length - start);
      const end = start + this.backlog.transactionRecords();
      const messages = batch.messages.slice(start, end).map((m) => ({
        value: m.value,
        key: m.key?.toString('utf8') ?? null,
        contentType: contentTypeOf(m.headers),
        coordinates: { topic: batch.topic, partition: batch.partition, offset: m.offset },
      }));
      const rejects = await this.gatherer.submit(messages);
      if (rejects.length > 0) {
        for (const messages of deadLetterRequests(rejects))
          await producer.send({ topic: dlqTopic(batch.topic), messages });
        for (const r of rejects)
          this.log.warn(
            // A reject's message may quote the record (an internal error's does).
            { ...r.coordinates, reason: r.reason, detail: redactPersonalData(r.message) },
            'record rejected',
          );
      }
      durable = messages[messages.length - 1].coordinates.offset;
      if (!context.shouldStop()) await context.heartbeat();
      start = end;
    }
    this.backlog.report(partition, lagAfterBatch);
    this.metrics.lag.set({ topic: batch.topic, partition: String(batch.partition) }, lagAfterBatch);
    return durable;
  }
}
