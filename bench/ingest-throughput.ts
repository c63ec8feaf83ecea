import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { FeedCatalog } from '@hub/feeds';
import { PRODUCER_CONFIG } from '@hub/kafka';
import { dataSourceOptions, runMigrationsLocked } from '@hub/persistence';
import { ingestTopics } from '../apps/ingest/src/ingest-app';
import { generateMixedStream } from '../test/generators/mixed-stream';
import { AppProcess } from '../test/support/app-process';
import { freePort } from '../test/support/free-port';
import { createRunDatabase } from '../test/support/test-services';

export interface IngestThroughput {
  messages: number;
  recordsStored: number;
  rejects: number;
  partitions: number;
  produceSeconds: number;
  ingestSeconds: number;
  recordsPerSecond: number;
  /** RSS of the ingest process when 10 %, 50 % and 100 % of the stream was stored. */
  ingestRssMb: { at10pct: number; at50pct: number; at100pct: number; peak: number };
}

const rssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.replace(/\D/g, '') ?? 0) / 1024);
};

/**
 * End-to-end ingest: the mixed stream (redeliveries, out-of-order versions, invalid records)
 * pre-filled on the three feed topics, consumed by the built ingest process into its own
 * database. Rate = messages / time from the first stored record to the last.
 */
export async function measureIngest(
  serverUrl: string,
  brokers: string,
  { records = 460_000, partitions = 6, log = (_: string): void => undefined } = {},
): Promise<IngestThroughput> {
  log(`generating a mixed stream of ${records} source records`);
  const stream = generateMixedStream({ records, seed: 42 });
  const { expected } = stream;
  const rejectsExpected = Object.values(expected.rejected).reduce((a, b) => a + b, 0);
  const storedExpected = expected.accepted + expected.stale;
  const prefix = `bench-${randomUUID().slice(0, 8)}.`;

  const kafka = new Kafka({
    clientId: 'bench',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const topics = ingestTopics(FeedCatalog.withExtraDirs([], prefix));
  await admin.createTopics({
    topics: topics.map((topic) => ({ topic, numPartitions: partitions })),
    waitForLeaders: true,
  });
  log(`producing ${stream.messages.length} messages`);
  const producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
  const produceStart = performance.now();
  for (let i = 0; i < stream.messages.length; i += 2000) {
    await producer.sendBatch({
      compression: CompressionTypes.None,
      topicMessages: stream.messages
        .slice(i, i + 2000)
        .map((m) => ({ topic: `${prefix}${m.topic}`, messages: [{ key: m.key, value: m.value }] })),
    });
  }
  const produceSeconds = (performance.now() - produceStart) / 1000;
  await producer.disconnect();

  const database = await createRunDatabase(serverUrl);
  const ds = await new DataSource(dataSourceOptions(database.url, 2)).initialize();
  await runMigrationsLocked(ds);
  await ds.destroy();
  const db = new Client({ connectionString: database.url });
  await db.connect();
  const count = async () => {
    const { rows } = await db.query<{ n: string; r: string }>(
      `SELECT (SELECT count(*) FROM source_record) AS n, (SELECT count(*) FROM reject) AS r`,
    );
    return { stored: Number(rows[0].n), rejects: Number(rows[0].r) };
  };

  log('ingesting');
  const ingest = AppProcess.start('ingest', {
    DATABASE_URL: database.url,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_GROUP_ID: `bench-${randomUUID()}`,
    KAFKA_TOPIC_PARTITIONS: '0',
    INGEST_HTTP_PORT: String(await freePort()),
    LOG_LEVEL: 'error',
  });
  const pid = ingest.child.pid!;
  const rss = { at10pct: 0, at50pct: 0, at100pct: 0, peak: 0 };
  let first = 0;
  let last = 0;
  try {
    for (;;) {
      const { stored, rejects } = await count();
      const now = performance.now();
      const mb = rssMb(pid);
      rss.peak = Math.max(rss.peak, mb);
      const share = stored / storedExpected;
      if (stored > 0 && first === 0) first = now;
      if (share >= 0.1 && rss.at10pct === 0) rss.at10pct = mb;
      if (share >= 0.5 && rss.at50pct === 0) rss.at50pct = mb;
      if (stored >= storedExpected && rejects >= rejectsExpected) {
        last = now;
        rss.at100pct = mb;
        break;
      }
      if (ingest.child.exitCode !== null)
        throw new Error(`ingest exited:\n${ingest.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await ingest.stop('SIGTERM');
    await db.end();
    await admin.deleteTopics({ topics });
    await admin.disconnect();
    await database.drop();
  }
  const ingestSeconds = (last - first) / 1000;
  return {
    messages: stream.messages.length,
    recordsStored: storedExpected,
    rejects: rejectsExpected,
    partitions,
    produceSeconds,
    ingestSeconds,
    recordsPerSecond: Math.round(stream.messages.length / ingestSeconds),
    ingestRssMb: rss,
  };
}
