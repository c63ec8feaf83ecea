import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AccountsBootstrap, CredentialsRepository, DEMO_PASSWORD, DEMO_USERS } from '@hub/access';
import { FeedPipeline, loadDemoData } from '@hub/feeds';
import { createApiApp } from '../../apps/api/src/api-app';
import { as } from '../support/access';
import { scenarioDatabase } from '../support/scenario-database';
import { startTestApi } from '../support/scenario-api';
import { testConfig } from '../support/test-config';

/**
 * What `npm start` does about accounts: the embedded default with no admin configured gets one
 * (shown once, kept in a 0600 file), the demo data its demo accounts of each role, and
 * production refuses demo accounts.
 */
describe('accounts at start', () => {
  let scenario: Awaited<ReturnType<typeof scenarioDatabase>>;
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-accounts-'));

  beforeAll(async () => {
    scenario = await scenarioDatabase();
  });
  afterAll(async () => scenario?.drop());

  it('creates a first admin when none is configured, once, with its password in a 0600 file', async () => {
    // No bootstrap token: the test credentials cannot be prepared, and are not needed here.
    const api = await createApiApp(
      testConfig({ HUB_BOOTSTRAP_ADMIN_TOKEN: '', HUB_DATA_DIR: dataDir, HUB_DEMO: 'false' }),
      scenario.url,
    );
    await api.init();
    try {
      const report = await api.get(AccountsBootstrap).run();
      const admin = report.createdAdmin!;
      expect(admin.username).toBe('admin');
      expect(statSync(admin.file).mode & 0o777).toBe(0o600);
      expect(readFileSync(admin.file, 'utf8')).toBe(`username=admin\npassword=${admin.password}\n`);
      const login = await request(api.getHttpServer())
        .post('/v1/auth/token')
        .send({ username: 'admin', password: admin.password })
        .expect(200);
      const me = await as(api, login.body.accessToken as string, null)
        .get('/v1/auth/me')
        .expect(200);
      expect(me.body).toMatchObject({ role: 'district-admin', divisionCode: '500000' });
      // An admin exists now: the next start creates none.
      expect((await api.get(AccountsBootstrap).run()).createdAdmin).toBeUndefined();
    } finally {
      await api.close();
    }
  });

  it('adds a demo account of each role, each seeing demo residents of its division', async () => {
    const api = await startTestApi(
      testConfig({ HUB_DEMO: 'true', HUB_DATA_DIR: dataDir }),
      scenario.url,
    );
    try {
      expect((await api.get(AccountsBootstrap).run()).demoUsers).toEqual(
        DEMO_USERS.map((u) => u.username),
      );
      await loadDemoData(api.get(FeedPipeline));
      const roles = new Set<string>();
      for (const user of DEMO_USERS) {
        const login = await request(api.getHttpServer())
          .post('/v1/auth/token')
          .send({ username: user.username, password: DEMO_PASSWORD })
          .expect(200);
        const me = await as(api, login.body.accessToken as string, null)
          .get('/v1/auth/me')
          .expect(200);
        expect(me.body).toMatchObject({ role: user.role, divisionCode: user.divisionCode });
        roles.add(user.role);
      }
      expect(roles.size).toBe(6);
      const [{ residents }] = await scenario.db.query<{ residents: string }[]>(
        `SELECT count(*) AS residents FROM person WHERE division_code LIKE $1 || '%' AND merged_into IS NULL`,
        [DEMO_USERS.find((u) => u.role === 'community-staff')!.divisionCode],
      );
      expect(Number(residents)).toBeGreaterThanOrEqual(3);
    } finally {
      await api.close();
    }
  });

  it('refuses to run in production with demo accounts, or with the demo data on', async () => {
    const api = await startTestApi(testConfig({ HUB_DATA_DIR: dataDir }), scenario.url);
    try {
      const production = (demo: string) =>
        new AccountsBootstrap(
          testConfig({ NODE_ENV: 'production', HUB_DEMO: demo, HUB_DATA_DIR: dataDir }),
          new CredentialsRepository(scenario.db),
        );
      await expect(production('true').run()).rejects.toThrow(/HUB_DEMO must be off in production/);
      await expect(production('false').run()).rejects.toThrow(/demo accounts exist \(demo-admin/);
    } finally {
      await api.close();
    }
  });
});
