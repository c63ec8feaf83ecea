import { mkdtempSync, rmSync } from 'node:fs';
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

describe('the built API on its embedded default (no DATABASE_URL, no Kafka)', () => {
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
    });
    await app.waitForOutput(/hub ready/);
  });

  afterAll(async () => {
    await app?.stop('SIGKILL');
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
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ details: { postgres: { status: 'up' } } });
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
