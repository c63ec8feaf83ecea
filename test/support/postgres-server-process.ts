import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './app-process';
import { freePort } from './free-port';

/** A PostgreSQL of a test's own, in a child process (see postgres-server.main.ts). */
export interface PostgresServerProcess {
  url: string;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
  /**
   * Stops the server as an outage would (a fast shutdown: every session is ended, new
   * connections refused), keeping its data and its port for `start()`.
   */
  stopKeepingData(): Promise<void>;
  /** Starts the server stopped by `stopKeepingData()` again: same port, same data, same URL. */
  start(): Promise<void>;
}

/**
 * A real PostgreSQL with `settings` (e.g. a tiny lock table), in a child process of its own
 * (see postgres-server.main.ts), its data in a temporary folder removed by `stop()`.
 */
export async function startPostgresServerProcess(
  settings: Record<string, string>,
): Promise<PostgresServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-test-own-pg-'));
  // Fixed for the server's life: a restart comes back where its clients look for it.
  const port = String(await freePort());
  let child: ChildProcess | undefined;
  let running = false;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (): Promise<string> => {
    const started = spawn(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-r',
        'tsconfig-paths/register',
        resolve(__dirname, 'postgres-server.main.ts'),
      ],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          PG_DATA_DIR: dataDir,
          PG_PORT: port,
          PG_SETTINGS: JSON.stringify(settings),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = started;
    running = true;
    exited = new Promise<void>((r) =>
      started.once('exit', () => {
        running = false;
        r();
      }),
    );
    let output = '';
    return new Promise<string>((resolveUrl, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /POSTGRES_URL=(\S+)/.exec(output);
        if (found) resolveUrl(found[1]);
      };
      started.stdout.on('data', onData);
      started.stderr.on('data', onData);
      started.once('exit', (code) => reject(new Error(`PostgreSQL exited ${code}:\n${output}`)));
    });
  };
  const halt = async () => {
    if (running) child?.kill('SIGTERM');
    await exited;
  };

  const url = await launch();
  return {
    url,
    stop: async () => {
      await halt();
      rmSync(dataDir, { recursive: true, force: true });
    },
    stopKeepingData: halt,
    start: async () => {
      if (running) throw new Error('PostgreSQL is still running');
      await launch();
    },
  };
}
