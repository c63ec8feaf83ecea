import type { INestApplication } from '@nestjs/common';
import request from 'supertest';

/** The bootstrap admin token every test app is configured with (test-config.ts). */
export const BOOTSTRAP_TOKEN = 'test-bootstrap-admin-token-4c1e9a';
/** HUB_SECRETS_KEY of the test apps. */
export const TEST_SECRETS_KEY = '6a'.repeat(32);
/** The purpose the tests name when they read personal data as an admin. */
export const TEST_PURPOSE = 'data-verification';

type Agent = ReturnType<typeof request.agent>;

/** Requests carrying this bearer credential (and a purpose, unless `null`). */
export function as(
  api: INestApplication,
  credential: string,
  purpose: string | null = TEST_PURPOSE,
): Agent {
  const agent = request.agent(api.getHttpServer()).set('Authorization', `Bearer ${credential}`);
  return purpose === null ? agent : agent.set('X-Purpose', purpose);
}

/** Requests as the bootstrap district admin, with a purpose. */
export const asAdmin = (api: INestApplication, purpose: string | null = TEST_PURPOSE): Agent =>
  as(api, BOOTSTRAP_TOKEN, purpose);

export interface TestClient {
  id: string;
  token: string;
}

/** Creates a client through the admin API and answers its id and API key. */
export async function createClient(
  api: INestApplication,
  client: { name: string; feeds?: string[]; scopes?: string[]; divisionCode?: string },
): Promise<TestClient> {
  const res = await asAdmin(api, null)
    .post('/v1/admin/clients')
    .send({ feeds: [], ...client })
    .expect(201);
  return { id: res.body.id as string, token: res.body.token as string };
}

/** The API key of each app's department client (prepareTestAccess). */
const departments = new WeakMap<INestApplication, TestClient>();

/**
 * Creates the app's department client, allowed every feed of the three departments, so that
 * `hubHttp` and `asDepartments` can push. Call once after the app is initialized.
 */
export async function prepareTestAccess(api: INestApplication): Promise<void> {
  if (departments.has(api)) return;
  departments.set(
    api,
    await createClient(api, {
      name: `test-departments-${Math.random().toString(36).slice(2)}`,
      feeds: ['population', 'assistance', 'grid'],
    }),
  );
}

function departmentsKey(api: INestApplication): string {
  const client = departments.get(api);
  if (!client) throw new Error('call prepareTestAccess(api) after the app is initialized');
  return client.token;
}

/** Requests as a department client allowed every feed of the three departments. */
export const asDepartments = (api: INestApplication): Agent => as(api, departmentsKey(api), null);

/**
 * Requests as the tests of a feature make them: pushes (`/v1/feeds/…`) as the departments'
 * client, everything else as the bootstrap admin with a purpose.
 */
export function hubHttp(api: INestApplication) {
  const pick = (path: string) =>
    path.startsWith('/v1/feeds/') ? asDepartments(api) : asAdmin(api);
  return {
    get: (path: string) => pick(path).get(path),
    post: (path: string) => pick(path).post(path),
    put: (path: string) => pick(path).put(path),
    patch: (path: string) => pick(path).patch(path),
    delete: (path: string) => pick(path).delete(path),
  };
}

/** Creates a staff user and logs them in: their access token. */
export async function staffToken(
  api: INestApplication,
  user: { username: string; role: string; divisionCode: string; password?: string },
): Promise<string> {
  const password = user.password ?? 'test-password-123';
  await asAdmin(api, null)
    .post('/v1/admin/users')
    .send({ username: user.username, password, role: user.role, divisionCode: user.divisionCode })
    .expect(201);
  const res = await request(api.getHttpServer())
    .post('/v1/auth/token')
    .send({ username: user.username, password })
    .expect(200);
  return res.body.accessToken as string;
}
