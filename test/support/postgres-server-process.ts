import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from './app-process';
import { freePort } from './free-port';

/**
 * A real PostgreSQL with `settings` (e.g. a tiny lock table), in a child process of its own
 * (see postgres-server.main.ts), its data in a temporary folder removed by `stop()`.
 */
export async function startPostgresServerProcess(
  settings: Record<string, string>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-test-own-pg-'));
  const child = spawn(
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
        PG_PORT: String(await freePort()),
        PG_SETTINGS: JSON.stringify(settings),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /POSTGRES_URL=(\S+)/.exec(output);
      if (found) resolveUrl(found[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`PostgreSQL exited ${code}:\n${output}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
