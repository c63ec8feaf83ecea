import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PRODUCER_CONFIG } from '@hub/kafka';
import { dataSourceOptions, runMigrationsLocked } from '@hub/persistence';
import { generateMixedStream } from '../test/generators/mixed-stream';
import { AppProcess } from '../test/support/app-process';
import { freePort } from '../test/support/free-port';
import { createRunDatabase } from '../test/support/test-services';
import { benchKafka, benchRelay, hubSettingsFromEnvironment, produceInOrder } from './bench-kafka';
import { dropUnlessKept } from './bench-services';
import { treeCpuSeconds } from './process-cpu';
import { metricSums as scrapeMetricSums } from './ingest-metrics-scrape';

export interface IngestThroughput {
  messages: number;
  recordsStored: number;
  rejects: number;
  partitions: number;
  produceSeconds: number;
  ingestSeconds: number;
  recordsPerSecond: number;
  /** Ingest processes sharing the topics' partitions in one consumer group. */
  processes: number;
  /** Where the change relay ran while ingesting (see benchRelay). */
  relay: string;
  /**
   * CPU time per message while ingesting, in microseconds: the ingest processes, the relay
   * process (when it runs apart), the bench's own PostgreSQL (all its processes; absent with
   * BENCH_DATABASE_URL) and the local Kafka broker (absent when KAFKA_BROKERS names one). With 2
   * cores, 2e6 / the sum bounds the rate this work could reach with every core busy.
   */
  cpuMicrosPerMessage: { ingest: number; relay?: number; postgres?: number; kafka?: number };
  /**
   * Seconds spent in each phase of storing a batch (hub_batch_phase_seconds), summed over the
   * batches: with several transactions at once they add up to more than ingestSeconds.
   */
  phaseSeconds: Record<string, number>;
  /** Batch transactions run again after PostgreSQL aborted them to break a deadlock. */
  deadlockRetries: number;
  /** Batch transactions that overflowed PostgreSQL's lock table and were stored in halves. */
  lockTableSplits: number;
  /** RSS of the ingest processes (summed) when 10 %, 50 % and 100 % of the stream was stored. */
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
 * database. Rate = messages / time from the first message the ingest counted to the last.
 */
export async function measureIngest(
  serverUrl: string,
  brokers: string,
  {
    records = 460_000,
    partitions = 6,
    processes = 1,
    postgresPid = undefined as number | undefined,
    kafkaPid = undefined as number | undefined,
    log = (_: string): void => undefined,
  } = {},
): Promise<IngestThroughput> {
  log(`generating a mixed stream of ${records} source records`);
  const stream = generateMixedStream({ records, seed: 42 });
  const { expected } = stream;
  const rejectsExpected = Object.values(expected.rejected).reduce((a, b) => a + b, 0);
  const storedExpected = expected.accepted + expected.stale;
  const prefix = `bench-${randomUUID().slice(0, 8)}.`;

  const { kafka, admin, topics } = await benchKafka(brokers, prefix, partitions);
  log(`producing ${stream.messages.length} messages`);
  const producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
  const produceStart = performance.now();
  await produceInOrder(producer, prefix, stream.messages);
  const produceSeconds = (performance.now() - produceStart) / 1000;
  await producer.disconnect();
  const onTopics = (
    await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic)))
  ).reduce((sum, offsets) => sum + offsets.reduce((n, o) => n + Number(o.high), 0), 0);
  if (onTopics !== stream.messages.length)
    throw new Error(`the topics hold ${onTopics} messages, ${stream.messages.length} were sent`);

  const database = await createRunDatabase(serverUrl);
  const ds = await new DataSource(dataSourceOptions(database.url, 2)).initialize();
  await runMigrationsLocked(ds);
  await ds.destroy();
  // Progress comes from the ingest process's own counters: a count(*) over a table of a million
  // payloads every few hundred milliseconds would compete with the ingest for the same CPUs.
  const group = `bench-${randomUUID()}`;
  const httpPorts = await Promise.all(Array.from({ length: processes }, () => freePort()));
  const metricSums = (prefix: string, by?: RegExp) => scrapeMetricSums(httpPorts, prefix, by);
  const committed = async () =>
    (await admin.fetchOffsets({ groupId: group, topics }))
      .flatMap((t) => t.partitions)
      .reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  const consumed = async () => (await metricSums('hub_records_consumed_total{')).get('') ?? 0;

  log('ingesting');
  const env = {
    DATABASE_URL: database.url,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '0',
    LOG_LEVEL: 'error',
    ...hubSettingsFromEnvironment(),
  };
  const relay = await benchRelay.start(env);
  const ingests = httpPorts.map((port) =>
    AppProcess.start(
      'ingest',
      {
        ...env,
        ...benchRelay.ingestSettings(),
        KAFKA_GROUP_ID: group,
        INGEST_HTTP_PORT: String(port),
      },
      // e.g. BENCH_INGEST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the ingest
      process.env.BENCH_INGEST_NODE_ARGS?.split(' ').filter(Boolean),
    ),
  );
  const pids = ingests.map((i) => i.child.pid!);
  const total = stream.messages.length;
  const rss = { at10pct: 0, at50pct: 0, at100pct: 0, peak: 0 };
  let first = 0;
  let last = 0;
  const cpuNow = (): Record<'ingest' | 'relay' | 'postgres' | 'kafka', number | undefined> => ({
    ingest: pids.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0),
    relay: relay ? treeCpuSeconds(relay.child.pid!) : undefined,
    postgres: postgresPid ? treeCpuSeconds(postgresPid) : undefined,
    kafka: kafkaPid ? treeCpuSeconds(kafkaPid) : undefined,
  });
  let cpuAtFirst = cpuNow();
  let cpuAtLast = cpuAtFirst;
  let phaseSeconds: Record<string, number> = {};
  let deadlockRetries = 0;
  let lockTableSplits = 0;
  const db = new Client({ connectionString: database.url });
  await db.connect();
  try {
    for (;;) {
      const exited = [...ingests, ...(relay ? [relay] : [])].find((i) => i.child.exitCode !== null);
      if (exited) throw new Error(`a hub process exited:\n${exited.output.slice(-3000)}`);
      const done = await consumed();
      const now = performance.now();
      const mb = pids.reduce((sum, pid) => sum + rssMb(pid), 0);
      rss.peak = Math.max(rss.peak, mb);
      const share = done / total;
      if (done > 0 && first === 0) {
        first = now;
        cpuAtFirst = cpuNow();
      }
      if (share >= 0.1 && rss.at10pct === 0) rss.at10pct = mb;
      if (share >= 0.5 && rss.at50pct === 0) rss.at50pct = mb;
      // With several processes a rebalance hands a partition over with its uncommitted messages,
      // which are counted again: done only once the group's committed offsets reach the end.
      if (done >= total && (await committed()) >= total) {
        last = now;
        cpuAtLast = cpuNow();
        rss.at100pct = mb;
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    phaseSeconds = Object.fromEntries(
      [...(await metricSums('hub_batch_phase_seconds_sum{', /phase="(\w+)"/))].map(([p, v]) => [
        p,
        Math.round(v),
      ]),
    );
    deadlockRetries = (await metricSums('hub_batch_retries_total{')).get('') ?? 0;
    lockTableSplits = (await metricSums('hub_batch_splits_total{')).get('') ?? 0;
    // The figure counts only if the end state is the expected one.
    const { rows } = await db.query<{ n: string; r: string }>(
      `SELECT (SELECT count(*) FROM source_record) AS n, (SELECT count(*) FROM reject) AS r`,
    );
    const end = { stored: Number(rows[0].n), rejects: Number(rows[0].r) };
    if (end.stored !== storedExpected || end.rejects !== rejectsExpected) {
      const reasons = await db.query(
        `SELECT reason, count(*)::int AS n FROM reject GROUP BY reason`,
      );
      throw new Error(
        `end state differs: stored ${end.stored}, rejects ${end.rejects}; expected ${storedExpected}, ${rejectsExpected} ${JSON.stringify(expected.rejected)}\n${JSON.stringify(reasons.rows, null, 1)}`,
      );
    }
  } finally {
    await Promise.all([...ingests, ...(relay ? [relay] : [])].map((i) => i.stop('SIGTERM')));
    await db.end();
    await admin.deleteTopics({ topics });
    await admin.disconnect();
    await dropUnlessKept(database);
  }
  const ingestSeconds = (last - first) / 1000;
  const microsPerMessage = (of: keyof ReturnType<typeof cpuNow>) => {
    const [from, to] = [cpuAtFirst[of], cpuAtLast[of]];
    return from === undefined || to === undefined
      ? undefined
      : Math.round(((to - from) * 1e6) / total);
  };
  return {
    messages: stream.messages.length,
    recordsStored: storedExpected,
    rejects: rejectsExpected,
    partitions,
    produceSeconds,
    ingestSeconds,
    recordsPerSecond: Math.round(stream.messages.length / ingestSeconds),
    processes,
    relay: benchRelay.inIngest() ? 'in the ingest process' : 'its own process',
    phaseSeconds,
    deadlockRetries,
    lockTableSplits,
    cpuMicrosPerMessage: {
      ingest: microsPerMessage('ingest')!,
      relay: microsPerMessage('relay'),
      postgres: microsPerMessage('postgres'),
      kafka: microsPerMessage('kafka'),
    },
    ingestRssMb: rss,
  };
}
