import type { INestApplication } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChangeLogRepository } from '@hub/changes';
import { BOOTSTRAP_TOKEN, TEST_PURPOSE } from '../support/access';
import { openChangeStream } from '../support/change-streams';
import { startTestApi } from '../support/scenario-api';
import { scenarioDatabase } from '../support/scenario-database';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

/**
 * No subscriber can exhaust the API through the change feed: a caller holds a bounded number of
 * streams and long-polls, a stream waits for a slow reader and drops one that stops reading
 * instead of buffering the log, and idle streams share one look at the log.
 */
describe('change feed limits', () => {
  let scenario: Awaited<ReturnType<typeof scenarioDatabase>>;
  let api: INestApplication;
  let port: number;
  const opened: IncomingMessage[] = [];

  /** An SSE stream of the change feed, as the bootstrap admin, from `after`. */
  const openStream = async (after = '0') => {
    const res = await openChangeStream(port, `after=${after}`);
    opened.push(res);
    return res;
  };
  const closeAll = () => {
    for (const res of opened.splice(0)) res.destroy();
  };
  /** `count` change events of about a kilobyte each, written as the outbox holds them. */
  const addEvents = (count: number) =>
    scenario.db.query(
      `INSERT INTO change_event (type, entity_type, entity_id, entity_seq, division_code, data)
       SELECT 'cn.gov.hub.place.created', 'place', gen_random_uuid(), 1, '500116',
              jsonb_build_object('attributes', jsonb_build_object('name', repeat('地', 300)))
         FROM generate_series(1, $1)`,
      [count],
    );

  beforeAll(async () => {
    scenario = await scenarioDatabase();
    api = await startTestApi(
      testConfig({ HUB_CHANGE_FEED_STREAMS_PER_CLIENT: '2', HUB_CHANGE_STREAM_STALL_MS: '500' }),
      scenario.url,
    );
    await api.listen(0, '127.0.0.1');
    port = (api.getHttpServer().address() as AddressInfo).port;
  });
  afterEach(closeAll);
  afterAll(async () => {
    closeAll();
    await api?.close();
    await scenario?.drop();
  });

  it('refuses a caller a third open stream or long-poll with 429, and takes it again once one closes', async () => {
    const first = await openStream();
    const second = await openStream();
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    const third = await openStream();
    expect(third.statusCode).toBe(429);
    const longPoll = await fetch(`http://127.0.0.1:${port}/v1/changes?wait=5`, {
      headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'x-purpose': TEST_PURPOSE },
    });
    expect(longPoll.status).toBe(429);
    expect(((await longPoll.json()) as { message: string }).message).toMatch(/at most 2/);
    // A page without waiting is not an open read: still answered.
    const page = await fetch(`http://127.0.0.1:${port}/v1/changes`, {
      headers: { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'x-purpose': TEST_PURPOSE },
    });
    expect(page.status).toBe(200);
    first.destroy();
    await waitFor(async () => ((await openStream()).statusCode === 200 ? true : undefined), {
      what: 'a stream taken again once one closed',
      timeoutMs: 5_000,
    });
  });

  it('streams the log to a client that reads, and drops one that stops reading instead of buffering the log', async () => {
    // Far more than the socket buffers between the API and a client hold (a few MB on loopback).
    await addEvents(20_000);
    const [{ horizon }] = await scenario.db.query<{ horizon: string }[]>(
      `SELECT max(position)::text AS horizon FROM change_event`,
    );
    const reader = await openStream();
    let last = '';
    reader.setEncoding('utf8');
    reader.on('data', (chunk: string) => {
      const ids = [...chunk.matchAll(/^id: (\d+)$/gm)];
      if (ids.length > 0) last = ids[ids.length - 1][1];
    });
    const stalled = await openStream();
    stalled.pause();
    await waitFor(async () => (last === horizon ? true : undefined), {
      what: `the reading client at the end of the log (${horizon})`,
      timeoutMs: 30_000,
    });
    // The stalled stream has been dropped by now (a full buffer for 500 ms): a paused client
    // sees that only once it reads what reached it, which ends before the end of the log.
    await new Promise((r) => setTimeout(r, 1_000));
    let stalledLast = '';
    let closed = false;
    stalled.on('error', () => undefined);
    stalled.socket.once('close', () => (closed = true));
    stalled.setEncoding('utf8');
    stalled.on('data', (chunk: string) => {
      const ids = [...chunk.matchAll(/^id: (\d+)$/gm)];
      if (ids.length > 0) stalledLast = ids[ids.length - 1][1];
    });
    stalled.resume();
    await waitFor(async () => (closed ? true : undefined), {
      what: 'the stalled stream closed by the API once read',
      timeoutMs: 30_000,
    });
    expect(BigInt(stalledLast || '0')).toBeLessThan(BigInt(horizon));
  });

  it('lets idle streams share one look at the log instead of each polling it', async () => {
    const log = api.get(ChangeLogRepository, { strict: false });
    const pages = jest.spyOn(log, 'page');
    const [{ horizon }] = await scenario.db.query<{ horizon: string }[]>(
      `SELECT coalesce(max(position), 0)::text AS horizon FROM change_event`,
    );
    try {
      await openStream(horizon);
      await openStream(horizon);
      await new Promise((r) => setTimeout(r, 2_000));
      // Each stream read its first page and then waits: about ten looks at the newest position
      // in two seconds serve both, and neither reads another page while nothing is committed.
      expect(pages.mock.calls.length).toBeLessThanOrEqual(2);
      const before = pages.mock.calls.length;
      await addEvents(1);
      await waitFor(async () => (pages.mock.calls.length > before ? true : undefined), {
        what: 'the streams reading once an event is committed',
        timeoutMs: 5_000,
      });
    } finally {
      pages.mockRestore();
    }
  });
});
