import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChangeLogRepository, ChangeRelay, type ChangeCloudEvent } from '@hub/changes';
import { createKafka, ensureTopics } from '@hub/kafka';
import { generateMixedStream } from '../generators/mixed-stream';
import {
  as,
  BOOTSTRAP_TOKEN,
  createClient,
  hubHttp,
  TEST_PURPOSE,
  type TestClient,
} from '../support/access';
import { startTestApi } from '../support/scenario-api';
import { scenarioDatabase } from '../support/scenario-database';
import { pushOverHttp } from '../support/http-client';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

type Scenario = Awaited<ReturnType<typeof scenarioDatabase>>;

/** What hubHttp sends for a read, for the requests made with fetch. */
const adminHeaders = { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'x-purpose': TEST_PURPOSE };

interface GoneBody {
  statusCode: number;
  error: string;
  message: string;
  after: string;
  earliest: string | null;
  next: string;
}

interface WebhookState {
  id: string;
  position: string;
  status: string;
  failures: number;
  lastError: string | null;
}

/**
 * Retention of the change outbox (HUB_CHANGE_RETENTION_DAYS): the relay deletes events it has
 * published once older than the retention, in bounded batches, never one it has not published
 * and never the newest; the change feed answers 410 with the earliest position kept to a cursor
 * events after which were deleted (pages, long-polls, streams); a webhook subscription that fell
 * behind is dead, saying why, and goes on from the earliest event kept once revived. Event times
 * are made old with an UPDATE rather than waited for.
 */
describe('retention of the change outbox', () => {
  const stream = generateMixedStream({ records: 250, seed: 3803 });
  const changeLog = () => new ChangeLogRepository(scenario.db);
  let scenario: Scenario;
  let api: INestApplication;
  let port: number;
  let receiver: Server;
  let hookUrl: string;
  /** What the webhook receiver answers, and the events it took with a 2xx. */
  let answer = 503;
  const delivered: ChangeCloudEvent[] = [];
  let subscriber: TestClient;
  const cleanups: (() => Promise<unknown>)[] = [];

  const positions = async () =>
    (
      await scenario.db.query<{ p: string }[]>(
        `SELECT position::text AS p FROM change_event ORDER BY position`,
      )
    ).map((r) => r.p);
  const deletedThrough = async () =>
    (
      await scenario.db.query<{ d: string }[]>(
        `SELECT deleted_through::text AS d FROM change_retention`,
      )
    )[0].d;
  /** Every event's time `days` ago. */
  const age = (days: number, position?: string) =>
    scenario.db.query(
      `UPDATE change_event SET time = now() - make_interval(days => $1)
        WHERE $2::bigint IS NULL OR position = $2`,
      [days, position ?? null],
    );
  /** Retention as the relay runs it, batch after batch until one comes back short. */
  const deleteAll = async (relay: string, batch: number) => {
    const batches: number[] = [];
    for (;;) {
      const deleted = await changeLog().deletePublished({ relay, days: 30, batch }, scenario.db);
      batches.push(deleted);
      if (deleted < batch) return batches;
    }
  };
  const publishedUpTo = (relay: string, position: string) =>
    scenario.db.query(
      `INSERT INTO change_relay_cursor (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
      [relay, position],
    );
  const before = (position: string) => String(BigInt(position) - 1n);
  const asSubscriber = () => as(api, subscriber.token, null);
  const webhook = async (id: string) =>
    (await asSubscriber().get(`/v1/webhooks/${id}`).expect(200)).body as WebhookState;

  beforeAll(async () => {
    scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (answer === 200)
          delivered.push(...(JSON.parse(Buffer.concat(chunks).toString()) as ChangeCloudEvent[]));
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => receiver.close(resolve)));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    api = await startTestApi(
      testConfig({
        HUB_WEBHOOKS: 'true',
        HUB_WEBHOOK_BACKOFF_MS: '100',
        HUB_WEBHOOK_MAX_FAILURES: '1000',
        HUB_WEBHOOK_ALLOWLIST: '127.0.0.1',
      }),
      scenario.url,
    );
    cleanups.push(() => api.close());
    await api.listen(0, '127.0.0.1');
    port = (api.getHttpServer().address() as AddressInfo).port;
    subscriber = await createClient(api, {
      name: 'retention-subscriber',
      scopes: ['changes:read'],
    });
    await pushOverHttp(api, stream.messages, 250);
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('deletes old published events in bounded batches, a prefix up to the first one too young, none past the relay cursor', async () => {
    const all = await positions();
    expect(all.length).toBeGreaterThan(400);
    const published = all[Math.floor(all.length / 3)];
    const young = all[Math.floor(all.length / 6)];
    await publishedUpTo('retention-test', published);
    await age(40);
    await age(29, young);

    const first = await deleteAll('retention-test', 25);
    expect(first.length).toBeGreaterThan(2);
    expect(Math.max(...first)).toBe(25);
    // Up to the event still inside the retention, not past it: every event after the mark stays.
    expect(await positions()).toEqual(all.slice(all.indexOf(young)));
    expect(await deletedThrough()).toBe(all[all.indexOf(young) - 1]);

    await age(31, young);
    const second = await deleteAll('retention-test', 25);
    expect(second.reduce((a, b) => a + b, 0)).toBe(all.indexOf(published) - all.indexOf(young) + 1);
    // Old too, but not published: they stay.
    expect(await positions()).toEqual(all.slice(all.indexOf(published) + 1));
    expect(await deletedThrough()).toBe(published);
    // A relay that has published nothing deletes nothing.
    expect(await deleteAll('no-such-relay', 25)).toEqual([0]);
  });

  it('answers 410 with the earliest position to a page or a long-poll whose cursor is behind the retention', async () => {
    const mark = await deletedThrough();
    const [earliest] = await positions();
    const expected = { statusCode: 410, error: 'Gone', earliest, next: before(earliest) };
    for (const after of ['0', before(mark)]) {
      const page = await hubHttp(api).get('/v1/changes').query({ after }).expect(410);
      expect(page.body).toEqual({ ...expected, after, message: expect.any(String) });
      expect((page.body as GoneBody).message).toMatch(
        new RegExp(
          `^the change events after position ${after} up to ${before(earliest)} were deleted \\(HUB_CHANGE_RETENTION_DAYS\\)`,
        ),
      );
      const poll = await hubHttp(api).get('/v1/changes').query({ after, wait: 2 }).expect(410);
      expect(poll.body).toMatchObject({ ...expected, after });
    }
    // The cursor it names works: the page starts at the earliest event kept; so does the mark.
    for (const after of [before(earliest), mark]) {
      const page = await hubHttp(api).get('/v1/changes').query({ after, limit: 5 }).expect(200);
      expect((page.body as { events: ChangeCloudEvent[] }).events[0].position).toBe(earliest);
    }
  });

  it('answers 410 to a stream whose cursor or Last-Event-ID is behind the retention, and streams from a fresh one', async () => {
    const [earliest] = await positions();
    const open = (after: string, lastEventId?: string) =>
      fetch(`http://127.0.0.1:${port}/v1/changes?after=${after}`, {
        headers: {
          accept: 'text/event-stream',
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
          ...adminHeaders,
        },
      });
    for (const res of [await open('0'), await open(earliest, '1')]) {
      expect(res.status).toBe(410);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toMatchObject({ earliest, next: before(earliest) });
    }
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/v1/changes?after=0`, {
      headers: { accept: 'text/event-stream', 'last-event-id': before(earliest), ...adminHeaders },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    while (!/\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    expect(/^id: (\d+)\n/.exec(text)?.[1]).toBe(earliest);
  });

  it('refuses a webhook after a deleted cursor, makes one that fell behind dead, and revives it from the earliest event kept', async () => {
    const refused = await asSubscriber()
      .post('/v1/webhooks')
      .send({ url: hookUrl, after: '0' })
      .expect(410);
    expect(refused.body).toMatchObject({ after: '0', earliest: (await positions())[0] });

    // Failing deliveries keep its cursor at the mark while retention moves on.
    const mark = await deletedThrough();
    const created = (
      await asSubscriber().post('/v1/webhooks').send({ url: hookUrl, after: mark }).expect(201)
    ).body as WebhookState;
    expect(created.position).toBe(mark);
    await waitFor(async () => ((await webhook(created.id)).failures > 0 ? true : undefined), {
      what: 'a failed delivery',
    });
    const kept = await positions();
    const nowPublished = kept[20];
    await publishedUpTo('retention-test', nowPublished);
    await deleteAll('retention-test', 10_000);
    expect(await deletedThrough()).toBe(nowPublished);

    const dead = await waitFor(
      async () => {
        const state = await webhook(created.id);
        return state.status === 'dead' ? state : undefined;
      },
      { what: 'the subscription behind the retention to die' },
    );
    expect(dead.position).toBe(mark);
    expect(dead.lastError).toBe(
      `the change events after position ${mark} up to ${before(kept[21])} were deleted (HUB_CHANGE_RETENTION_DAYS): ` +
        `the earliest kept is ${kept[21]}; go on from ${before(kept[21])}; revive the subscription to go on from there`,
    );

    answer = 200;
    const revived = (await asSubscriber().post(`/v1/webhooks/${created.id}/revive`).expect(200))
      .body as WebhookState;
    expect(revived).toMatchObject({ status: 'active', failures: 0, position: nowPublished });
    expect(revived.lastError).toBe(
      `revived past deleted events: those after position ${mark} up to ${nowPublished} were deleted (HUB_CHANGE_RETENTION_DAYS) before delivery`,
    );
    const rest = kept.slice(21);
    await waitFor(async () => (delivered.length >= rest.length ? true : undefined), {
      what: 'the events kept to be delivered',
      timeoutMs: 60_000,
    });
    expect(delivered.map((e) => e.position)).toEqual(rest);
    await asSubscriber().delete(`/v1/webhooks/${created.id}`).expect(204);
  });

  it('has the relay delete only what it has published, and never the newest event', async () => {
    const config = testConfig({ KAFKA_TOPIC_PREFIX: `ret-${randomUUID().slice(0, 8)}.` });
    const kafka = createKafka(config.kafka!);
    await ensureTopics(kafka, [config.changes.topic], { partitions: 1, replicationFactor: 1 });
    const kept = await positions();
    const newest = kept[kept.length - 1];
    const published = kept[Math.floor(kept.length / 2)];
    await publishedUpTo(config.changes.topic, published);
    await age(40);
    const cursor = async () =>
      (
        await scenario.db.query<{ p: string }[]>(
          `SELECT position::text AS p FROM change_relay_cursor WHERE name = $1`,
          [config.changes.topic],
        )
      )[0].p;
    const startRelay = () => {
      const relay = new ChangeRelay(config, scenario.db, changeLog());
      relay.onApplicationBootstrap();
      let stopped: Promise<void> | undefined;
      const stop = () => (stopped ??= relay.onApplicationShutdown());
      cleanups.push(stop);
      return stop;
    };

    // Its first pass, as it takes the lease: what it had published, not what it publishes next.
    const stopRelay = startRelay();
    await waitFor(async () => ((await cursor()) === newest ? true : undefined), {
      what: 'the relay to publish the rest',
      timeoutMs: 60_000,
    });
    expect(await deletedThrough()).toBe(published);
    expect(await positions()).toEqual(kept.slice(kept.indexOf(published) + 1));
    await stopRelay();

    // The next lease holder's pass: everything published and old, but the newest event.
    const stopNext = startRelay();
    await waitFor(async () => ((await positions()).length === 1 ? true : undefined), {
      what: "the next relay's pass",
    });
    expect(await positions()).toEqual([newest]);
    expect(await deletedThrough()).toBe(kept[kept.length - 2]);
    await stopNext();

    // The log's horizon stands: a reader at the end waits there, a new subscription starts there.
    const idle = await hubHttp(api).get('/v1/changes').query({ after: newest }).expect(200);
    expect(idle.body).toMatchObject({ events: [], next: newest });
    const gone = await hubHttp(api).get('/v1/changes').query({ after: '0' }).expect(410);
    expect(gone.body).toMatchObject({ earliest: newest, next: before(newest) });
    const created = (await asSubscriber().post('/v1/webhooks').send({ url: hookUrl }).expect(201))
      .body as WebhookState;
    expect(created.position).toBe(newest);
  });
});
