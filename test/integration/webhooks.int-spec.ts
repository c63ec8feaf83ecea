import { INestApplication } from '@nestjs/common';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import { cloudEventJson, type ChangeCloudEvent, type ChangeEventRow } from '@hub/changes';
import { createApiApp } from '../../apps/api/src/api-app';
import { generateMixedStream } from '../generators/mixed-stream';
import { citizenId } from '../generators/identifiers';
import { as, asAdmin, createClient, staffToken, type TestClient } from '../support/access';
import { scenarioDatabase } from '../support/scenario-database';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

type Scenario = Awaited<ReturnType<typeof scenarioDatabase>>;

/** The HTTP push feed of each department topic. */
const FEED_OF_TOPIC = {
  'ps.population.v1': 'population',
  'ca.assistance.v1': 'assistance',
  'grid.records.v1': 'grid',
};

interface Delivery {
  path: string;
  body: string;
  /** webhook-id, webhook-timestamp, webhook-signature and content-type. */
  headers: Record<string, string>;
  answered: number;
}

/** A subscriber's endpoint: records every POST and answers with the status `answer` gives. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  private server!: Server;
  private readonly inFlight = new Map<string, number>();
  /** Most deliveries in flight at once, by path (one subscription each). */
  readonly maxInFlight = new Map<string, number>();
  base = '';

  constructor(private readonly answer: (path: string, n: number) => number) {}

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res) => {
      const path = req.url ?? '/';
      const now = (this.inFlight.get(path) ?? 0) + 1;
      this.inFlight.set(path, now);
      this.maxInFlight.set(path, Math.max(this.maxInFlight.get(path) ?? 0, now));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = this.answer(path, this.at(path).length);
        const headers: Record<string, string> = {};
        for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type'])
          if (typeof req.headers[name] === 'string') headers[name] = req.headers[name];
        this.deliveries.push({
          path,
          body: Buffer.concat(chunks).toString('utf8'),
          headers,
          answered: status,
        });
        // A little time in flight, so overlapping deliveries would show.
        setTimeout(() => {
          this.inFlight.set(path, this.inFlight.get(path)! - 1);
          res.writeHead(status, status === 302 ? { location: `${this.base}/landing` } : {}).end();
        }, 20);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  at(path: string): Delivery[] {
    return this.deliveries.filter((d) => d.path === path);
  }

  eventsAt(path: string, answered = 200): ChangeCloudEvent[] {
    return this.at(path)
      .filter((d) => d.answered === answered)
      .flatMap((d) => JSON.parse(d.body) as ChangeCloudEvent[]);
  }
}

interface Created {
  id: string;
  secret: string;
  url: string;
  division: string | null;
  position: string;
  status: string;
}

interface View {
  id: string;
  position: string;
  status: string;
  failures: number;
  lastError: string | null;
  secret?: string;
}

/**
 * Webhook subscriptions: registered by subscriber clients only, to https URLs of public
 * addresses (127.0.0.1 is allowlisted here for the local receiver), change events of the
 * client's jurisdiction POSTed as CloudEvents batches signed by Standard Webhooks, retried with
 * back-off, dead after repeated failures, never redirected; each subscription seen only by its
 * owner; two API replicas never deliver one subscription at once.
 */
describe('webhook subscriptions to change events', () => {
  const config = testConfig({
    HUB_WEBHOOKS: 'true',
    HUB_WEBHOOK_BACKOFF_MS: '100',
    HUB_WEBHOOK_MAX_FAILURES: '3',
    HUB_WEBHOOK_ALLOWLIST: '127.0.0.1',
    HUB_WEBHOOKS_PER_CLIENT: '6',
  });
  let scenario: Scenario;
  let replicas: INestApplication[];
  let receiver: Receiver;
  let base: string;
  /** Subscriber clients: everywhere, another one, and one of 鼎山街道 (500116005). */
  let subscriber: TestClient;
  let other: TestClient;
  let township: TestClient;
  let departments: TestClient;
  const api = () => replicas[0];
  const asClient = (client: TestClient) => as(api(), client.token, null);

  /** Pushes NDJSON records of a department feed as the departments' client: how many were accepted. */
  const push = async (feed: string, lines: string[]) => {
    let accepted = 0;
    for (let i = 0; i < lines.length; i += 1000) {
      const res = await as(api(), departments.token, null)
        .post(`/v1/feeds/${feed}/records`)
        .set('content-type', 'application/x-ndjson')
        .send(lines.slice(i, i + 1000).join('\n'))
        .expect(200);
      accepted += (res.body as { accepted: number }).accepted;
    }
    return accepted;
  };
  const pushStream = async (messages: { topic: string; value: string }[]) => {
    for (const [topic, feed] of Object.entries(FEED_OF_TOPIC))
      await push(
        feed,
        messages.filter((m) => m.topic === topic).map((m) => m.value),
      );
  };
  const maxPosition = async () => {
    const [row] = await scenario.db.query<{ position: string }[]>(
      `SELECT coalesce(max(position), 0)::text AS position FROM change_event`,
    );
    return row.position;
  };
  /** The change events after `after` (optionally in a division) as the feed and webhooks send them. */
  const eventsAfter = async (after: string, division?: string) => {
    const rows = await scenario.db.query<ChangeEventRow[]>(
      `SELECT position, event_id, type, entity_type, entity_id, entity_seq, division_code,
              previous_division_code, time, data::text AS data
         FROM change_event
        WHERE position > $1
          AND ($2::text IS NULL OR division_code LIKE $2 || '%' OR previous_division_code LIKE $2 || '%')
        ORDER BY position`,
      [after, division ?? null],
    );
    return rows.map((row) => JSON.parse(cloudEventJson(row)) as ChangeCloudEvent);
  };
  const register = async (client: TestClient, body: Record<string, unknown>) =>
    (await asClient(client).post('/v1/webhooks').send(body).expect(201)).body as Created;
  const stateOf = async (client: TestClient, id: string) =>
    (await asClient(client).get(`/v1/webhooks/${id}`).expect(200)).body as View;
  const caughtUp = (client: TestClient, id: string, what: string) =>
    waitFor(
      async () => {
        const [state, max] = await Promise.all([stateOf(client, id), maxPosition()]);
        return state.position === max ? state : undefined;
      },
      { what, timeoutMs: 60_000 },
    );
  /** Every delivery at `path` verifies under `secret` with the standardwebhooks package. */
  const expectSigned = (path: string, secret: string) => {
    const deliveries = receiver.at(path);
    expect(deliveries.length).toBeGreaterThan(0);
    for (const d of deliveries) {
      expect(d.headers['webhook-id']).toMatch(/^[0-9a-f-]{36}:\d+-\d+$/);
      expect(new Webhook(secret).verify(d.body, d.headers)).toEqual(JSON.parse(d.body));
      expect(() => new Webhook(secret).verify(`${d.body} `, d.headers)).toThrow();
      expect(d.headers['content-type']).toMatch(/^application\/cloudevents-batch\+json/);
    }
  };

  beforeAll(async () => {
    scenario = await scenarioDatabase();
    replicas = [];
    for (let i = 0; i < 2; i++) {
      const app = await createApiApp(config, scenario.url);
      await app.init();
      replicas.push(app);
    }
    // /flaky fails its first two deliveries; /down always fails; /redirect answers 302; the rest succeed.
    receiver = new Receiver((path, n) =>
      path === '/down' ? 503 : path === '/redirect' ? 302 : path === '/flaky' && n < 2 ? 500 : 200,
    );
    base = await receiver.start();
    const client = (name: string, extra: { divisionCode?: string } = {}) =>
      createClient(api(), { name, scopes: ['changes:read'], ...extra });
    subscriber = await client('city-brain');
    other = await client('another-subscriber');
    township = await client('dingshan-subscriber', { divisionCode: '500116005' });
    departments = await createClient(api(), {
      name: 'departments',
      feeds: ['population', 'assistance', 'grid'],
    });
  });

  afterAll(async () => {
    for (const app of replicas ?? []) await app.close();
    await receiver?.stop();
    await scenario?.drop();
  });

  it('delivers every later event once, signed and in order, through failures and two replicas', async () => {
    const before = await maxPosition();
    const flaky = await register(subscriber, { url: `${base}/flaky` });
    expect(flaky).toMatchObject({ position: before, status: 'active', division: null });
    expect(flaky.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const persons = await register(subscriber, {
      url: `${base}/persons`,
      types: ['cn.gov.hub.person.created'],
      after: '0',
    });
    expect(persons.secret).not.toBe(flaky.secret);

    // The secret is sealed at rest: neither it nor its key is in the table.
    const stored = await scenario.db.query<{ secret: string }[]>(
      `SELECT secret FROM webhook_subscription WHERE id = ANY($1)`,
      [[flaky.id, persons.id]],
    );
    expect(stored).toHaveLength(2);
    for (const { secret } of stored) {
      expect(secret).toMatch(/^v1\./);
      for (const shown of [flaky.secret, persons.secret]) {
        expect(secret).not.toContain(shown);
        expect(secret).not.toContain(shown.slice('whsec_'.length));
      }
    }

    await pushStream(generateMixedStream({ records: 300, seed: 99 }).messages);
    const feed = await eventsAfter(before);
    expect(feed.length).toBeGreaterThan(300);
    expect(
      await caughtUp(subscriber, flaky.id, 'the flaky subscription to catch up'),
    ).toMatchObject({
      failures: 0,
      status: 'active',
      lastError: null,
    });

    // Every event once, in the feed's order; the failed deliveries carried the same events again.
    const delivered = receiver.eventsAt('/flaky');
    expect(delivered.map((e) => e.id)).toEqual(feed.map((e) => e.id));
    expect(delivered).toEqual(feed);
    const failed = receiver.eventsAt('/flaky', 500);
    expect(failed.length).toBeGreaterThan(0);
    const seen = new Set(delivered.map((e) => e.id));
    expect(failed.every((e) => seen.has(e.id))).toBe(true);
    expectSigned('/flaky', flaky.secret);
    // One webhook-id, one message: a retry of the same events has the same id.
    const bodyOfId = new Map<string, string>();
    for (const d of receiver.at('/flaky')) {
      const id = d.headers['webhook-id'];
      expect(bodyOfId.get(id) ?? d.body).toBe(d.body);
      bodyOfId.set(id, d.body);
    }
    // Two replicas ran dispatchers; a subscription is never delivered twice at once.
    expect(receiver.maxInFlight.get('/flaky')).toBe(1);
    // Each delivery is a bulk read of the owner's, audited before it leaves: one row per attempt.
    const audited = await scenario.db.query<
      { actor: string; purpose: string; request_id: string }[]
    >(`SELECT actor, purpose, request_id FROM audit_log WHERE endpoint = $1`, [
      `WEBHOOK ${flaky.id}`,
    ]);
    expect(audited.length).toBe(receiver.at('/flaky').length);
    expect(new Set(audited.map((a) => a.request_id))).toEqual(new Set(bodyOfId.keys()));
    expect(audited.every((a) => a.purpose === 'change-subscription')).toBe(true);

    // Filters: only person creations, from the beginning of the log.
    const allPersonsCreated = (await eventsAfter('0')).filter(
      (e) => e.type === 'cn.gov.hub.person.created',
    );
    await waitFor(
      async () =>
        receiver.eventsAt('/persons').length === allPersonsCreated.length ? true : undefined,
      { what: 'the person subscription', timeoutMs: 60_000 },
    );
    expect(receiver.eventsAt('/persons').map((e) => e.id)).toEqual(
      allPersonsCreated.map((e) => e.id),
    );
    expectSigned('/persons', persons.secret);
    expect(receiver.maxInFlight.get('/persons')).toBe(1);
  });

  it("delivers a township client's subscription only the events of its township, even replaying from 0", async () => {
    // A division outside the client's jurisdiction is refused; a wider one is narrowed.
    await asClient(township)
      .post('/v1/webhooks')
      .send({ url: `${base}/elsewhere`, division: '500116006' })
      .expect(403);
    const scoped = await register(township, {
      url: `${base}/township`,
      division: '5001',
      after: '0',
    });
    expect(scoped.division).toBe('500116005');
    const everything = await register(subscriber, { url: `${base}/everything` });

    const resident = (rkbm: string, division: string, sequence: number, name: string) =>
      JSON.stringify({
        RKBM: rkbm,
        SJBBH: '1',
        SJLX: 'HJRK',
        BDLX: 'XZ',
        BDSJ: '2023-08-24 09:30:00',
        GMSFHM: citizenId('500381', '1971-04-12', sequence, '1'),
        XM: name,
        XBDM: '1',
        MZDM: '01',
        CSRQ: '19710412',
        HJDZ_XZQHDM: division,
        HJDZ_QHNXXDZ: `${name}家`,
        HH: `${division}000${sequence}`,
        YHZGXDM: '02',
        RYZTDM: '0',
      });
    const answer = await as(api(), departments.token, null)
      .post('/v1/feeds/population/records')
      .set('content-type', 'application/x-ndjson')
      .send(
        [
          resident('WH000000000000000001', '500116005', 611, '鼎山居民'),
          resident('WH000000000000000002', '500116006', 733, '圣泉居民'),
        ].join('\n'),
      )
      .expect(200);
    expect(answer.body).toMatchObject({ accepted: 2 });

    await caughtUp(township, scoped.id, 'the township subscription to catch up');
    await caughtUp(subscriber, everything.id, 'the unscoped subscription to catch up');
    const inTownship = (e: ChangeCloudEvent) =>
      [e.divisioncode, e.previousdivisioncode].some((d) => d?.startsWith('500116005'));
    const delivered = receiver.eventsAt('/township');
    expect(delivered.map((e) => e.id)).toEqual(
      (await eventsAfter('0', '500116005')).map((e) => e.id),
    );
    expect(delivered.every(inTownship)).toBe(true);
    expect(delivered.some((e) => JSON.stringify(e.data).includes('鼎山居民'))).toBe(true);
    expect(delivered.some((e) => JSON.stringify(e.data).includes('圣泉居民'))).toBe(false);
    // The other resident's events exist, and went to the unscoped subscription.
    const unscoped = receiver.eventsAt('/everything');
    expect(unscoped.some((e) => e.divisioncode?.startsWith('500116006'))).toBe(true);
    expect(unscoped.some((e) => JSON.stringify(e.data).includes('圣泉居民'))).toBe(true);
    expect((await eventsAfter('0')).filter((e) => !inTownship(e)).length).toBeGreaterThan(0);
    expectSigned('/township', scoped.secret);
  });

  it('makes a subscription that keeps failing dead, shows it to its owner only, and revives it on request', async () => {
    const down = await register(subscriber, { url: `${base}/down`, after: '0' });
    const dead = await waitFor(
      async () => {
        const state = await stateOf(subscriber, down.id);
        return state.status === 'dead' ? state : undefined;
      },
      { what: 'the subscription to die', timeoutMs: 30_000 },
    );
    expect(dead).toMatchObject({ failures: 3, lastError: 'HTTP 503', position: '0' });
    const attempts = receiver.at('/down').length;
    expect(attempts).toBe(3);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.at('/down').length).toBe(attempts);

    // Another client: as if it did not exist.
    await asClient(other).get(`/v1/webhooks/${down.id}`).expect(404);
    await asClient(other).post(`/v1/webhooks/${down.id}/revive`).expect(404);
    await asClient(other).delete(`/v1/webhooks/${down.id}`).expect(404);
    const othersList = (await asClient(other).get('/v1/webhooks').expect(200)).body as View[];
    expect(othersList).toEqual([]);

    // Operators and district admins: delivery state, no URL, no error text.
    const operator = await staffToken(api(), {
      username: 'webhook-operator',
      role: 'operator',
      divisionCode: '500116',
    });
    for (const agent of [as(api(), operator, null), asAdmin(api(), null)]) {
      const health = (await agent.get('/v1/webhooks/health').expect(200)).body as Record<
        string,
        unknown
      >[];
      const row = health.find((h) => h.id === down.id);
      expect(row).toEqual({
        id: down.id,
        client: 'city-brain',
        status: 'dead',
        failures: 3,
        position: '0',
        nextAttemptAt: expect.any(String),
      });
      expect(JSON.stringify(health)).not.toContain(base);
      expect(JSON.stringify(health)).not.toContain('HTTP 503');
    }
    // Subscriber clients have no health view; staff have no webhooks of their own.
    await asClient(subscriber).get('/v1/webhooks/health').expect(403);
    await as(api(), operator, null).get(`/v1/webhooks/${down.id}`).expect(403);

    const revived = (await asClient(subscriber).post(`/v1/webhooks/${down.id}/revive`).expect(200))
      .body as View;
    expect(revived).toMatchObject({ status: 'active', failures: 0 });
    await waitFor(async () => (receiver.at('/down').length > attempts ? true : undefined), {
      what: 'a delivery after revival',
    });

    await asClient(subscriber).delete(`/v1/webhooks/${down.id}`).expect(204);
    await asClient(subscriber).get(`/v1/webhooks/${down.id}`).expect(404);
    const list = (await asClient(subscriber).get('/v1/webhooks').expect(200)).body as View[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.map((w) => w.id)).not.toContain(down.id);
    expect(list.every((w) => w.secret === undefined)).toBe(true);
  });

  it('does not follow a redirect: a 3xx answer is a failed delivery', async () => {
    const before = await maxPosition();
    const redirected = await register(subscriber, {
      url: `${base}/redirect`,
      after: String(BigInt(before) - 1n),
    });
    const failing = await waitFor(
      async () => {
        const state = await stateOf(subscriber, redirected.id);
        return state.failures >= 1 ? state : undefined;
      },
      { what: 'a failed delivery to the redirecting receiver' },
    );
    expect(failing.lastError).toBe('HTTP 302: redirect not followed');
    expect(failing.position).toBe(String(BigInt(before) - 1n));
    expect(receiver.at('/redirect').length).toBeGreaterThan(0);
    expect(receiver.at('/landing')).toEqual([]);
    await asClient(subscriber).delete(`/v1/webhooks/${redirected.id}`).expect(204);
  });

  it('lets only subscriber clients register, to https URLs of public addresses', async () => {
    const url = `${base}/refused`;
    await request(api().getHttpServer()).post('/v1/webhooks').send({ url }).expect(401);
    await asAdmin(api(), null).post('/v1/webhooks').send({ url }).expect(403);
    await as(api(), departments.token, null).post('/v1/webhooks').send({ url }).expect(403);
    const refusal = async (body: Record<string, unknown>) => {
      const { message } = (await asClient(other).post('/v1/webhooks').send(body).expect(400))
        .body as { message: string | string[] };
      return Array.isArray(message) ? message.join('; ') : message;
    };
    expect(await refusal({ url: 'http://hooks.example.com/x' })).toMatch(
      /must use https: plain http only to hosts in HUB_WEBHOOK_ALLOWLIST/,
    );
    expect(await refusal({ url: 'https://10.0.0.1/x' })).toMatch(
      /10\.0\.0\.1 is a private address/,
    );
    expect(await refusal({ url: 'https://169.254.169.254/' })).toMatch(/cloud metadata address/);
    expect(await refusal({ url: 'https://[::1]/' })).toMatch(/::1 is a loopback address/);
    expect(await refusal({ url: 'https://localhost/' })).toMatch(/loopback name/);
    expect(await refusal({ url: 'https://metadata.google.internal/' })).toMatch(/metadata/);
    expect(await refusal({ url: 'ftp://x.example/' })).toMatch(/must use https, not ftp/);
    // The hub makes the secret; malformed filters.
    expect(await refusal({ url, secret: 'a-secret-of-the-subscriber-1234' })).toMatch(
      /secret should not exist/,
    );
    await asClient(other).post('/v1/webhooks').send({ url, division: 'Jiangjin' }).expect(400);
    const owned = (await asClient(other).get('/v1/webhooks').expect(200)).body as View[];
    expect(owned).toEqual([]);

    // Without the allowlist, the local receiver itself is refused.
    const strict = await createApiApp(
      testConfig({ HUB_WEBHOOKS: 'false', HUB_WEBHOOK_ALLOWLIST: '' }),
      scenario.url,
    );
    await strict.init();
    try {
      const answer = await as(strict, other.token, null)
        .post('/v1/webhooks')
        .send({ url: `${base}/x` })
        .expect(400);
      expect(answer.body.message).toMatch(/must use https/);
      const https = await as(strict, other.token, null)
        .post('/v1/webhooks')
        .send({ url: base.replace('http:', 'https:') })
        .expect(400);
      expect(https.body.message).toMatch(/127\.0\.0\.1 is a loopback address/);
    } finally {
      await strict.close();
    }
  });

  it('caps the subscriptions of a client', async () => {
    const capped = await createClient(api(), { name: 'capped', scopes: ['changes:read'] });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await register(capped, { url: `${base}/cap-${i}` })).id);
    const refused = await asClient(capped)
      .post('/v1/webhooks')
      .send({ url: `${base}/cap-6` })
      .expect(409);
    expect(refused.body.message).toMatch(
      /at most 6 webhook subscriptions \(HUB_WEBHOOKS_PER_CLIENT\)/,
    );
    // Another client's count is its own.
    await asClient(other)
      .post('/v1/webhooks')
      .send({ url: `${base}/other` })
      .expect(201);
    await asClient(capped).delete(`/v1/webhooks/${ids[0]}`).expect(204);
    await asClient(capped)
      .post('/v1/webhooks')
      .send({ url: `${base}/cap-6` })
      .expect(201);
  });
});
