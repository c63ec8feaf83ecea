import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import request from 'supertest';
import { as, asAdmin, createClient, hubHttp, staffToken } from '../support/access';
import { gridResident, withCheck } from '../support/residents';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const COMMUNITY_A = '500116005001';
const COMMUNITY_B = '500116005002';
const ISSUER = 'https://id.city.example';

async function seedTwoResidents(api: Parameters<typeof hubHttp>[0]) {
  await hubHttp(api)
    .post('/v1/feeds/grid/records')
    .send([
      gridResident({
        n: 1,
        community: COMMUNITY_A,
        communityName: '琅山社区',
        name: '许桂兰',
        idFirst17: '50011619420101002',
        phone: '13900004001',
      }),
      gridResident({
        n: 2,
        community: COMMUNITY_B,
        communityName: '东门社区',
        name: '周建国',
        idFirst17: '50011619450202003',
        phone: '13900004002',
      }),
    ])
    .expect(200);
  const idOf = async (id17: string) =>
    (
      await hubHttp(api)
        .get('/v1/persons')
        .query({ idNumber: withCheck(id17) })
        .expect(200)
    ).body.persons[0].id as string;
  return { personA: await idOf('50011619420101002'), personB: await idOf('50011619450202003') };
}

/**
 * A city's identity provider replacing local login: a key pair made here plays the external
 * issuer, its public key served as a JWKS on 127.0.0.1. Role and jurisdiction come from the
 * token's claims; the hub holds no account for the person.
 */
describe('tokens of an external identity provider (OIDC)', () => {
  let jwks: Server;
  let privateKey: KeyLike;
  const overrides: Record<string, string> = {
    HUB_OIDC_ISSUER: ISSUER,
    HUB_OIDC_AUDIENCE: 'grassroots-hub',
  };
  const persons = { personA: '', personB: '' };

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const publicJwk = {
      ...(await exportJWK(pair.publicKey)),
      kid: 'city-1',
      alg: 'RS256',
      use: 'sig',
    };
    jwks = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    overrides.HUB_OIDC_JWKS_URL = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  });
  const suite = apiOnScenarioDatabase(overrides);
  beforeAll(async () => Object.assign(persons, await seedTwoResidents(suite.api)));
  afterAll(() => new Promise((resolve) => jwks.close(resolve)));

  const external = (
    claims: Record<string, unknown>,
    options: { key?: KeyLike; audience?: string; issuer?: string; expiresIn?: string } = {},
  ) =>
    new SignJWT({
      hub_role: 'community-staff',
      hub_division: COMMUNITY_A,
      preferred_username: 'wang.li',
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'city-1' })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? 'grassroots-hub')
      .setSubject('city-user-42')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(options.key ?? privateKey);

  it('takes role and jurisdiction from the claims', async () => {
    const token = await external({});
    const me = await as(suite.api, token, null).get('/v1/auth/me').expect(200);
    expect(me.body).toMatchObject({
      kind: 'external',
      name: 'wang.li',
      role: 'community-staff',
      roleLabel: '村社区工作人员',
      divisionCode: COMMUNITY_A,
    });
    await as(suite.api, token).get(`/v1/persons/${persons.personA}`).expect(200);
    await as(suite.api, token).get(`/v1/persons/${persons.personB}`).expect(404);
    await as(suite.api, token).get('/v1/admin/users').expect(403);
  });

  it('audits the external user by their name at the provider', async () => {
    const token = await external({ preferred_username: 'zhao.min' });
    await as(suite.api, token, 'grid-visit').get(`/v1/persons/${persons.personA}`).expect(200);
    const [row] = await suite.scenario.db.query<
      { actor: string; actor_kind: string; role: string }[]
    >(`SELECT actor, actor_kind, role FROM audit_log ORDER BY id DESC LIMIT 1`);
    expect(row).toEqual({ actor: 'zhao.min', actor_kind: 'external', role: 'community-staff' });
  });

  it('refuses tokens of another key, audience or issuer, expired ones, and claims that are no role', async () => {
    const other = (await generateKeyPair('RS256')).privateKey;
    const refused = [
      await external({}, { key: other }),
      await external({}, { audience: 'another-app' }),
      await external({}, { issuer: 'https://id.elsewhere.example' }),
      await external({}, { expiresIn: '-1m' }),
      await external({ hub_role: 'root' }),
      await external({ hub_division: '5001' }),
      await external({ hub_division: undefined }),
    ];
    for (const token of refused)
      await as(suite.api, token).get(`/v1/persons/${persons.personA}`).expect(401);
  });
});

describe('staff login, refresh and deactivation', () => {
  const suite = apiOnScenarioDatabase({ HUB_TOKEN_TTL_SECONDS: '120' });

  it('logs in, refreshes, and stops at once when the account is deactivated', async () => {
    const token = await staffToken(suite.api, {
      username: 'login-clerk',
      role: 'township-staff',
      divisionCode: '500116005',
      password: 'a-long-password-1',
    });
    const login = await request(suite.api.getHttpServer())
      .post('/v1/auth/token')
      .send({ username: 'login-clerk', password: 'a-long-password-1' })
      .expect(200);
    expect(login.body).toEqual({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 120,
    });
    const refreshed = await as(suite.api, token, null).post('/v1/auth/refresh').expect(200);
    expect(refreshed.body.accessToken).not.toBe(token);
    const me = await as(suite.api, refreshed.body.accessToken as string, null)
      .get('/v1/auth/me')
      .expect(200);
    expect(me.body).toMatchObject({
      kind: 'user',
      name: 'login-clerk',
      role: 'township-staff',
      divisionCode: '500116005',
    });
    expect(me.body.permissions).toEqual(expect.arrayContaining(['persons:read', 'persons:search']));

    const users = await asAdmin(suite.api, null).get('/v1/admin/users').expect(200);
    const id = (users.body as { id: string; username: string }[]).find(
      (u) => u.username === 'login-clerk',
    )!.id;
    await asAdmin(suite.api, null).post(`/v1/admin/users/${id}/deactivate`).expect(200);
    await as(suite.api, token, null).get('/v1/auth/me').expect(401);
    await as(suite.api, token, null).post('/v1/auth/refresh').expect(401);
    await request(suite.api.getHttpServer())
      .post('/v1/auth/token')
      .send({ username: 'login-clerk', password: 'a-long-password-1' })
      .expect(401);
  });

  it('shows a client key once, keeps only its hash, rotates and revokes it', async () => {
    const client = await createClient(suite.api, {
      name: 'rotating-police',
      feeds: ['population'],
    });
    const [stored] = await suite.scenario.db.query<{ key_hash: string }[]>(
      `SELECT key_hash FROM api_client WHERE id = $1`,
      [client.id],
    );
    expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.key_hash).not.toContain(client.token);
    const listed = await asAdmin(suite.api, null).get('/v1/admin/clients').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(client.token);

    const push = (token: string) =>
      as(suite.api, token, null).post('/v1/feeds/population/records').send([]);
    expect((await push(client.token)).status).toBe(200);
    const rotated = await asAdmin(suite.api, null)
      .post(`/v1/admin/clients/${client.id}/rotate`)
      .expect(200);
    expect((await push(client.token)).status).toBe(401);
    expect((await push(rotated.body.token as string)).status).toBe(200);
    await asAdmin(suite.api, null).delete(`/v1/admin/clients/${client.id}`).expect(200);
    expect((await push(rotated.body.token as string)).status).toBe(401);
  });

  it('lists the purposes with their Chinese labels for any authenticated caller', async () => {
    await request(suite.api.getHttpServer()).get('/v1/purposes').expect(401);
    const res = await asAdmin(suite.api, null).get('/v1/purposes').expect(200);
    expect(res.body.purposes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'dibao-review', label: '低保审核' }),
        expect.objectContaining({ code: 'elderly-allowance-review', label: '高龄津贴审核' }),
        expect.objectContaining({ code: 'grid-visit', label: '网格走访' }),
        expect.objectContaining({ code: 'data-verification', label: '数据核查' }),
        expect.objectContaining({ code: 'statistics', label: '统计分析' }),
      ]),
    );
  });
});

describe('rate limits per client', () => {
  const suite = apiOnScenarioDatabase({ HUB_RATE_LIMIT_PER_MINUTE: '5' });

  it('answers 429 with Retry-After past the limit, counting each client on its own', async () => {
    const first = await createClient(suite.api, { name: 'busy-police', feeds: ['population'] });
    const second = await createClient(suite.api, { name: 'calm-police', feeds: ['population'] });
    const push = (token: string) =>
      as(suite.api, token, null).post('/v1/feeds/population/records').send([]);
    for (let i = 0; i < 5; i++) expect((await push(first.token)).status).toBe(200);
    const limited = await push(first.token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await push(second.token)).status).toBe(200);
  });

  it('limits password guesses to 10 a minute per address', async () => {
    const guess = () =>
      request(suite.api.getHttpServer())
        .post('/v1/auth/token')
        .send({ username: 'nobody', password: 'guess-guess-guess' });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await guess()).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[10]).toBe(429);
  });
});
