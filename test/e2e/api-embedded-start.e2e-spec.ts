import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOTSTRAP_TOKEN } from '../support/access';
import { AppProcess } from '../support/app-process';
import { freePort } from '../support/free-port';

const portAnswers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/** The bootstrap admin's credential, given to the process below. */
const asAdmin = { authorization: `Bearer ${BOOTSTRAP_TOKEN}` };

/** The pid of the postmaster running on the embedded cluster of `dataDir`, if any. */
const postmasterPid = (dataDir: string): number | undefined => {
  const file = join(dataDir, 'postgres', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n', 1)[0]) : undefined;
};

/** Whether `pid` runs (a zombie waiting for its new parent to reap it does not). */
const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
};

/**
 * Stops an API process gracefully if it still runs, and, should a test have killed it and failed
 * before a restart, the PostgreSQL it left behind: no server outlives the suite.
 */
async function stopWithItsPostgres(app: AppProcess | undefined, dataDir: string): Promise<void> {
  const timer = setTimeout(() => void app?.stop('SIGKILL'), 30_000);
  await app?.stop('SIGTERM');
  clearTimeout(timer);
  const orphan = postmasterPid(dataDir);
  if (orphan !== undefined && running(orphan)) process.kill(orphan, 'SIGQUIT');
}

describe('the built API on its embedded default (no DATABASE_URL, no Kafka broker)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
  let app: AppProcess;
  let port: number;
  let pgPort: number;

  beforeAll(async () => {
    [port, pgPort] = [await freePort(), await freePort()];
    app = AppProcess.start('api', {
      PORT: String(port),
      HUB_DATA_DIR: dataDir,
      HUB_EMBEDDED_PG_PORT: String(pgPort),
      // The credential the test's calls to /v1 send.
      HUB_BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN,
      // A broker that does not answer (nothing listens there): the API does not need one.
      KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
    });
    await app.waitForOutput(/hub ready/);
  });

  afterAll(async () => {
    await stopWithItsPostgres(app, dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the URLs to open, and serves the staff page at the first', async () => {
    expect(app.output).toContain(`staff page http://127.0.0.1:${port}/`);
    expect(app.output).toContain(`http://127.0.0.1:${port}/docs`);
    // npm test builds the page (dist/web) before the tests.
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('基层数据共享平台');
  });

  it('loads the demo data set through the real pipeline', async () => {
    expect(app.output).toMatch(/demo data loaded through the pipeline/);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/hub_records_total\{feed="population",outcome="stored"\} [1-9]/);
    const rejects = (await (
      await fetch(`http://127.0.0.1:${port}/v1/admin/rejects/summary`, { headers: asAdmin })
    ).json()) as unknown[];
    expect(rejects.length).toBeGreaterThan(0);
  });

  it('serves /health, /ready and /docs from a PostgreSQL it started itself', async () => {
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/health`)).status).toBe(200);
    // Ready on PostgreSQL alone, although KAFKA_BROKERS names a broker that does not answer.
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      info: { postgres: { status: 'up' } },
      error: {},
      details: { postgres: { status: 'up' } },
    });
    expect((await fetch(`${base}/docs`)).status).toBe(200);
    const division = await fetch(`${base}/v1/divisions/500116`, { headers: asAdmin });
    expect(await division.json()).toMatchObject({ name: '江津区' });
  });

  it('stops on SIGTERM with status 0 and takes its PostgreSQL down with it', async () => {
    expect(await app.stop('SIGTERM')).toBe(0);
    expect(app.output).toMatch(/"step":"database".*"msg":"stopped"/);
    expect(await portAnswers(pgPort)).toBe(false);
  });
});

describe('the embedded default after a crash, beside a running start, on a port in use', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-e2e-crash-'));
  const otherDir = mkdtempSync(join(tmpdir(), 'hub-e2e-other-'));
  let env: Record<string, string>;
  let first: AppProcess | undefined;
  let restarted: AppProcess | undefined;

  beforeAll(async () => {
    env = {
      PORT: String(await freePort()),
      HUB_DATA_DIR: dataDir,
      HUB_EMBEDDED_PG_PORT: String(await freePort()),
      // The demo data set is not what these tests are about.
      HUB_DEMO: '0',
    };
    first = AppProcess.start('api', env);
    await first.waitForOutput(/hub ready/);
  });

  afterAll(async () => {
    await stopWithItsPostgres(restarted, dataDir);
    await stopWithItsPostgres(first, dataDir);
    for (const dir of [dataDir, otherDir]) rmSync(dir, { recursive: true, force: true });
  });

  it('a second start on the same data directory stops at once, naming it and the running process', async () => {
    const second = AppProcess.start('api', { ...env, PORT: String(await freePort()) });
    expect(await second.exit()).toBe(1);
    expect(second.output).toContain(
      `the data directory ${dataDir} (HUB_DATA_DIR) is in use: another process of the hub (pid ${first!.child.pid})`,
    );
    expect(second.output).not.toMatch(/"err":"undefined"/);
    // The first goes on serving.
    expect((await fetch(`http://127.0.0.1:${env.PORT}/ready`)).status).toBe(200);
  });

  it('a start on a port in use stops before PostgreSQL and migrations, naming the port', async () => {
    const clash = AppProcess.start('api', {
      ...env,
      HUB_DATA_DIR: otherDir,
      HUB_EMBEDDED_PG_PORT: String(await freePort()),
    });
    expect(await clash.exit()).toBe(1);
    expect(clash.output).toContain(`port ${env.PORT} (PORT) is already in use`);
    expect(clash.output).not.toMatch(/starting embedded PostgreSQL/);
    expect(existsSync(join(otherDir, 'postgres'))).toBe(false);
  });

  it('after SIGKILL, the next start stops the orphaned PostgreSQL and comes up on the same data', async () => {
    const orphan = postmasterPid(dataDir)!;
    expect(await first!.stop('SIGKILL')).toBeNull();
    // What made every later start fail: the server outlives the process that started it.
    expect(running(orphan)).toBe(true);

    restarted = AppProcess.start('api', env);
    await restarted.waitForOutput(/hub ready/);
    expect(restarted.output).toMatch(
      new RegExp(`stopped the embedded PostgreSQL \\(pid ${orphan}\\) left running on`),
    );
    expect(running(orphan)).toBe(false);
    expect((await fetch(`http://127.0.0.1:${env.PORT}/ready`)).status).toBe(200);
    expect(await restarted.stop('SIGTERM')).toBe(0);
    expect(await portAnswers(Number(env.HUB_EMBEDDED_PG_PORT))).toBe(false);
  });
});

describe('configuration errors', () => {
  it.each([
    ['api', { PORT: 'eighty' }, /PORT/],
    ['ingest', { DATABASE_URL: 'postgres://x@127.0.0.1/x' }, /KAFKA_BROKERS/],
    ['ingest', { KAFKA_BROKERS: '127.0.0.1:9092' }, /DATABASE_URL/],
  ] as const)('%s with %j stops at once naming the variable', async (name, env, variable) => {
    const app = AppProcess.start(name, env);
    expect(await app.exit()).toBe(78);
    expect(app.output).toMatch(variable);
    expect(app.output).toMatch(/Invalid configuration/);
  });
});
