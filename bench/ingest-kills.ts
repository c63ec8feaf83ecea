/**
 * `npm run bench:kills` (issue 38): the same mixed stream ingested twice through Kafka by the
 * built ingest and relay processes, each time into a fresh database from fresh topics: once
 * clean, once with the ingest SIGKILLed and restarted BENCH_KILLS times (and the relay
 * BENCH_KILLS_RELAY times) at random moments spread over the load. Then:
 *   - how long each restarted ingest took to consume and to store again (target ≤ 15 s);
 *   - the two end states are equal: the golden entities keyed by the mentions naming them
 *     (kills-end-state.ts), no entity stored twice, and modelSnapshot();
 *   - every event committed to each run's outbox is on its hub.changes.v1 (deduplicated by
 *     id), with the duplicates delivered counted;
 *   - replaying each run's topic as a subscriber rebuilds that run's entity tables and relations;
 *   - the events each run published per type (churn).
 * Prints one JSON object; exits 1 when an end state, an event or a replay is wrong.
 *
 *   BENCH_KILLS_RECORDS=20000 BENCH_KILLS=3 npm run bench:kills   # a quick look
 *
 * Never part of `npm test`. Builds nothing: `nest build ingest && nest build relay` first (the
 * npm script does). KAFKA_BROKERS or testcontainers or a local broker, as for the tests;
 * PostgreSQL is the bench's embedded server, or BENCH_DATABASE_URL's (databases hub_kills_…).
 */
import { execFileSync } from 'node:child_process';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@hub/persistence';
import { generateMixedStream, mulberry32 } from '../test/generators/mixed-stream';
import { dockerAnswers, provideKafka } from '../test/support/test-services';
import { benchPostgres, startKeptBenchPostgres } from './bench-services';
import { benchMachine, cpuReferenceMs } from './process-cpu';
import { checkChangeTopic, type TopicCheck } from './kills-change-topic';
import {
  diffGolden,
  diffLines,
  goldenRows,
  goldenState,
  snapshotLines,
  type GoldenState,
} from './kills-end-state';
import { killsDatabase, runPass, snapshotBuild, type PassResult } from './kills-run';
import { REPO_ROOT } from '../test/support/app-process';

const log = (m: string) =>
  process.stderr.write(`[bench:kills ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const envInt = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** Restart → storing again, as issue 38 asks (the consumer's session timeout is 10 s). */
const RESTART_TARGET_MS = 15_000;
const STREAM_SEED = 42;

/** What a subscriber should make of the churn figures (printed with them). */
const CHURN_NOTE =
  'Events are at-least-once (a killed relay sends again, same ids) and reflect the order records ' +
  'arrived in: a run whose batches were cut by kills may create a person from one record and merge ' +
  'it into another later, where an uninterrupted run created one person at once. Both end states ' +
  'are the same; the extra events are real intermediate states. Subscribers key on entity id, drop ' +
  'duplicates by event id, order by entityseq, and apply merged (follow data.into), ended and ' +
  'relation events rather than expecting one created per resident.';

interface RunFigures {
  pass: PassResult;
  topic: TopicCheck;
  golden: GoldenState;
  snapshot: Record<string, string[]>;
  wallSeconds: number;
  checkSeconds: number;
  database: string;
}

async function main() {
  const records = envInt('BENCH_KILLS_RECORDS', 200_000);
  const killCount = envInt('BENCH_KILLS', 10);
  const relayKillCount = envInt('BENCH_KILLS_RELAY', 2);
  const partitions = envInt('BENCH_KILLS_PARTITIONS', 6);
  const seed = envInt('BENCH_KILLS_SEED', Math.floor(Math.random() * 2 ** 31));
  log(`seed ${seed} (BENCH_KILLS_SEED=${seed} repeats the kill moments)`);
  const cpuReference = cpuReferenceMs();
  const wallStart = performance.now();

  log(`generating a mixed stream of ${records} source records (seed ${STREAM_SEED})`);
  const stream = generateMixedStream({ records, seed: STREAM_SEED });
  const total = stream.messages.length;
  const { expected } = stream;
  const storedExpected = expected.accepted + expected.stale;
  const rejectsExpected = Object.values(expected.rejected).reduce((a, b) => a + b, 0);

  // The moments: one in each of BENCH_KILLS equal slices of 3–95 % of the load (committed
  // messages), at a random point of its slice, plus a random delay of up to 2 s once there.
  const random = mulberry32(seed);
  const spread = (n: number) =>
    Array.from({ length: n }, (_, i) => Math.floor(total * (0.03 + (0.92 * (i + random())) / n)));
  const killAt = spread(killCount);
  const relayKillAt = spread(relayKillCount);

  // The code both passes run: the build as it is now, copied (see snapshotBuild).
  const build = snapshotBuild();
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const code = {
    commit: git('rev-parse', '--short', 'HEAD'),
    builtAt: build.builtAt,
    // Product files changed and not committed when the run started (the build may hold them).
    uncommitted: git('status', '--porcelain', '--', 'apps', 'libs').split('\n').filter(Boolean),
  };
  log(`running the build of ${code.builtAt} (HEAD ${code.commit}) from ${build.root}`);
  const docker = await dockerAnswers();
  const kafkaService = await provideKafka(log, docker);
  // BENCH_KILLS_PG_DIR keeps the bench's PostgreSQL (and with BENCH_KEEP_DATABASE the two
  // databases) in that folder, to look into differences after the run.
  const keptDir = process.env.BENCH_KILLS_PG_DIR;
  const postgres = keptDir
    ? await startKeptBenchPostgres(keptDir, 'postgres')
    : await benchPostgres();
  const stops: (() => Promise<unknown>)[] = [
    () => kafkaService.stop(),
    () => postgres.stop(),
    async () => build.remove(),
  ];
  const figures: Record<string, RunFigures> = {};
  const keep = !!process.env.BENCH_KEEP_DATABASE;
  try {
    for (const [label, kills, relayKills] of [
      ['clean', [], []],
      ['killed', killAt, relayKillAt],
    ] as const) {
      const runStart = performance.now();
      const database = await killsDatabase(postgres.url, label);
      if (!keep) stops.unshift(() => database.drop());
      else log(`keeping ${database.url}`);
      const pass = await runPass({
        label,
        appRoot: build.root,
        stream,
        brokers: kafkaService.address,
        databaseUrl: database.url,
        partitions,
        killAt: [...kills],
        relayKillAt: [...relayKills],
        random,
        log,
      });
      const checkStart = performance.now();
      const ds = await new DataSource(dataSourceOptions(database.url, 2)).initialize();
      try {
        const [counts] = await ds.query<{ stored: number; rejects: number }[]>(
          `SELECT (SELECT count(*) FROM source_record)::int AS stored, (SELECT count(*) FROM reject)::int AS rejects`,
        );
        if (counts.stored !== storedExpected || counts.rejects !== rejectsExpected)
          log(
            `${label}: stored ${counts.stored} versions and ${counts.rejects} rejects; the stream's outcome is ${storedExpected} and ${rejectsExpected}`,
          );
        log(`${label}: reading the end state`);
        const rows = await goldenRows(ds);
        const golden = await goldenState(ds, rows);
        const snapshot = await snapshotLines(ds);
        log(`${label}: consuming ${pass.changesTopic} and replaying it`);
        const topic = await checkChangeTopic(
          pass.kafka,
          pass.admin,
          pass.changesTopic,
          ds,
          rows,
          log,
        );
        await pass.admin.deleteTopics({ topics: pass.topics });
        await pass.admin.disconnect();
        figures[label] = {
          pass,
          topic,
          golden,
          snapshot,
          wallSeconds: round1((performance.now() - runStart) / 1000),
          checkSeconds: round1((performance.now() - checkStart) / 1000),
          database: database.name,
        };
      } finally {
        await ds.destroy();
      }
    }
  } finally {
    for (const stop of stops) await stop().catch((e: unknown) => log(`cleanup: ${String(e)}`));
  }

  const { clean, killed } = figures;
  const golden = diffGolden(clean.golden, killed.golden);
  const snapshot = Object.fromEntries(
    Object.keys(clean.snapshot).map((section) => [
      section,
      diffLines(clean.snapshot[section], killed.snapshot[section] ?? []),
    ]),
  );
  const snapshotEqual = Object.values(snapshot).every((d) => d.onlyClean + d.onlyKilled === 0);
  const duplicates = (g: GoldenState) => ({
    count: g.duplicates.length,
    examples: g.duplicates.slice(0, 5),
  });
  const orphans = (g: GoldenState) => ({
    count: g.orphanMentions.length,
    examples: g.orphanMentions.slice(0, 5),
  });
  const endStatesEqual =
    golden.equal &&
    snapshotEqual &&
    clean.golden.duplicates.length + killed.golden.duplicates.length === 0;
  const types = [
    ...new Set([
      ...Object.keys(clean.topic.outboxByType),
      ...Object.keys(killed.topic.outboxByType),
    ]),
  ].sort();
  const churn = Object.fromEntries(
    types.map((t) => {
      const [a, b] = [clean.topic.outboxByType[t] ?? 0, killed.topic.outboxByType[t] ?? 0];
      return [t.replace('cn.gov.hub.', ''), { clean: a, killed: b, difference: b - a }];
    }),
  );
  const maxOf = (ms: (number | null)[]) =>
    ms.some((m) => m === null) ? null : Math.max(0, ...(ms as number[]));
  const restartMs = killed.pass.kills.map((k) => k.restartToStoredMs);
  const assignedMs = killed.pass.kills.map((k) => k.restartToAssignedMs);
  // Consuming again: the group has handed the restarted process its partitions. Storing again
  // also waits for its first catch-up transaction, which is as long as the batch it fetched.
  const maxAssignedMs = maxOf(assignedMs);
  const runFigures = (r: RunFigures) => ({
    database: r.database,
    wallSeconds: r.wallSeconds,
    produceSeconds: r.pass.produceSeconds,
    ingestSeconds: r.pass.ingestSeconds,
    recordsPerSecond: Math.round(total / r.pass.ingestSeconds),
    relayDrainSeconds: r.pass.relayDrainSeconds,
    checkSeconds: r.checkSeconds,
    entities: r.golden.counts,
    duplicatedEntities: duplicates(r.golden),
    mentionsWithoutEntity: orphans(r.golden),
    events: {
      outbox: r.topic.outbox,
      delivered: r.topic.delivered,
      distinctDelivered: r.topic.distinct,
      duplicatesDelivered: r.topic.duplicates,
      missing: r.topic.missing,
      missingExamples: r.topic.missingExamples,
      deliveredNotInOutbox: r.topic.unknown,
      byType: r.topic.outboxByType,
      consumeAndReplaySeconds: r.topic.consumeSeconds,
    },
    replay: r.topic.replay,
    processErrors: r.pass.processErrors.slice(0, 5),
  });
  const missingEvents = clean.topic.missing + killed.topic.missing;
  const replayEqual = clean.topic.replay.equal && killed.topic.replay.equal;
  const result = {
    measuredAt: new Date().toISOString(),
    machine: benchMachine(cpuReference),
    postgres: postgres.description,
    code,
    records,
    messages: total,
    streamSeed: STREAM_SEED,
    expected: { stored: storedExpected, rejects: rejectsExpected },
    partitions,
    seed,
    kills: killed.pass.kills.length,
    killsSkipped: killed.pass.skippedKills.length,
    relayKills: killed.pass.relayKills,
    restartToUpMs: killed.pass.kills.map((k) => k.restartToUpMs),
    restartToAssignedMs: assignedMs,
    restartToStoredMs: restartMs,
    maxRestartToAssignedMs: maxAssignedMs,
    maxRestartToStoredMs: maxOf(restartMs),
    restartTargetMs: RESTART_TARGET_MS,
    restartWithinTarget: maxAssignedMs !== null && maxAssignedMs <= RESTART_TARGET_MS,
    killMoments: killed.pass.kills.map(({ atCommitted, atShare, delayMs }) => ({
      atCommitted,
      atShare,
      delayMs,
    })),
    endStatesEqual,
    endStateDifferences: { golden, snapshot },
    missingEvents,
    duplicatesDelivered: { clean: clean.topic.duplicates, killed: killed.topic.duplicates },
    replayEqual,
    churn: { byType: churn, note: CHURN_NOTE },
    runs: { clean: runFigures(clean), killed: runFigures(killed) },
    wallSeconds: round1((performance.now() - wallStart) / 1000),
  };
  const failed = !endStatesEqual || missingEvents > 0 || !replayEqual;
  if (!endStatesEqual) log('the end states differ (endStateDifferences)');
  if (missingEvents > 0) log(`${missingEvents} events of the outbox never reached the topic`);
  if (!replayEqual) log('replaying the topic does not rebuild the end state (runs.*.replay)');
  // Exits explicitly once the JSON is out: a client's timers or sockets left open must neither
  // keep the run alive nor decide its exit status.
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`, () => process.exit(failed ? 1 : 0));
}

const round1 = (n: number) => Math.round(n * 10) / 10;

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
