import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  cpSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Kafka } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PRODUCER_CONFIG } from '@hub/kafka';
import { dataSourceOptions, runMigrationsLocked } from '@hub/persistence';
import type { MixedStream } from '../test/generators/mixed-stream';
import { REPO_ROOT } from '../test/support/app-process';
import { freePort } from '../test/support/free-port';
import { benchKafka, hubSettingsFromEnvironment, produceInOrder } from './bench-kafka';

type Log = (message: string) => void;

/** A migrated database of its own on the bench's server, named hub_kills_<label>_…. */
export async function killsDatabase(
  serverUrl: string,
  label: string,
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `hub_kills_${label}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const ds = await new DataSource(dataSourceOptions(url.toString(), 2)).initialize();
  await runMigrationsLocked(ds);
  await ds.destroy();
  return {
    url: url.toString(),
    name,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * A copy of the built ingest and relay (dist/apps/{ingest,relay}) in a folder of its own, beside
 * links to the rest of the checkout (package.json, schemas/, mappings/, rules/, node_modules/…,
 * which they find by walking up): a run takes half an hour, and a `nest build` in the checkout
 * meanwhile must not change the code the second pass runs.
 */
export function snapshotBuild(): { root: string; builtAt: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'hub-kills-app-'));
  for (const entry of readdirSync(REPO_ROOT))
    if (entry !== 'dist' && entry !== '.git')
      symlinkSync(join(REPO_ROOT, entry), join(root, entry));
  for (const app of ['ingest', 'relay'])
    cpSync(join(REPO_ROOT, 'dist/apps', app), join(root, 'dist/apps', app), { recursive: true });
  const main = join(REPO_ROOT, 'dist/apps/ingest/apps/ingest/src/main.js');
  return {
    root,
    builtAt: statSync(main).mtime.toISOString(),
    remove: () => {
      for (const entry of readdirSync(root))
        if (lstatSync(join(root, entry)).isSymbolicLink()) unlinkSync(join(root, entry));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Node flags the apps are deployed with (as test/support/app-process.ts). */
const DEPLOYED_NODE_ARGS = {
  ingest: ['--max-semi-space-size=64', '--max-old-space-size=640'],
  relay: [] as string[],
};

/** A built app of the snapshot running as its own process, with its output's tail collected. */
class BuiltApp {
  output = '';
  readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;

  constructor(root: string, app: 'ingest' | 'relay', env: Record<string, string>) {
    this.child = spawn(
      process.execPath,
      [...DEPLOYED_NODE_ARGS[app], join(root, `dist/apps/${app}/apps/${app}/src/main.js`)],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const collect = (chunk: Buffer) =>
      (this.output = (this.output + chunk.toString()).slice(-20_000));
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** One SIGKILL of the ingest and how long its successor took to work again. */
export interface IngestKill {
  /** Feed messages committed by the consumer group when the kill was due, and that share of all. */
  atCommitted: number;
  atShare: number;
  /** Random delay after that point before the kill, so that it lands anywhere in a batch. */
  delayMs: number;
  /** From the successor's start to its /metrics answering (the process up, before Kafka). */
  restartToUpMs: number | null;
  /**
   * From the successor's start to the group Stable with the successor alone, its partitions
   * assigned: the killed member was dropped once its session (KAFKA_SESSION_TIMEOUT_MS) expired.
   */
  restartToAssignedMs: number | null;
  /** From the successor's start to the first source record or reject it stored. */
  restartToStoredMs: number | null;
}

export interface RelayKill {
  atCommitted: number;
  /** From the successor's start to the relay's cursor moving again. */
  restartToPublishingMs: number | null;
}

export interface PassResult {
  /** Topic prefix of the pass (feed topics, dead letters, hub.changes.v1 beside them). */
  prefix: string;
  changesTopic: string;
  kafka: Kafka;
  admin: Admin;
  topics: string[];
  produceSeconds: number;
  /** Ingest processes' start to the group's committed offsets at the end of the feed topics. */
  ingestSeconds: number;
  /** From there to the relay's cursor at the outbox's last event. */
  relayDrainSeconds: number;
  kills: IngestKill[];
  relayKills: RelayKill[];
  /** Kill thresholds not reached before the whole stream was committed. */
  skippedKills: number[];
  /** The last words of each killed or stopped process with a non-empty output (errors). */
  processErrors: string[];
}

export interface PassOptions {
  label: string;
  /** The snapshot of the build the processes run (snapshotBuild). */
  appRoot: string;
  stream: MixedStream;
  brokers: string;
  databaseUrl: string;
  partitions: number;
  /** Committed-offset thresholds at which to SIGKILL the ingest (empty: a clean pass). */
  killAt: number[];
  relayKillAt: number[];
  random: () => number;
  log: Log;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the process answers on its HTTP port (/health: up, whatever Kafka says). */
async function answers(port: number): Promise<boolean> {
  try {
    await (await fetch(`http://127.0.0.1:${port}/health`)).arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/**
 * One pass of the fault run: fresh topics under a prefix of their own, the stream produced to
 * the feed topics, one built ingest process (HUB_CHANGE_RELAY off) and one relay process on the
 * pass's database, the ingest SIGKILLed and restarted at each of `killAt` (and the relay at each
 * of `relayKillAt`), until the group has committed every feed message and the relay has
 * published the whole outbox. The topics are left for the checks; the caller deletes them.
 */
export async function runPass(options: PassOptions): Promise<PassResult> {
  const { stream, brokers, databaseUrl, partitions, random, log } = options;
  const prefix = `kills-${options.label}-${randomUUID().slice(0, 8)}.`;
  const { kafka, admin, topics } = await benchKafka(brokers, prefix, partitions);
  const feedTopics = [...new Set(stream.messages.map((m) => `${prefix}${m.topic}`))];
  const changesTopic = topics.find((t) => t.endsWith('hub.changes.v1'))!;
  const total = stream.messages.length;

  log(`${options.label}: producing ${total} messages under ${prefix}`);
  const producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
  const produceStart = performance.now();
  await produceInOrder(producer, prefix, stream.messages);
  const produceSeconds = (performance.now() - produceStart) / 1000;
  await producer.disconnect();

  const group = `kills-${randomUUID()}`;
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_TOPIC_PARTITIONS: '0',
    LOG_LEVEL: 'error',
    ...(process.env.KAFKA_SESSION_TIMEOUT_MS && {
      KAFKA_SESSION_TIMEOUT_MS: process.env.KAFKA_SESSION_TIMEOUT_MS,
    }),
    ...hubSettingsFromEnvironment(),
  };
  const ingestPort = await freePort();
  const relayPort = await freePort();
  const startIngest = () =>
    new BuiltApp(options.appRoot, 'ingest', {
      ...env,
      HUB_CHANGE_RELAY: 'false',
      KAFKA_GROUP_ID: group,
      INGEST_HTTP_PORT: String(ingestPort),
    });
  const startRelay = () =>
    new BuiltApp(options.appRoot, 'relay', { ...env, RELAY_HTTP_PORT: String(relayPort) });

  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const one = async <T>(sql: string) => (await db.query<{ v: T }>(sql)).rows[0].v;
  // The group's committed offsets; the last answer again while the coordinator moves or loads.
  let lastCommitted = 0;
  const committed = async () => {
    try {
      lastCommitted = (await admin.fetchOffsets({ groupId: group, topics: feedTopics }))
        .flatMap((t) => t.partitions)
        .reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    } catch (error) {
      if (!(error instanceof Error && 'retriable' in error && error.retriable)) throw error;
    }
    return lastCommitted;
  };
  const describeGroup = async () => {
    try {
      return (await admin.describeGroups([group])).groups[0];
    } catch {
      return undefined;
    }
  };
  const storedMark = () =>
    one<string>(
      `SELECT (SELECT coalesce(max(id), 0) FROM source_record)::text || '/' || (SELECT coalesce(max(id), 0) FROM reject)::text AS v`,
    );
  const relayCursor = async () =>
    Number(
      await one<string>(`SELECT coalesce(max(position), 0)::text AS v FROM change_relay_cursor`),
    );
  const outboxEnd = async () =>
    Number(await one<string>(`SELECT coalesce(max(position), 0)::text AS v FROM change_event`));

  const processErrors: string[] = [];
  const keepOutput = (what: string, p: BuiltApp) => {
    const text = p.output.trim();
    if (text) processErrors.push(`${what}: ${text.slice(-1500)}`);
  };
  const kills: IngestKill[] = [];
  const relayKills: RelayKill[] = [];
  const skippedKills: number[] = [];
  const killAt = [...options.killAt];
  const relayKillAt = [...options.relayKillAt];

  log(`${options.label}: ingesting`);
  const started = performance.now();
  let ingest = startIngest();
  let relay = startRelay();
  let ingestDone = 0;
  try {
    for (;;) {
      for (const [what, p] of [
        ['ingest', ingest],
        ['relay', relay],
      ] as const)
        if (p.child.exitCode !== null)
          throw new Error(`the ${what} exited ${p.child.exitCode}:\n${p.output.slice(-3000)}`);
      const done = await committed();
      // A kill due when everything is committed has nothing left to interrupt (the committed
      // offsets move by whole batches): it is left out, and reported as such.
      if (killAt.length > 0 && done >= total) skippedKills.push(...killAt.splice(0));
      if (killAt.length > 0 && done >= killAt[0]) {
        killAt.shift();
        const before = new Set((await describeGroup())?.members.map((m) => m.memberId));
        const delayMs = Math.round(random() * 2000);
        await sleep(delayMs);
        await ingest.stop('SIGKILL');
        keepOutput(`ingest killed at ${done}`, ingest);
        const mark = await storedMark();
        const restarted = performance.now();
        ingest = startIngest();
        let upMs: number | null = null;
        let assignedMs: number | null = null;
        let storedMs: number | null = null;
        const since = () => Math.round(performance.now() - restarted);
        // Up to two minutes for the successor to store its first record.
        while (storedMs === null && performance.now() - restarted < 120_000) {
          if (ingest.child.exitCode !== null)
            throw new Error(`the restarted ingest exited:\n${ingest.output.slice(-3000)}`);
          if (upMs === null && (await answers(ingestPort))) upMs = since();
          if (assignedMs === null) {
            const g = await describeGroup();
            if (
              g?.state === 'Stable' &&
              g.members.length > 0 &&
              g.members.every((m) => !before.has(m.memberId))
            )
              assignedMs = since();
          }
          if ((await storedMark()) !== mark) storedMs = since();
          else await sleep(50);
        }
        kills.push({
          atCommitted: done,
          atShare: Number((done / total).toFixed(3)),
          delayMs,
          restartToUpMs: upMs,
          restartToAssignedMs: assignedMs,
          restartToStoredMs: storedMs,
        });
        log(
          `${options.label}: kill ${kills.length} at ${done}/${total} (+${delayMs} ms): up after ${upMs} ms, assigned after ${assignedMs} ms, storing after ${storedMs} ms`,
        );
        continue;
      }
      if (relayKillAt.length > 0 && done >= relayKillAt[0]) {
        relayKillAt.shift();
        await sleep(Math.round(random() * 2000));
        await relay.stop('SIGKILL');
        keepOutput(`relay killed at ${done}`, relay);
        const cursor = await relayCursor();
        const restarted = performance.now();
        relay = startRelay();
        let publishingMs: number | null = null;
        while (publishingMs === null && performance.now() - restarted < 60_000) {
          if ((await relayCursor()) > cursor)
            publishingMs = Math.round(performance.now() - restarted);
          else await sleep(50);
        }
        relayKills.push({ atCommitted: done, restartToPublishingMs: publishingMs });
        log(`${options.label}: relay killed at ${done}: publishing again after ${publishingMs} ms`);
        continue;
      }
      if (done >= total) {
        ingestDone ||= performance.now();
        if ((await relayCursor()) >= (await outboxEnd())) break;
      }
      await sleep(250);
    }
  } finally {
    await Promise.all([ingest.stop('SIGTERM'), relay.stop('SIGTERM')]);
    keepOutput('ingest (stopped)', ingest);
    keepOutput('relay (stopped)', relay);
    await db.end();
  }
  const end = performance.now();
  return {
    prefix,
    changesTopic,
    kafka,
    admin,
    topics,
    produceSeconds: round1(produceSeconds),
    ingestSeconds: round1((ingestDone - started) / 1000),
    relayDrainSeconds: round1((end - ingestDone) / 1000),
    kills,
    relayKills,
    skippedKills,
    processErrors,
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
