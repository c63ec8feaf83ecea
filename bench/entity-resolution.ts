/**
 * `npm run bench:er`: person resolution quality and speed on a generated population with known
 * truth. Never part of `npm test`. Prints one JSON object.
 *
 * The records come from FeedMessageFactory (faker zh_CN names, Jiangjin's divisions, households
 * with spouses, children and elderly parents) with the contracts' noise: homophones and
 * traditional forms, spaces, missing, mistyped, lower-case-x and legacy IDs, partial birth
 * dates, phone and address variants, incident participants with little more than a name. Each
 * record names the resident behind each of its person mentions, so the hub's partition of
 * mentions into persons is scored pairwise against the truth.
 *
 * They go through the ingest pipeline in-process (FeedPipeline.processBatch, as the Kafka
 * consumer calls it) into PostgreSQL, in transactions of BENCH_ER_BATCH records of all feeds,
 * BENCH_ER_CONCURRENCY of them at a time: by default the ingest's catch-up transaction size
 * (HUB_INGEST_CATCH_UP_TRANSACTION_RECORDS) and HUB_INGEST_CONCURRENT_TRANSACTIONS, as the
 * ingest runs on a backlog. `npm run bench` measures the same pipeline end to end through Kafka.
 *   BENCH_ER_RECORDS=200000 npm run bench:er
 * BENCH_ER_PROCESSES=N stores them through N pipeline processes on the one database instead,
 * each with its share of the records by key, as N ingest replicas of one consumer group would
 * (see er-processes.ts); `cpuMicrosPerRecord.pipeline` is then theirs together.
 * BENCH_ER_PROFILE=1 adds the time spent in each SQL statement (by its first words) beside the
 * whole time in the pipeline: the rest is the ingest's own CPU.
 */
import '../test/support/register-paths';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { FeedCatalog, FeedPipeline, IngestMetrics } from '@hub/feeds';
import { createApiApp } from '../apps/api/src/api-app';
import { FeedMessageFactory, FeedName, SourceRecord } from '../test/generators/feed-messages';
import { testConfig } from '../test/support/test-config';
import { startBenchPostgres } from './bench-services';
import { cpuReferenceMs, treeCpuSeconds } from './process-cpu';
import {
  keyShare,
  PipelineProcesses,
  pipelineProcessRole,
  runAsPipelineProcess,
} from './er-processes';
import { RunTenths } from './run-tenths';

const log = (m: string) => process.stderr.write(`[bench:er] ${m}\n`);
const envInt = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const FEED_WEIGHTS: [FeedName, number][] = [
  ['population', 0.4],
  ['assistance', 0.25],
  ['grid', 0.35],
];

function* resolutionRecords(count: number, seed: number): Generator<SourceRecord> {
  const factory = new FeedMessageFactory({ seed });
  for (let i = 0; i < count; i++) {
    let roll = factory.faker.number.float({ min: 0, max: 1 });
    const feed = FEED_WEIGHTS.find(([, w]) => (roll -= w) < 0)?.[0] ?? 'grid';
    yield factory.record(feed, { versions: 1 });
  }
}

/** A generated record as the bench sends it, with its place in the generated stream. */
interface BenchRecord {
  feed: FeedName;
  key: string;
  value: string;
  offset: number;
}

/**
 * The records, generated before the clock starts into files of a temporary directory: the text
 * sent, one record per line, and the resident behind each person mention. Kept out of the heap,
 * since a heap of several GB (2.5 million records with their truth) costs this process's
 * garbage collector CPU that the ingest, which holds one batch at a time, never spends.
 * Also the number of distinct residents among the first n records.
 */
async function generate(count: number, seed: number, dir: string) {
  const records = createWriteStream(join(dir, 'records.tsv'));
  const truth = createWriteStream(join(dir, 'truth.tsv'));
  const residents = new Set<number>();
  const residentsAfter = new Int32Array(count);
  let i = 0;
  for (const r of resolutionRecords(count, seed)) {
    // JSON text holds no raw tab or newline.
    const more = records.write(`${r.feed}\t${r.key}\t${JSON.stringify(r.versions[0])}\n`);
    const truthDrained = truth.write(
      r.persons.map((p) => `${r.feed}\u001f${r.key}\u001f${p.pointer}\t${p.person}\n`).join(''),
    );
    for (const p of r.persons) residents.add(p.person);
    residentsAfter[i++] = residents.size;
    if (!more) await once(records, 'drain');
    if (!truthDrained) await once(truth, 'drain');
  }
  await Promise.all([finished(records.end()), finished(truth.end())]);
  return { count, residentsAfter, file: (name: string) => join(dir, name) };
}

/**
 * The generated records in batches of `size`, read as they are wanted: all of them, or those of
 * one share (see keyShare), as a pipeline process of BENCH_ER_PROCESSES takes them.
 */
async function* batchesOf(
  file: string,
  size: number,
  share?: { share: number; of: number },
): AsyncGenerator<BenchRecord[]> {
  let batch: BenchRecord[] = [];
  let offset = 0;
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const [feed, key, value] = line.split('\t', 3);
    const at = offset++;
    if (share && keyShare(key, share.of) !== share.share) continue;
    batch.push({ feed: feed as FeedName, key, value, offset: at });
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** The true resident behind each generated person mention, by mention key. */
async function readTruth(file: string): Promise<Map<string, number>> {
  const truth = new Map<string, number>();
  for await (const line of createInterface({ input: createReadStream(file) })) {
    const tab = line.lastIndexOf('\t');
    truth.set(line.slice(0, tab), Number(line.slice(tab + 1)));
  }
  return truth;
}

/** Pairwise precision and recall of a predicted partition against the true one. */
export function pairwiseScores(mentions: { truth: number; predicted: string }[]) {
  const pairs = (counts: Map<string, number>) =>
    [...counts.values()].reduce((sum, n) => sum + (n * (n - 1)) / 2, 0);
  const count = (key: (m: (typeof mentions)[number]) => string) => {
    const counts = new Map<string, number>();
    for (const m of mentions) counts.set(key(m), (counts.get(key(m)) ?? 0) + 1);
    return counts;
  };
  const truePairs = pairs(count((m) => String(m.truth)));
  const predictedPairs = pairs(count((m) => m.predicted));
  const bothPairs = pairs(count((m) => `${m.truth}\u001f${m.predicted}`));
  const precision = predictedPairs === 0 ? 1 : bothPairs / predictedPairs;
  const recall = truePairs === 0 ? 1 : bothPairs / truePairs;
  // Six places: with millions of pairs, four rounded a precision of 0.99998 up to 1.
  const rounded = (x: number) => Number(x.toFixed(6));
  return {
    truePairs,
    predictedPairs,
    correctPairs: bothPairs,
    precision: rounded(precision),
    recall: rounded(recall),
    f1: rounded((2 * precision * recall) / (precision + recall)),
  };
}

/** Approximate size of a query parameter as sent (arrays go as literals of about this size). */
const paramBytes = (p: unknown): number =>
  p === null || p === undefined
    ? 0
    : typeof p === 'string' || Buffer.isBuffer(p)
      ? p.length
      : JSON.stringify(p).length;

/**
 * Wall time per SQL statement, keyed by its first words, and the size of its parameters
 * (BENCH_ER_PROFILE=1).
 */
function profileQueries() {
  const totals = new Map<string, { ms: number; calls: number; paramKb: number }>();
  const query = PostgresQueryRunner.prototype.query;
  PostgresQueryRunner.prototype.query = async function (this: PostgresQueryRunner, ...args) {
    const started = performance.now();
    try {
      return await query.apply(this, args);
    } finally {
      const key = args[0].replace(/\s+/g, ' ').trim().slice(0, 90);
      const t = totals.get(key) ?? { ms: 0, calls: 0, paramKb: 0 };
      t.ms += performance.now() - started;
      t.calls += 1;
      t.paramKb +=
        (args[1] ?? []).reduce((sum: number, p: unknown) => sum + paramBytes(p), 0) / 1024;
      totals.set(key, t);
    }
  } as typeof query;
  return () =>
    [...totals]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 25)
      .map(([sql, t]) => ({
        sql,
        ms: Math.round(t.ms),
        calls: t.calls,
        paramKb: Math.round(t.paramKb),
      }));
}

/**
 * PostgreSQL's own account of a run (pg_stat_statements, BENCH_ER_PROFILE=1): execution time
 * per statement (top level and nested), rows, pages touched and WAL written. Execution time
 * excludes waiting for the client; lock waits are in it. `start` resets the counts before the
 * clock; with BENCH_DATABASE_URL the server must load the module itself, or there is no report.
 */
const serverProfile = {
  async start(db: DataSource): Promise<boolean> {
    try {
      await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await db.query('SELECT pg_stat_statements_reset()');
      return true;
    } catch (error) {
      log(`no PostgreSQL profile: ${(error as Error).message}`);
      return false;
    }
  },
  report: (db: DataSource) =>
    db.query<Record<string, string | number>[]>(
      `SELECT left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 90) AS sql, toplevel,
              calls::int, round(total_exec_time)::int AS ms, rows::bigint AS rows,
              (shared_blks_hit + shared_blks_read)::bigint AS pages,
              shared_blks_dirtied::bigint AS dirtied, round(wal_bytes / 1048576)::int AS "walMb"
         FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT 30`,
    ),
};

const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;
const postgresCpu = (pid: number | undefined) => (pid ? treeCpuSeconds(pid) : undefined);
const microsPerRecord = (seconds: number, records: number) => Math.round((seconds * 1e6) / records);

/** The pipeline's configuration, with the lanes and the transaction size of each process. */
function pipelineSettings() {
  const config = testConfig({ LOG_LEVEL: 'error' });
  return {
    config,
    lanes: envInt('BENCH_ER_CONCURRENCY', config.ingest.concurrentTransactions),
    // The bench is a backlog from its first record: the ingest's transactions then grow to the
    // catch-up size (see ConsumerBacklog).
    batch: envInt('BENCH_ER_BATCH', config.ingest.catchUpTransactionRecords),
  };
}

/** The generated records live in a temporary directory, removed however the run ends. */
async function main() {
  const role = pipelineProcessRole();
  if (role) return pipelineProcess(role);
  const dir = mkdtempSync(join(tmpdir(), 'hub-bench-er-'));
  try {
    await measure(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(dir: string) {
  const total = envInt('BENCH_ER_RECORDS', 100_000);
  log(`generating ${total} records`);
  const cpuReference = cpuReferenceMs();
  const generated = await generate(total, 20231124, dir);

  const profile = Boolean(process.env.BENCH_ER_PROFILE);
  const postgres = await startBenchPostgres(
    profile
      ? { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' }
      : {},
  );
  const { config, lanes, batch } = pipelineSettings();
  const app = await createApiApp(config, postgres.url);
  await app.init();
  const processes = envInt('BENCH_ER_PROCESSES', 1);
  const records = generated.file('records.tsv');
  const store: RecordStore =
    processes > 1
      ? storeInProcesses(processes, { url: postgres.url, records })
      : storeInThisProcess(app, records, batch, lanes);
  try {
    const sqlProfile = profile && processes === 1 ? profileQueries() : undefined;
    const serverProfiled = profile && (await serverProfile.start(app.get(DataSource)));
    const residentsByTenth: number[] = [];
    const tenths = new RunTenths({
      pipelineCpu: () => store.cpuSeconds(),
      postgresCpu: () => postgresCpu(postgres.pid),
      phases: () => store.phases(),
      db: serverProfiled ? app.get(DataSource) : undefined,
    });
    const count = generated.count;
    let cpuAtStart = { pipeline: 0, postgres: postgresCpu(postgres.pid) };
    let started = 0;
    await store.run(
      async () => {
        await tenths.sample(0);
        cpuAtStart = { pipeline: store.cpuSeconds(), postgres: postgresCpu(postgres.pid) };
        started = performance.now();
      },
      async () => {
        const done = store.records();
        if (done >= ((residentsByTenth.length + 1) * count) / 10) {
          // With several processes the records stored are not a prefix of the stream: the
          // residents are those of the same number of records from the start.
          residentsByTenth.push(generated.residentsAfter[done - 1]);
          await tenths.sample(done);
          log(`${done} records`);
        }
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const cpuMicrosPerRecord = {
      pipeline: microsPerRecord(store.cpuSeconds() - cpuAtStart.pipeline, count),
      postgres: postgres.pid
        ? microsPerRecord(postgresCpu(postgres.pid)! - cpuAtStart.postgres!, count)
        : undefined,
    };
    const transactions = await store.transactions();
    const phaseSeconds = Object.fromEntries(
      Object.entries(await store.phases()).map(([phase, s]) => [phase, Number(s.toFixed(1))]),
    );
    if (sqlProfile) log(`SQL time by statement: ${JSON.stringify(sqlProfile(), null, 1)}`);
    // The costliest statements, µs per record and rows per call by tenth: one line each.
    for (const statement of (serverProfiled && tenths.statementsByTenth()) || [])
      log(`by tenth: ${JSON.stringify(statement)}`);
    if (serverProfiled)
      log(
        `PostgreSQL by statement: ${JSON.stringify(await serverProfile.report(app.get(DataSource)), null, 1)}`,
      );

    const db = app.get(DataSource);
    // Before the scoring queries below, which read the mention table whole.
    const sequentialScans = await tableScans(db);
    const truth = await readTruth(generated.file('truth.tsv'));
    const rows = await db.query<{ feed: string; id: string; pointer: string; entity: string }[]>(
      `SELECT feed, source_record_id AS id, pointer, entity_id AS entity FROM mention
        WHERE entity_type = 'person' AND active`,
    );
    const scored = rows
      .map((r) => ({
        truth: truth.get(`${r.feed}\u001f${r.id}\u001f${r.pointer}`),
        predicted: r.entity,
      }))
      .filter((m): m is { truth: number; predicted: string } => m.truth !== undefined);
    if (process.env.BENCH_ER_EXPLAIN) await explainMisses(db, scored, rows, truth);
    const blocks = await blockSizes(db);
    const byTenth = tenths.tenths();
    const [{ persons, reviews }] = await db.query<{ persons: number; reviews: number }[]>(
      `SELECT (SELECT count(*) FROM person WHERE merged_into IS NULL)::int AS persons,
              (SELECT count(*) FROM review_task WHERE status = 'open')::int AS reviews`,
    );
    console.log(
      JSON.stringify(
        {
          measuredAt: new Date().toISOString(),
          // See cpuReferenceMs: the same code runs up to twice as fast on one day as on another.
          cpuReferenceMs: { atStart: cpuReference, atEnd: cpuReferenceMs() },
          postgres: postgres.description,
          records: count,
          // Pipeline processes (BENCH_ER_PROCESSES), each with `concurrentTransactions` lanes.
          processes,
          concurrentTransactions: lanes,
          transactionRecords: batch,
          transactions,
          personMentions: scored.length,
          truePersons: new Set(scored.map((m) => m.truth)).size,
          hubPersons: persons,
          openReviewTasks: reviews,
          // The addresses issue's ceiling: open review tasks under 1 % of person mentions.
          openReviewTasksPerMention: Number((reviews / scored.length).toFixed(5)),
          persons: pairwiseScores(scored),
          seconds: Number(seconds.toFixed(1)),
          recordsPerSecond: Math.round(count / seconds),
          // CPU per record of this process (the pipeline, in-process) and of the bench's own
          // PostgreSQL (absent with BENCH_DATABASE_URL): 2e6 / their sum bounds what both cores
          // busy could reach with this work.
          cpuMicrosPerRecord,
          // Seconds in each phase of storing a batch, summed over the batches (see PhaseClock):
          // with transactions side by side they add up to more than `seconds`.
          phaseSeconds,
          // Milliseconds per record in each tenth of the run: flat means blocking holds.
          msPerRecordByTenth: byTenth.map((t) => t.msPerRecord),
          // The true residents the records so far name, at the end of each tenth.
          residentsByTenth,
          // The person blocks at the end, by kind (see blockKeys).
          blocks,
          // Rows the run read by sequential scans, by table (see tableScans).
          sequentialScans,
          // CPU per record and phase seconds of each tenth: where a cost that grows grows.
          byTenth: byTenth.map(({ cpuMicrosPerRecord, phaseSeconds }) => ({
            cpuMicrosPerRecord,
            phaseSeconds,
          })),
        },
        null,
        2,
      ),
    );
  } finally {
    store.close();
    await app.close();
    await postgres.stop();
  }
}

/**
 * Where the records are stored: by this process's pipeline, `lanes` transactions at a time, or
 * by BENCH_ER_PROCESSES pipeline processes (see er-processes.ts).
 */
interface RecordStore {
  /** Calls `start` when every pipeline is ready, then stores all records, calling `stored` after each transaction. */
  run(start: () => Promise<void>, stored: () => Promise<void>): Promise<void>;
  /** Records stored so far. */
  records(): number;
  /** CPU seconds of the pipelines (this process's, with the bench's own work, when in-process). */
  cpuSeconds(): number;
  /** Seconds in each phase of storing a batch, summed over the transactions (see PhaseClock). */
  phases(): Promise<Record<string, number>>;
  /** Transactions run again after a deadlock, and refused for a full lock table and halved. */
  transactions(): Promise<{ retried: number; split: number }>;
  close(): void;
}

function storeInThisProcess(
  app: INestApplication,
  file: string,
  batch: number,
  lanes: number,
  share?: { share: number; of: number },
): RecordStore {
  const pipeline = app.get(FeedPipeline);
  const catalog = app.get(FeedCatalog);
  const topicOf = new Map(catalog.topics.map((t) => [catalog.feedOfTopic(t)!.mapping.feed, t]));
  const metrics = app.get(IngestMetrics);
  const metricTotal = async (name: string) =>
    ((await metrics.registry.getSingleMetric(name)?.get())?.values ?? []).reduce(
      (sum, v) => sum + v.value,
      0,
    );
  let done = 0;
  return {
    async run(start, stored) {
      await start();
      // Batches go through `lanes` transactions at a time, as the ingest runs them
      // (HUB_INGEST_CONCURRENT_TRANSACTIONS), each lane taking the next batch when it is done.
      // An async generator queues the lanes' calls to next(): each gets a batch of its own.
      // Each batch is one transaction of records of all three feeds in the order they were
      // generated, as the ingest gathers the partitions' batches of a fetch (see BatchGatherer):
      // each message carries its feed's topic, by which the pipeline tells its feed.
      const batches = batchesOf(file, batch, share);
      const lane = async () => {
        for (let r = await batches.next(); !r.done; r = await batches.next()) {
          const messages = r.value.map((m) => ({
            value: m.value,
            key: m.key,
            coordinates: { topic: topicOf.get(m.feed)!, partition: 0, offset: String(m.offset) },
          }));
          await pipeline.processBatch(messages, { transport: 'kafka' });
          done += r.value.length;
          await stored();
        }
      };
      await Promise.all(Array.from({ length: lanes }, lane));
    },
    records: () => done,
    cpuSeconds: () => cpuSeconds(process.cpuUsage()),
    phases: async () =>
      Object.fromEntries(
        (await metrics.phaseSeconds.get()).values
          .filter((v) => v.metricName === 'hub_batch_phase_seconds_sum')
          .map((v) => [v.labels.phase, v.value]),
      ),
    transactions: async () => ({
      retried: await metricTotal('hub_batch_retries_total'),
      split: await metricTotal('hub_batch_splits_total'),
    }),
    close: () => undefined,
  };
}

function storeInProcesses(count: number, shared: { url: string; records: string }): RecordStore {
  let stored: () => Promise<void> = () => Promise.resolve();
  // Progress reports arrive while the last one's `stored` may still be sampling: one at a time.
  let reported = Promise.resolve();
  const processes = PipelineProcesses.fork(count, shared, () => {
    reported = reported.then(() => stored());
  });
  return {
    async run(start, afterEach) {
      stored = afterEach;
      await processes.run(start);
      await reported;
    },
    records: () => processes.total.records,
    cpuSeconds: () => processes.total.cpuSeconds,
    phases: () => Promise.resolve(processes.total.phases),
    transactions: () => {
      const { retried, split } = processes.total;
      return Promise.resolve({ retried, split });
    },
    close: () => processes.kill(),
  };
}

/** A pipeline process of BENCH_ER_PROCESSES: its share of the records into the shared database. */
async function pipelineProcess(role: NonNullable<ReturnType<typeof pipelineProcessRole>>) {
  await runAsPipelineProcess(async () => {
    const { config, lanes, batch } = pipelineSettings();
    const app = await createApiApp(config, role.url);
    await app.init();
    const store = storeInThisProcess(app, role.records, batch, lanes, role);
    let cpuAtStart = 0;
    return {
      work: (report) =>
        store.run(
          async () => {
            cpuAtStart = store.cpuSeconds();
          },
          async () => {
            const { retried, split } = await store.transactions();
            report({
              records: store.records(),
              cpuSeconds: store.cpuSeconds() - cpuAtStart,
              phases: await store.phases(),
              retried,
              split,
            });
          },
        ),
      close: () => app.close(),
    };
  });
}

/**
 * The sequential scans of each table since the run's database was created (the migrations'
 * scans of tables still small included): a statement that scans a table per batch costs more
 * with every record stored, and shows here long before it shows in the time per record. The
 * server counts a backend's scans when its transaction ends, at most once a second, so the very
 * last ones may be missing.
 */
const tableScans = (db: DataSource) =>
  db.query<{ table: string; scans: number; rows: number }[]>(
    `SELECT relname AS table, seq_scan::int AS scans, seq_tup_read::float8 AS rows
       FROM pg_stat_user_tables WHERE seq_tup_read > 0 ORDER BY seq_tup_read DESC`,
  );

/**
 * The active person mentions' blocks by kind (what follows the name key: a birth year, `p` and a
 * phone, `f` and a family member's ID, `a` and a place, `i` and the valid ID of a mention without
 * a name, or nothing), anchor blocks counted as their phone blocks. `seenPerMention` is the mean
 * size of the block a mention is in: what a batch reads per mention it resolves, which stays flat
 * as the population grows if blocking holds.
 */
const blockSizes = (db: DataSource) =>
  db.query<
    { kind: string; blocks: number; mentions: number; seenPerMention: number; largest: number }[]
  >(
    `SELECT kind, count(*)::int AS blocks, sum(n)::int AS mentions,
            round(sum(n * n)::numeric / sum(n), 1)::float AS "seenPerMention", max(n)::int AS largest
       FROM (SELECT b.block, CASE WHEN b.block ~ '[|][0-9]{4}$' THEN 'year'
                                  ELSE coalesce(nullif(substr(b.block, strpos(b.block, '|') + 1, 1), ''), 'none') END AS kind,
                    count(*) AS n
               FROM mention m CROSS JOIN LATERAL (VALUES (m.block), (m.anchor_block)) b(block)
              WHERE m.entity_type = 'person' AND m.active AND b.block IS NOT NULL
              GROUP BY b.block) sizes
      GROUP BY kind ORDER BY kind`,
  );

/** Diagnostics (BENCH_ER_EXPLAIN=1): the features of some true persons the hub kept apart. */
async function explainMisses(
  db: DataSource,
  scored: { truth: number; predicted: string }[],
  rows: { feed: string; id: string; pointer: string; entity: string }[],
  truth: Map<string, number>,
) {
  const clusters = new Map<number, Set<string>>();
  for (const m of scored)
    clusters.set(m.truth, (clusters.get(m.truth) ?? new Set()).add(m.predicted));
  const split = [...clusters].filter(([, c]) => c.size > 1).slice(0, 12);
  // Which kinds of mention are kept apart from the biggest part of their true person.
  const byPerson = new Map<number, { key: string; predicted: string }[]>();
  for (const r of rows) {
    const t = truth.get(`${r.feed}\u001f${r.id}\u001f${r.pointer}`);
    if (t !== undefined)
      byPerson.set(t, [
        ...(byPerson.get(t) ?? []),
        { key: `${r.feed}${r.pointer.replace(/\d+/g, 'n')}`, predicted: r.entity },
      ]);
  }
  const kinds = new Map<string, number>();
  for (const list of byPerson.values()) {
    const sizes = new Map<string, number>();
    for (const m of list) sizes.set(m.predicted, (sizes.get(m.predicted) ?? 0) + 1);
    const main = [...sizes].sort((a, b) => b[1] - a[1])[0][0];
    for (const m of list) if (m.predicted !== main) kinds.set(m.key, (kinds.get(m.key) ?? 0) + 1);
  }
  log(`mentions apart from their person, by kind: ${JSON.stringify(Object.fromEntries(kinds))}`);
  // Precision: the hub persons holding mentions of several residents, by wrong pairs.
  const byPredicted = new Map<string, number[]>();
  for (const m of scored)
    byPredicted.set(m.predicted, [...(byPredicted.get(m.predicted) ?? []), m.truth]);
  const impure = [...byPredicted]
    .map(([entity, list]) => {
      const sizes = new Map<number, number>();
      for (const t of list) sizes.set(t, (sizes.get(t) ?? 0) + 1);
      const all = (list.length * (list.length - 1)) / 2;
      const right = [...sizes.values()].reduce((sum, n) => sum + (n * (n - 1)) / 2, 0);
      return { entity, mentions: list.length, residents: sizes.size, wrongPairs: all - right };
    })
    .filter((c) => c.residents > 1)
    .sort((a, b) => b.wrongPairs - a.wrongPairs);
  log(
    `hub persons holding several residents: ${impure.length}, wrong pairs ${impure.reduce((s, c) => s + c.wrongPairs, 0)}; worst: ${JSON.stringify(impure.slice(0, 8))}`,
  );
  for (const c of impure.slice(0, 3)) {
    const details = await db.query(
      `SELECT m.feed, m.pointer, m.block, m.features - 'nameKey' AS f, m.link->>'rule' AS rule, m.link->>'score' AS score
         FROM mention m WHERE m.entity_type = 'person' AND m.entity_id = $1 AND m.active LIMIT 12`,
      [c.entity],
    );
    log(
      `hub person ${c.entity}:\n${details.map((d: unknown) => `  ${JSON.stringify(d)}`).join('\n')}`,
    );
  }
  for (const [person] of split) {
    const keys = rows.filter(
      (r) => truth.get(`${r.feed}\u001f${r.id}\u001f${r.pointer}`) === person,
    );
    const details = await db.query(
      `SELECT m.feed, m.pointer, m.entity_id, m.block, m.features - 'nameKey' AS f, m.link->>'rule' AS rule
         FROM mention m JOIN unnest($1::text[], $2::text[], $3::text[]) k(feed, id, pointer)
           ON m.feed = k.feed AND m.source_record_id = k.id AND m.pointer = k.pointer`,
      [keys.map((k) => k.feed), keys.map((k) => k.id), keys.map((k) => k.pointer)],
    );
    log(`person ${person}:\n${details.map((d: unknown) => `  ${JSON.stringify(d)}`).join('\n')}`);
  }
}

if (require.main === module)
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
