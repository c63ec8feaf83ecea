import { INestApplication } from '@nestjs/common';
import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { webhookSignature, type ChangeCloudEvent } from '@hub/changes';
import { createApiApp } from '../../apps/api/src/api-app';
import { generateMixedStream } from '../generators/mixed-stream';
import { pushOverHttp, readChangeFeed } from '../support/http-client';
import { scenarioDatabase } from '../support/scenario-database';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

type Scenario = Awaited<ReturnType<typeof scenarioDatabase>>;

interface Delivery {
  path: string;
  body: string;
  signature: string | undefined;
  contentType: string | undefined;
  answered: number;
}

/** A subscriber's endpoint: records every POST and answers with the status `answer` gives. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  private server!: Server;
  private readonly inFlight = new Map<string, number>();
  /** Most deliveries in flight at once, by path (one subscription each). */
  readonly maxInFlight = new Map<string, number>();

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
        const status = this.answer(path, this.deliveries.filter((d) => d.path === path).length);
        this.deliveries.push({
          path,
          body: Buffer.concat(chunks).toString('utf8'),
          signature: req.headers['x-hub-signature-256'] as string | undefined,
          contentType: req.headers['content-type'],
          answered: status,
        });
        // A little time in flight, so overlapping deliveries would show.
        setTimeout(() => {
          this.inFlight.set(path, this.inFlight.get(path)! - 1);
          res.writeHead(status).end();
        }, 20);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  eventsAt(path: string, answered = 200): ChangeCloudEvent[] {
    return this.deliveries
      .filter((d) => d.path === path && d.answered === answered)
      .flatMap((d) => JSON.parse(d.body) as ChangeCloudEvent[]);
  }
}

/**
 * Webhook subscriptions: change events POSTed as signed CloudEvents batches, retried with
 * back-off, dead after repeated failures; two API replicas never deliver one subscription at
 * once.
 */
describe('webhook subscriptions to change events', () => {
  const config = testConfig({
    HUB_WEBHOOKS: 'true',
    HUB_WEBHOOK_BACKOFF_MS: '100',
    HUB_WEBHOOK_MAX_FAILURES: '3',
  });
  let scenario: Scenario;
  let replicas: INestApplication[];
  let receiver: Receiver;
  let base: string;
  const api = () => replicas[0].getHttpServer();

  beforeAll(async () => {
    scenario = await scenarioDatabase();
    replicas = [];
    for (let i = 0; i < 2; i++) {
      const app = await createApiApp(config, scenario.url);
      await app.init();
      replicas.push(app);
    }
    // /flaky fails its first two deliveries; /down always fails; the rest succeed.
    receiver = new Receiver((path, n) =>
      path === '/down' ? 503 : path === '/flaky' && n < 2 ? 500 : 200,
    );
    base = await receiver.start();
  });

  afterAll(async () => {
    for (const app of replicas ?? []) await app.close();
    await receiver?.stop();
    await scenario?.drop();
  });

  it('delivers every later event once, signed and in order, through failures and two replicas', async () => {
    const [before] = await scenario.db.query<{ position: string }[]>(
      `SELECT coalesce(max(position), 0)::text AS position FROM change_event`,
    );
    const created = (
      await request(api())
        .post('/v1/webhooks')
        .send({ url: `${base}/flaky` })
        .expect(201)
    ).body as { id: string; secret: string; position: string; status: string };
    expect(created).toMatchObject({ position: before.position, status: 'active' });
    expect(created.secret).toMatch(/^[0-9a-f]{48}$/);
    const persons = (
      await request(api())
        .post('/v1/webhooks')
        .send({
          url: `${base}/persons`,
          types: ['cn.gov.hub.person.created'],
          secret: 'a-secret-of-the-subscriber',
          after: '0',
        })
        .expect(201)
    ).body as { id: string; secret: string };
    expect(persons.secret).toBe('a-secret-of-the-subscriber');

    await pushOverHttp(replicas[0], generateMixedStream({ records: 300, seed: 99 }).messages);
    const { events: feed, next } = await readChangeFeed(replicas[0], before.position);
    expect(feed.length).toBeGreaterThan(300);

    const state = await waitFor(
      async () => {
        const body = (await request(api()).get(`/v1/webhooks/${created.id}`).expect(200)).body as {
          position: string;
          failures: number;
          status: string;
        };
        return body.position === next ? body : undefined;
      },
      { what: 'the flaky subscription to catch up', timeoutMs: 60_000 },
    );
    expect(state).toMatchObject({ failures: 0, status: 'active' });

    // Every event once, in the feed's order; the two failed deliveries carried the same ids again.
    const delivered = receiver.eventsAt('/flaky');
    expect(delivered.map((e) => e.id)).toEqual(feed.map((e) => e.id));
    expect(delivered).toEqual(feed);
    const failed = receiver.eventsAt('/flaky', 500);
    expect(failed.length).toBeGreaterThan(0);
    const seen = new Set(delivered.map((e) => e.id));
    expect(failed.every((e) => seen.has(e.id))).toBe(true);
    for (const d of receiver.deliveries.filter((x) => x.path === '/flaky')) {
      expect(d.signature).toBe(webhookSignature(created.secret, d.body));
      expect(d.contentType).toMatch(/^application\/cloudevents-batch\+json/);
    }
    // Two replicas ran dispatchers; a subscription is never delivered twice at once.
    expect(receiver.maxInFlight.get('/flaky')).toBe(1);
    expect(receiver.maxInFlight.get('/persons')).toBe(1);

    // Filters: only person creations, from the beginning of the log.
    const allPersonsCreated = (await readChangeFeed(replicas[0], '0')).events.filter(
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
    for (const d of receiver.deliveries.filter((x) => x.path === '/persons'))
      expect(d.signature).toBe(webhookSignature('a-secret-of-the-subscriber', d.body));
  });

  it('makes a subscription that keeps failing dead, and revives it on request', async () => {
    const created = (
      await request(api())
        .post('/v1/webhooks')
        .send({ url: `${base}/down`, after: '0' })
        .expect(201)
    ).body as { id: string };
    const dead = await waitFor(
      async () => {
        const body = (await request(api()).get(`/v1/webhooks/${created.id}`).expect(200)).body as {
          status: string;
          failures: number;
          lastError: string;
          position: string;
        };
        return body.status === 'dead' ? body : undefined;
      },
      { what: 'the subscription to die', timeoutMs: 30_000 },
    );
    expect(dead).toMatchObject({ failures: 3, lastError: 'HTTP 503', position: '0' });
    const attempts = receiver.deliveries.filter((d) => d.path === '/down').length;
    expect(attempts).toBe(3);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.deliveries.filter((d) => d.path === '/down').length).toBe(attempts);

    const revived = (await request(api()).post(`/v1/webhooks/${created.id}/revive`).expect(200))
      .body as { status: string; failures: number };
    expect(revived).toMatchObject({ status: 'active', failures: 0 });
    await waitFor(
      async () =>
        receiver.deliveries.filter((d) => d.path === '/down').length > attempts ? true : undefined,
      { what: 'a delivery after revival' },
    );

    await request(api()).delete(`/v1/webhooks/${created.id}`).expect(204);
    await request(api()).get(`/v1/webhooks/${created.id}`).expect(404);
    const list = (await request(api()).get('/v1/webhooks').expect(200)).body as {
      id: string;
      secret?: string;
    }[];
    expect(list.map((w) => w.id)).not.toContain(created.id);
    expect(list.every((w) => w.secret === undefined)).toBe(true);
  });

  it('refuses a subscription without a usable URL or with a malformed filter', async () => {
    await request(api()).post('/v1/webhooks').send({ url: 'ftp://x.example/' }).expect(400);
    await request(api())
      .post('/v1/webhooks')
      .send({ url: `${base}/x`, division: 'Jiangjin' })
      .expect(400);
  });
});
