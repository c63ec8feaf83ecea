import { AppProcess } from '../support/app-process';
import { BOOTSTRAP_TOKEN, TEST_PURPOSE, TEST_SECRETS_KEY } from '../support/access';
import { feedExamples } from '../support/feed-examples';
import { freePort } from '../support/free-port';
import { testConfig } from '../support/test-config';
import { createRunDatabase } from '../support/test-services';

/**
 * Two API processes on one database and nothing else shared (issue 38, scale-out): a client
 * made on one pushes through the other, a staff member logged in on one reads on the other,
 * and both answer the same reads.
 */
describe('two API replicas', () => {
  const config = testConfig();
  let database: Awaited<ReturnType<typeof createRunDatabase>>;
  const replicas: { process: AppProcess; url: string }[] = [];

  const call = async (
    url: string,
    path: string,
    token: string,
    init: { method?: string; body?: unknown; purpose?: boolean } = {},
  ) => {
    const res = await fetch(`${url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.purpose === false ? {} : { 'X-Purpose': TEST_PURPOSE }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    database = await createRunDatabase(
      config.database.url!,
      process.env.HUB_TEST_TEMPLATE_DATABASE,
    );
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const process_ = AppProcess.start('api', {
        DATABASE_URL: database.url,
        PORT: String(port),
        HUB_BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN,
        HUB_SECRETS_KEY: TEST_SECRETS_KEY,
        LOG_LEVEL: 'info',
      });
      replicas.push({ process: process_, url: `http://127.0.0.1:${port}` });
    }
    for (const r of replicas) await r.process.waitForOutput(/hub ready/);
  });

  afterAll(async () => {
    for (const r of replicas) await r.process.stop('SIGTERM');
    await database?.drop();
  });

  it('serve one another’s clients, logins and reads', async () => {
    const [a, b] = replicas.map((r) => r.url);
    const client = await call(a, '/v1/admin/clients', BOOTSTRAP_TOKEN, {
      method: 'POST',
      body: { name: 'replica-test', feeds: ['grid'] },
      purpose: false,
    });
    expect(client.status).toBe(201);
    const grid = feedExamples().find((e) => e.feed === 'grid')!;
    const pushed = await call(b, '/v1/feeds/grid/records', client.body.token as string, {
      method: 'POST',
      body: [grid.value],
      purpose: false,
    });
    expect(pushed.status).toBe(200);

    const user = await call(b, '/v1/admin/users', BOOTSTRAP_TOKEN, {
      method: 'POST',
      body: {
        username: 'replica-clerk',
        password: 'replica-password-123',
        role: 'district-admin',
        divisionCode: '500116',
      },
      purpose: false,
    });
    expect(user.status).toBe(201);
    const login = await fetch(`${a}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'replica-clerk', password: 'replica-password-123' }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };

    const name = encodeURIComponent(String(grid.value['姓名']).trim());
    const [onA, onB] = await Promise.all(
      [a, b].map((url) => call(url, `/v1/persons?name=${name}`, accessToken)),
    );
    expect(onB.status).toBe(200);
    expect(onA.body).toEqual(onB.body);
    const persons = onB.body.persons as { id: string }[];
    expect(persons).toHaveLength(1);
    const [detailA, detailB] = await Promise.all(
      [a, b].map((url) => call(url, `/v1/persons/${persons[0].id}`, accessToken)),
    );
    expect(detailA.status).toBe(200);
    expect(detailA.body).toEqual(detailB.body);
  });
});
