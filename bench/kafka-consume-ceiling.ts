import { randomUUID } from 'node:crypto';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { PRODUCER_CONFIG } from '@hub/kafka';

export interface ConsumeCeiling {
  messages: number;
  messageBytes: number;
  partitions: number;
  seconds: number;
  messagesPerSecond: number;
}

/** A department-like record padded to about `bytes` of JSON. */
export function sampleMessage(i: number, bytes: number): string {
  const base = {
    RKBM: `5001162023${String(i).padStart(10, '0')}`,
    SJBBH: '1',
    SJLX: 'HJRK',
    BDLX: 'XZ',
    BDSJ: '2023-08-24 09:30:00',
    GMSFHM: '500381195603022029',
    XM: '李秀英',
    XBDM: '2',
    CSRQ: '19560302',
    HJDZ_XZQHDM: '500116005',
    HJDZ_QHNXXDZ: '东门路12号3栋2单元501',
    note: '',
  };
  const size = Buffer.byteLength(JSON.stringify(base));
  return JSON.stringify({ ...base, note: 'x'.repeat(Math.max(0, bytes - size)) });
}

/**
 * Ceiling 1: how fast plain kafkajs reads ~1 KB JSON messages from a pre-filled topic on this
 * machine (eachBatch; the handler only counts). The hub's ingest rate is compared to this.
 */
export async function measureKafkaConsume(
  brokers: string,
  { messages = 200_000, messageBytes = 1024, partitions = 3 } = {},
): Promise<ConsumeCeiling> {
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: brokers.split(','),
    logLevel: logLevel.WARN,
  });
  const topic = `bench.consume.${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions }],
    waitForLeaders: true,
  });

  const producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
  const batch = 1000;
  for (let start = 0; start < messages; start += batch) {
    const chunk = Array.from({ length: Math.min(batch, messages - start) }, (_, j) => ({
      key: String(start + j),
      value: sampleMessage(start + j, messageBytes),
    }));
    await producer.send({ topic, messages: chunk, compression: CompressionTypes.None });
  }
  await producer.disconnect();

  const consumer = kafka.consumer({
    groupId: `bench-${randomUUID()}`,
    maxBytesPerPartition: 4 << 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let counted = 0;
  let startedAt = 0;
  const seconds = await new Promise<number>((resolve) => {
    void consumer.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch: b }) => {
        if (startedAt === 0) startedAt = performance.now();
        counted += b.messages.length;
        if (counted >= messages) resolve((performance.now() - startedAt) / 1000);
        await Promise.resolve();
      },
    });
  });
  await consumer.disconnect();
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  return {
    messages,
    messageBytes,
    partitions,
    seconds,
    messagesPerSecond: Math.round(messages / seconds),
  };
}
