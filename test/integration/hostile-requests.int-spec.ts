import { SignJWT } from 'jose';
import request from 'supertest';
import { HubSecrets } from '@hub/access';
import {
  asAdmin,
  BOOTSTRAP_TOKEN,
  createClient,
  hubHttp,
  staffToken,
  TEST_SECRETS_KEY,
  type TestClient,
} from '../support/access';
import { gridResident, withCheck } from '../support/residents';
import { apiOnScenarioDatabase } from '../support/scenario-api';

/**
 * Requests an attacker, a curious colleague or a misconfigured system would send. Each answers
 * exactly the status written here, leaks no personal data, and changes nothing in the database
 * (a search that finds nobody is a read, audited as one: those may add their audit row only).
 */

const COMMUNITY_A = '500116005001'; // 琅山社区
const COMMUNITY_B = '500116005002'; // 东门社区, its neighbour
const A = { name: '许桂兰', id17: '50011619420101002', phone: '13900003001' };
const B = { name: '周建国', id17: '50011619450202003', phone: '13900003002' };
const ZERO_UUID = '00000000-0000-4000-8000-000000000000';
/** What must never leave in a hostile answer (unless the case says the caller may see it). */
const SECRETS = {
  idA: withCheck(A.id17),
  phoneA: A.phone,
  idB: withCheck(B.id17),
  phoneB: B.phone,
  nameB: B.name,
};
const PUSH_LIMIT = 65_536;

interface Case {
  name: string;
  /** The Authorization header value, or a function of the fixtures; undefined: none. */
  auth?: (f: Fixtures) => string | undefined;
  method?: 'get' | 'post' | 'delete';
  path: (f: Fixtures) => string;
  purpose?: string | null;
  body?: unknown;
  contentType?: string;
  status: number;
  /** A read that answers nothing of substance and is audited as a read. */
  audited?: boolean;
  /** What of resident A this caller may see (the rest of SECRETS must not appear). */
  mayShow?: (keyof typeof SECRETS)[];
}

interface Fixtures {
  personA: string;
  personB: string;
  placeB: string;
  clerkA: string;
  gridA: string;
  otherTownship: string;
  operator: string;
  townshipAdmin: string;
  deactivated: string;
  population: TestClient;
  subscriberA: TestClient;
  revoked: string;
  rotatedAway: string;
  expired: string;
  otherKey: string;
  algNone: string;
  wrongIssuer: string;
  wrongAudience: string;
  unknownUser: string;
}

const bearer = (token: string) => `Bearer ${token}`;
const clerkA = (f: Fixtures) => bearer(f.clerkA);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

const CASES: Case[] = [
  // Credentials that prove nothing.
  { name: 'no credential', path: (f) => `/v1/persons/${f.personA}`, status: 401 },
  {
    name: 'Basic instead of Bearer',
    auth: () => 'Basic YWRtaW46YWRtaW4=',
    path: (f) => `/v1/persons/${f.personA}`,
    status: 401,
  },
  {
    name: 'empty bearer',
    auth: () => 'Bearer ',
    path: (f) => `/v1/persons/${f.personA}`,
    status: 401,
  },
  {
    name: 'malformed token',
    auth: () => 'Bearer not-a-token',
    path: (f) => `/v1/persons/${f.personA}`,
    status: 401,
  },
  {
    name: 'three dots of nothing',
    auth: () => 'Bearer a.b.c',
    path: (f) => `/v1/persons/${f.personA}`,
    status: 401,
  },
  {
    name: 'expired token',
    auth: (f) => bearer(f.expired),
    path: (f) => `/v1/persons/${f.personA}`,
    status: 401,
  },
  {
    name: 'token signed with another key',
    auth: (f) => bearer(f.otherKey),
    path: (f) => `/v1/persons/${f.personA}`,
    status: 401,
  },
  {
    name: 'alg none',
    auth: (f) => bearer(f.algNone),
    path: (f) => `/v1/persons/${f.personA}`,
    status: 401,
  },
  {
    name: 'another issuer',
    auth: (f) => bearer(f.wrongIssuer),
    path: (f) => `/v1/persons/${f.personA}`,
    status: 401,
  },
  {
    name: 'another audience',
    auth: (f) => bearer(f.wrongAudience),
    path: (f) => `/v1/persons/${f.personA}`,
    status: 401,
  },
  {
    name: 'a valid signature for a user that does not exist',
    auth: (f) => bearer(f.unknownUser),
    path: (f) => `/v1/persons/${f.personA}`,
    status: 401,
  },
  {
    name: 'a deactivated user’s token',
    auth: (f) => bearer(f.deactivated),
    path: (f) => `/v1/persons/${f.personA}`,
    status: 401,
  },
  {
    name: 'a revoked client key',
    auth: (f) => bearer(f.revoked),
    method: 'post',
    path: () => '/v1/feeds/population/records',
    body: [],
    status: 401,
  },
  {
    name: 'a rotated-away client key',
    auth: (f) => bearer(f.rotatedAway),
    method: 'post',
    path: () => '/v1/feeds/population/records',
    body: [],
    status: 401,
  },
  {
    name: 'a made-up API key',
    auth: () => `Bearer hub_${'A'.repeat(43)}`,
    path: () => '/v1/changes',
    status: 401,
  },
  {
    name: 'the bootstrap token with one more character',
    auth: () => `Bearer ${BOOTSTRAP_TOKEN}x`,
    path: () => '/v1/admin/users',
    status: 401,
  },
  {
    name: 'wrong password',
    method: 'post',
    path: () => '/v1/auth/token',
    body: { username: 'hostile-clerk-a', password: 'wrong-password-1' },
    status: 401,
  },
  {
    name: 'unknown user',
    method: 'post',
    path: () => '/v1/auth/token',
    body: { username: 'nobody-here', password: 'whatever-123' },
    status: 401,
  },
  {
    name: 'a client key refreshed as if it were a staff token',
    auth: (f) => bearer(f.population.token),
    method: 'post',
    path: () => '/v1/auth/refresh',
    status: 401,
  },

  // The neighbouring community's resident, every way round.
  { name: 'by id', auth: clerkA, path: (f) => `/v1/persons/${f.personB}`, status: 404 },
  { name: 'explained', auth: clerkA, path: (f) => `/v1/persons/${f.personB}/explain`, status: 404 },
  {
    name: 'by ID number',
    auth: clerkA,
    path: () => `/v1/persons?idNumber=${withCheck(B.id17)}`,
    status: 200,
    audited: true,
  },
  {
    name: 'by name',
    auth: clerkA,
    path: () => `/v1/persons?name=${encodeURIComponent(B.name)}`,
    status: 200,
    audited: true,
  },
  {
    name: 'by name and birth date',
    auth: clerkA,
    path: () => `/v1/persons?name=${encodeURIComponent(B.name)}&birthDate=1945`,
    status: 200,
    audited: true,
  },
  {
    name: 'by phone',
    auth: clerkA,
    path: () => `/v1/persons?phone=${B.phone}`,
    status: 200,
    audited: true,
  },
  {
    name: 'through the place they live at',
    auth: clerkA,
    path: (f) => `/v1/places/${f.placeB}`,
    status: 404,
  },
  {
    name: 'through their address',
    auth: clerkA,
    path: () =>
      `/v1/places?address=${encodeURIComponent('鼎山街道东门社区东门路2号1栋1单元101室')}`,
    status: 200,
    audited: true,
  },
  { name: 'through the change feed', auth: clerkA, path: () => '/v1/changes?after=0', status: 403 },
  {
    name: 'through the links export',
    auth: clerkA,
    path: () => '/v1/resolution/links',
    status: 403,
  },
  {
    name: 'through their access log',
    auth: clerkA,
    path: (f) => `/v1/persons/${f.personB}/access-log`,
    status: 403,
  },
  {
    name: 'a grid worker, by id',
    auth: (f) => bearer(f.gridA),
    path: (f) => `/v1/persons/${f.personB}`,
    status: 404,
  },
  {
    name: 'a clerk of another township',
    auth: (f) => bearer(f.otherTownship),
    path: (f) => `/v1/persons/${f.personA}`,
    status: 404,
  },
  {
    name: 'a township admin, the access log of another township’s resident',
    auth: (f) => bearer(f.townshipAdmin),
    path: (f) => `/v1/persons/${f.personA}/access-log`,
    purpose: 'resident-request',
    status: 404,
  },
  {
    name: 'a subscriber of community A asking for community B',
    auth: (f) => bearer(f.subscriberA.token),
    path: () => `/v1/changes?after=0&division=${COMMUNITY_B}`,
    status: 403,
  },
  {
    name: 'a subscriber of community A asking for the whole district',
    auth: (f) => bearer(f.subscriberA.token),
    path: () => '/v1/changes?after=0&division=500116',
    status: 200,
    audited: true,
    mayShow: ['idA', 'phoneA'],
  },
  {
    name: 'a webhook of community A for community B',
    auth: (f) => bearer(f.subscriberA.token),
    method: 'post',
    path: () => '/v1/webhooks',
    body: { url: 'https://city-brain.example/hook', division: COMMUNITY_B },
    status: 403,
  },

  // Masks and fields.
  {
    name: 'a grid worker reads an ID number masked',
    auth: (f) => bearer(f.gridA),
    path: (f) => `/v1/persons/${f.personA}`,
    status: 200,
    audited: true,
    mayShow: ['phoneA'],
  },
  {
    name: 'a grid worker finds by ID number, masked',
    auth: (f) => bearer(f.gridA),
    path: () => `/v1/persons?idNumber=${withCheck(A.id17)}`,
    status: 200,
    audited: true,
    mayShow: ['phoneA'],
  },
  {
    name: 'a grid worker asks for full ID numbers (the parameter changes nothing)',
    auth: (f) => bearer(f.gridA),
    path: (f) => `/v1/persons/${f.personA}?full=true&unmasked=idNumber`,
    status: 200,
    audited: true,
    mayShow: ['phoneA'],
  },
  {
    name: 'a grid worker asks a search for unmasked fields',
    auth: (f) => bearer(f.gridA),
    path: () => `/v1/persons?idNumber=${withCheck(A.id17)}&unmasked=idNumber`,
    status: 400,
  },

  // Permissions the caller does not have.
  {
    name: 'an operator reads a person',
    auth: (f) => bearer(f.operator),
    path: (f) => `/v1/persons/${f.personA}`,
    status: 403,
  },
  {
    name: 'an operator reads a raw reject',
    auth: (f) => bearer(f.operator),
    path: () => '/v1/admin/rejects/1',
    status: 403,
  },
  {
    name: 'a department system reads a person',
    auth: (f) => bearer(f.population.token),
    path: (f) => `/v1/persons/${f.personA}`,
    status: 403,
  },
  {
    name: 'the police pushes grid records',
    auth: (f) => bearer(f.population.token),
    method: 'post',
    path: () => '/v1/feeds/grid/records',
    body: [],
    status: 403,
  },
  {
    name: 'the police pushes civil-affairs records',
    auth: (f) => bearer(f.population.token),
    method: 'post',
    path: () => '/v1/feeds/assistance/records',
    body: [],
    status: 403,
  },
  {
    name: 'the police pushes to a feed that does not exist',
    auth: (f) => bearer(f.population.token),
    method: 'post',
    path: () => '/v1/feeds/secret/records',
    body: [],
    status: 403,
  },
  {
    name: 'a subscriber pushes records',
    auth: (f) => bearer(f.subscriberA.token),
    method: 'post',
    path: () => '/v1/feeds/population/records',
    body: [],
    status: 403,
  },
  {
    name: 'a clerk pushes records',
    auth: clerkA,
    method: 'post',
    path: () => '/v1/feeds/population/records',
    body: [],
    status: 403,
  },
  {
    name: 'the admin pushes records',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    method: 'post',
    path: () => '/v1/feeds/population/records',
    body: [],
    status: 403,
  },
  { name: 'a clerk lists rejects', auth: clerkA, path: () => '/v1/admin/rejects', status: 403 },
  {
    name: 'a clerk replays rejects',
    auth: clerkA,
    method: 'post',
    path: () => '/v1/admin/rejects/replay',
    status: 403,
  },
  {
    name: 'a clerk decides a review task',
    auth: clerkA,
    method: 'post',
    path: () => `/v1/review-tasks/${ZERO_UUID}/decision`,
    body: { verdict: 'different' },
    status: 403,
  },
  {
    name: 'a grid worker splits a person',
    auth: (f) => bearer(f.gridA),
    method: 'post',
    path: (f) => `/v1/persons/${f.personA}/split`,
    body: { mentions: [{ feed: 'grid', sourceRecordId: 'x', pointer: '' }] },
    status: 403,
  },
  {
    name: 'a department system registers a webhook',
    auth: (f) => bearer(f.population.token),
    method: 'post',
    path: () => '/v1/webhooks',
    body: { url: 'https://example.org/hook' },
    status: 403,
  },
  {
    name: 'a clerk registers a webhook',
    auth: clerkA,
    method: 'post',
    path: () => '/v1/webhooks',
    body: { url: 'https://example.org/hook' },
    status: 403,
  },

  // Role escalation through the admin endpoints.
  {
    name: 'a clerk creates an admin',
    auth: clerkA,
    method: 'post',
    path: () => '/v1/admin/users',
    body: {
      username: 'evil-admin',
      password: 'evil-password-1',
      role: 'district-admin',
      divisionCode: '500116',
    },
    status: 403,
  },
  {
    name: 'a clerk creates a client',
    auth: clerkA,
    method: 'post',
    path: () => '/v1/admin/clients',
    body: { name: 'evil', feeds: ['population'] },
    status: 403,
  },
  { name: 'a clerk lists users', auth: clerkA, path: () => '/v1/admin/users', status: 403 },
  {
    name: 'a department system rotates its own key',
    auth: (f) => bearer(f.population.token),
    method: 'post',
    path: (f) => `/v1/admin/clients/${f.population.id}/rotate`,
    status: 403,
  },
  {
    name: 'a township admin creates a district user',
    auth: (f) => bearer(f.townshipAdmin),
    method: 'post',
    path: () => '/v1/admin/users',
    body: {
      username: 'evil-district',
      password: 'evil-password-1',
      role: 'district-admin',
      divisionCode: '500116',
    },
    status: 403,
  },
  {
    name: 'a township admin creates a user of another township',
    auth: (f) => bearer(f.townshipAdmin),
    method: 'post',
    path: () => '/v1/admin/users',
    body: {
      username: 'evil-other',
      password: 'evil-password-1',
      role: 'community-staff',
      divisionCode: '500116005001',
    },
    status: 403,
  },
  {
    name: 'a township admin creates a client for the district',
    auth: (f) => bearer(f.townshipAdmin),
    method: 'post',
    path: () => '/v1/admin/clients',
    body: { name: 'evil-wide', feeds: [], scopes: ['changes:read'], divisionCode: '500116' },
    status: 403,
  },
  {
    name: 'a role that does not exist',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    method: 'post',
    path: () => '/v1/admin/users',
    body: {
      username: 'evil-root',
      password: 'evil-password-1',
      role: 'root',
      divisionCode: '500116',
    },
    status: 400,
  },
  {
    name: 'a field the admin API does not take',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    method: 'post',
    path: () => '/v1/admin/users',
    body: {
      username: 'evil-flag',
      password: 'evil-password-1',
      role: 'grid-worker',
      divisionCode: COMMUNITY_A,
      isSuperuser: true,
    },
    status: 400,
  },
  {
    name: 'a scope that does not exist',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    method: 'post',
    path: () => '/v1/admin/clients',
    body: { name: 'evil-scope', feeds: [], scopes: ['persons:read'] },
    status: 400,
  },

  // Purposes.
  {
    name: 'no purpose',
    auth: clerkA,
    purpose: null,
    path: (f) => `/v1/persons/${f.personA}`,
    status: 400,
  },
  {
    name: 'a purpose not on the list',
    auth: clerkA,
    purpose: 'curiosity',
    path: (f) => `/v1/persons/${f.personA}`,
    status: 400,
  },
  {
    name: 'a purpose given in Chinese',
    auth: clerkA,
    purpose: '%E4%BD%8E%E4%BF%9D',
    path: (f) => `/v1/persons/${f.personA}`,
    status: 400,
  },
  {
    name: 'a search without a purpose',
    auth: clerkA,
    purpose: null,
    path: () => `/v1/persons?name=${encodeURIComponent(A.name)}`,
    status: 400,
  },

  // Bodies and parameters of the wrong shape or size.
  {
    name: 'login with wrong types',
    method: 'post',
    path: () => '/v1/auth/token',
    body: { username: 123, password: ['x'] },
    status: 400,
  },
  {
    name: 'login with a 60 kB username',
    method: 'post',
    path: () => '/v1/auth/token',
    body: { username: 'x'.repeat(60_000), password: 'x' },
    status: 400,
  },
  {
    name: 'a push over the size limit',
    auth: (f) => bearer(f.population.token),
    method: 'post',
    path: () => '/v1/feeds/population/records',
    body: [{ padding: 'x'.repeat(PUSH_LIMIT) }],
    status: 413,
  },
  {
    name: 'a push as text/plain',
    auth: (f) => bearer(f.population.token),
    method: 'post',
    path: () => '/v1/feeds/population/records',
    body: '{"RKBM":"1"}',
    contentType: 'text/plain',
    status: 415,
  },
  {
    name: 'a user created from a form',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    method: 'post',
    path: () => '/v1/admin/users',
    body: 'username=evil&password=evil-password-1',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
  },
  {
    name: 'a client whose feeds are not a list',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    method: 'post',
    path: () => '/v1/admin/clients',
    body: { name: 'evil-feeds', feeds: 'population' },
    status: 400,
  },
  {
    name: 'a client of a feed that does not exist',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    method: 'post',
    path: () => '/v1/admin/clients',
    body: { name: 'evil-nope', feeds: ['nope'] },
    status: 400,
  },
  {
    name: 'a search by a blank ID number',
    auth: clerkA,
    path: () => '/v1/persons?idNumber=%20',
    status: 400,
  },
  {
    name: 'a search by a blank name',
    auth: clerkA,
    path: () => '/v1/persons?name=%20',
    status: 400,
  },
  {
    name: 'a search by birth date alone',
    auth: clerkA,
    path: () => '/v1/persons?birthDate=1942-01-01',
    status: 400,
  },
  {
    name: 'a search by something that is not a phone',
    auth: clerkA,
    path: () => '/v1/persons?phone=abc',
    status: 400,
  },
  {
    name: 'a person id that is not a uuid',
    auth: clerkA,
    path: () => '/v1/persons/1%20OR%201=1',
    status: 400,
  },
  {
    name: 'a split with mentions of the wrong type',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    method: 'post',
    path: (f) => `/v1/persons/${f.personA}/split`,
    body: { mentions: 'all' },
    status: 400,
  },

  // U+0000, which PostgreSQL text cannot hold: each of these answered 500 (issue 38).
  {
    name: 'a search by a name with U+0000',
    auth: clerkA,
    path: () => `/v1/persons?name=${encodeURIComponent(A.name)}%00`,
    status: 400,
  },
  {
    name: 'a search by an ID number with U+0000',
    auth: clerkA,
    path: () => `/v1/persons?idNumber=${withCheck(A.id17)}%00`,
    status: 400,
  },
  {
    name: 'a division code with U+0000',
    auth: clerkA,
    path: () => `/v1/divisions/${COMMUNITY_A}%00`,
    status: 400,
  },
  {
    name: 'an address with U+0000',
    auth: clerkA,
    path: () => `/v1/places?address=${encodeURIComponent('琅山社区')}%00&division=500116005`,
    status: 400,
  },
  {
    name: 'rejects of a feed with U+0000',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    path: () => '/v1/admin/rejects?feed=population%00',
    status: 400,
  },
  {
    name: 'a replay of a feed with U+0000',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    method: 'post',
    path: () => '/v1/admin/rejects/replay?feed=%00',
    status: 400,
  },
  {
    name: 'a user whose display name has U+0000',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    method: 'post',
    path: () => '/v1/admin/users',
    body: {
      username: 'evil-nul',
      password: 'evil-password-1',
      role: 'grid-worker',
      divisionCode: COMMUNITY_A,
      displayName: `${A.name}\u0000`,
    },
    status: 400,
  },
  {
    name: 'a prefill by an ID number with U+0000',
    auth: clerkA,
    method: 'post',
    purpose: 'elderly-allowance-review',
    path: () => '/v1/forms/elderly-allowance/prefill',
    body: { idNumber: `${withCheck(A.id17)}\u0000` },
    status: 400,
  },
  {
    name: 'a client named with U+0000',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    method: 'post',
    path: () => '/v1/admin/clients',
    body: { name: 'evil\u0000', feeds: [] },
    status: 400,
  },

  // Cursors and ids beyond PostgreSQL's bigint (the first three answered 500).
  {
    name: 'a change-feed cursor one past the largest bigint',
    auth: (f) => bearer(f.subscriberA.token),
    path: () => '/v1/changes?after=9223372036854775808',
    status: 400,
  },
  {
    name: 'a change-feed cursor of nineteen nines',
    auth: (f) => bearer(f.subscriberA.token),
    path: () => '/v1/changes?after=9999999999999999999',
    status: 400,
  },
  {
    name: 'a webhook from a cursor beyond the largest bigint',
    auth: (f) => bearer(f.subscriberA.token),
    method: 'post',
    path: () => '/v1/webhooks',
    body: { url: 'https://city-brain.example/hook', after: '9999999999999999999' },
    status: 400,
  },
  {
    name: 'a change-feed cursor of twenty nines',
    auth: (f) => bearer(f.subscriberA.token),
    path: () => '/v1/changes?after=99999999999999999999',
    status: 400,
  },
  {
    name: 'a reject page after an id beyond the largest bigint',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    path: () => '/v1/admin/rejects?after=9999999999999999999',
    status: 400,
  },
  {
    name: 'an access log before an id beyond the largest bigint',
    auth: () => bearer(BOOTSTRAP_TOKEN),
    purpose: 'resident-request',
    path: (f) => `/v1/persons/${f.personA}/access-log?before=9999999999999999999`,
    status: 400,
  },

  // Change types nobody emits: they matched nothing, and the cursor skipped the whole log.
  {
    name: 'a change type without its prefix',
    auth: (f) => bearer(f.subscriberA.token),
    path: () => '/v1/changes?after=0&types=person.created',
    status: 400,
  },
  {
    name: 'a webhook for a change type without its prefix',
    auth: (f) => bearer(f.subscriberA.token),
    method: 'post',
    path: () => '/v1/webhooks',
    body: { url: 'https://city-brain.example/hook', types: ['person.created'] },
    status: 400,
  },
];

describe('hostile requests', () => {
  const suite = apiOnScenarioDatabase({ HUB_PUSH_MAX_BYTES: String(PUSH_LIMIT) });
  const fixtures = {} as Fixtures;

  beforeAll(async () => {
    const api = suite.api;
    await hubHttp(api)
      .post('/v1/feeds/grid/records')
      .send([
        gridResident({
          n: 1,
          community: COMMUNITY_A,
          communityName: '琅山社区',
          name: A.name,
          idFirst17: A.id17,
          phone: A.phone,
        }),
        gridResident({
          n: 2,
          community: COMMUNITY_B,
          communityName: '东门社区',
          name: B.name,
          idFirst17: B.id17,
          phone: B.phone,
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
    fixtures.personA = await idOf(A.id17);
    fixtures.personB = await idOf(B.id17);
    const personB = await hubHttp(api).get(`/v1/persons/${fixtures.personB}`).expect(200);
    fixtures.placeB = (personB.body.relations as { type: string; otherId: string }[]).find(
      (r) => r.type === 'lives_at',
    )!.otherId;

    const user = (username: string, role: string, divisionCode: string) =>
      staffToken(api, { username, role, divisionCode });
    fixtures.clerkA = await user('hostile-clerk-a', 'community-staff', COMMUNITY_A);
    fixtures.gridA = await user('hostile-grid-a', 'grid-worker', COMMUNITY_A);
    fixtures.otherTownship = await user('hostile-township-6', 'township-staff', '500116006');
    fixtures.operator = await user('hostile-operator', 'operator', '500116');
    fixtures.townshipAdmin = await user('hostile-admin-6', 'district-admin', '500116006');
    fixtures.deactivated = await user('hostile-gone', 'community-staff', COMMUNITY_A);
    const users = await asAdmin(api, null).get('/v1/admin/users').expect(200);
    const gone = (users.body as { id: string; username: string }[]).find(
      (u) => u.username === 'hostile-gone',
    )!;
    await asAdmin(api, null).post(`/v1/admin/users/${gone.id}/deactivate`).expect(200);

    fixtures.population = await createClient(api, {
      name: 'hostile-police',
      feeds: ['population'],
    });
    fixtures.subscriberA = await createClient(api, {
      name: 'hostile-city-brain-a',
      scopes: ['changes:read'],
      divisionCode: COMMUNITY_A,
    });
    fixtures.revoked = (
      await createClient(api, { name: 'hostile-revoked', feeds: ['population'] })
    ).token;
    const revokedId = (await asAdmin(api, null).get('/v1/admin/clients').expect(200)).body.find(
      (c: { name: string }) => c.name === 'hostile-revoked',
    ).id as string;
    await asAdmin(api, null).delete(`/v1/admin/clients/${revokedId}`).expect(200);
    const rotated = await createClient(api, { name: 'hostile-rotated', feeds: ['population'] });
    fixtures.rotatedAway = rotated.token;
    await asAdmin(api, null).post(`/v1/admin/clients/${rotated.id}/rotate`).expect(200);

    const key = new HubSecrets(Buffer.from(TEST_SECRETS_KEY, 'hex')).tokenSigningKey;
    const otherKey = new HubSecrets(Buffer.alloc(32, 1)).tokenSigningKey;
    const clerkId = JSON.parse(Buffer.from(fixtures.clerkA.split('.')[1], 'base64url').toString())
      .sub as string;
    const token = (
      claims: { iss?: string; aud?: string; sub?: string; exp?: number },
      signWith = key,
    ) =>
      new SignJWT({ role: 'district-admin', division: '500116' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(claims.iss ?? 'grassroots-hub')
        .setAudience(claims.aud ?? 'grassroots-hub')
        .setSubject(claims.sub ?? clerkId)
        .setIssuedAt()
        .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600)
        .sign(signWith);
    fixtures.expired = await token({ exp: Math.floor(Date.now() / 1000) - 60 });
    fixtures.otherKey = await token({}, otherKey);
    fixtures.wrongIssuer = await token({ iss: 'someone-else' });
    fixtures.wrongAudience = await token({ aud: 'another-service' });
    fixtures.unknownUser = await token({ sub: ZERO_UUID });
    fixtures.algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({
      iss: 'grassroots-hub',
      aud: 'grassroots-hub',
      sub: clerkId,
      exp: Math.floor(Date.now() / 1000) + 600,
    })}.`;
  });

  /** Row counts and positions of everything a request could change. */
  const snapshot = async () =>
    (
      await suite.scenario.db.query<Record<string, string>[]>(
        `SELECT (SELECT count(*) FROM source_record) AS source_records,
                (SELECT count(*) FROM person) AS persons,
                (SELECT count(*) FROM mention) AS mentions,
                (SELECT count(*) FROM reject) AS rejects,
                (SELECT count(*) FROM feed_record_head) AS heads,
                (SELECT count(*) FROM resolution_decision) AS decisions,
                (SELECT string_agg(status, ',' ORDER BY id) FROM review_task) AS review_tasks,
                (SELECT string_agg(username || active::text, ',' ORDER BY username) FROM staff_user) AS users,
                (SELECT string_agg(name || key_hash || coalesce(revoked_at::text, ''), ',' ORDER BY name) FROM api_client) AS clients,
                (SELECT count(*) FROM webhook_subscription) AS webhooks,
                (SELECT coalesce(max(position), 0) FROM change_event) AS changes,
                (SELECT count(*) FROM audit_log) AS audit_rows`,
      )
    )[0];

  it('has at least 60 of them', () => expect(CASES.length).toBeGreaterThanOrEqual(60));

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const before = await snapshot();
    let req = request(suite.api.getHttpServer())[c.method ?? 'get'](c.path(fixtures));
    const auth = c.auth?.(fixtures);
    if (auth !== undefined) req = req.set('Authorization', auth);
    const purpose = c.purpose === undefined ? 'data-verification' : c.purpose;
    if (purpose !== null) req = req.set('X-Purpose', purpose);
    if (c.contentType) req = req.set('Content-Type', c.contentType);
    const res = c.body === undefined ? await req : await req.send(c.body as object);

    expect(res.status).toBe(c.status);
    const text = res.text ?? '';
    for (const [name, secret] of Object.entries(SECRETS))
      if (!c.mayShow?.includes(name as keyof typeof SECRETS))
        expect(`${name}: ${text.includes(secret)}`).toBe(`${name}: false`);
    const after = await snapshot();
    const auditRows = Number(after.audit_rows) - Number(before.audit_rows);
    expect({ ...after, audit_rows: before.audit_rows }).toEqual(before);
    expect(auditRows).toBe(c.audited ? 1 : 0);
  });
});
