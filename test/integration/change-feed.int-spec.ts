import { INestApplication } from '@nestjs/common';
import { CloudEvent } from 'cloudevents';
import { SchemaRegistry } from '@hub/contracts';
import type { AddressInfo } from 'node:net';
import type { ChangeCloudEvent } from '@hub/changes';
import { generateMixedStream } from '../generators/mixed-stream';
import { BOOTSTRAP_TOKEN, hubHttp, TEST_PURPOSE } from '../support/access';
import { startTestApi } from '../support/scenario-api';
import { scenarioDatabase } from '../support/scenario-database';
import { pushOverHttp, readChangeFeed } from '../support/http-client';
import { testConfig } from '../support/test-config';

type Scenario = Awaited<ReturnType<typeof scenarioDatabase>>;

/** What hubHttp sends for a read, for the requests made with fetch. */
const adminHeaders = { authorization: `Bearer ${BOOTSTRAP_TOKEN}`, 'x-purpose': TEST_PURPOSE };

/**
 * The outbox and the HTTP change feed: every change of the model is an event written in the
 * same transaction, and a subscriber that reads the feed from the start rebuilds the model.
 */
describe('change events over HTTP', () => {
  const schemas = new SchemaRegistry();
  const changeEventSchema = schemas.validator('events/change-event.schema.json');
  const stream = generateMixedStream({ records: 1500, seed: 4711 });
  let scenario: Scenario;
  let api: INestApplication;

  const push = (messages: { topic: string; value: string }[]) => pushOverHttp(api, messages);
  const readAll = (after = '0') => readChangeFeed(api, after);

  beforeAll(async () => {
    scenario = await scenarioDatabase();
    api = await startTestApi(testConfig(), scenario.url);
    // Grid observations first and police records last, so that resolution moves mentions (the
    // observations' persons merge into the police ones) and relations follow them.
    for (const topic of ['grid.records.v1', 'ca.assistance.v1', 'ps.population.v1'])
      await pushOverHttp(
        api,
        stream.messages.filter((m) => m.topic === topic),
        250,
      );
  });

  afterAll(async () => {
    await api?.close();
    await scenario?.drop();
  });

  it('lets a subscriber rebuild the person table from the feed, each entity in sequence', async () => {
    const { events } = await readAll();
    const copy = new Map<string, Record<string, unknown>>();
    const lastSeq = new Map<string, number>();
    for (const event of events) {
      // Valid CloudEvents 1.0 by the SDK's own checks (it throws otherwise).
      const decoded = new CloudEvent<Record<string, unknown>>(event as never);
      expect(changeEventSchema(event) ? '' : schemas.describe(changeEventSchema.errors)).toBe('');
      expect(decoded.specversion).toBe('1.0');
      const seq = Number(event.entityseq);
      expect(seq).toBe((lastSeq.get(event.subject) ?? 0) + 1);
      lastSeq.set(event.subject, seq);
      if (event.entitytype !== 'person') continue;
      const kind = event.type.slice('cn.gov.hub.person.'.length);
      expect(kind === 'created').toBe(!copy.has(event.subject));
      if (!('attributes' in event.data)) {
        // merged, split, or ended because its records were cancelled: no values change.
        if (kind === 'merged') copy.get(event.subject)!.mergedInto = event.data.into;
        continue;
      }
      if (kind !== 'created') {
        const changed = event.data.changed as Record<string, { before: unknown; after: unknown }>;
        // A revived person may come back unchanged.
        if (kind !== 'revived') expect(Object.keys(changed).length).toBeGreaterThan(0);
        for (const [attribute, { before }] of Object.entries(changed))
          expect(copy.get(event.subject)![attribute]).toEqual(before);
      }
      copy.set(event.subject, { ...(event.data.attributes as Record<string, unknown>) });
    }
    const persons = await scenario.db.query<Record<string, unknown>[]>(
      `SELECT id, name, id_number AS "idNumber", gender, birth_date AS "birthDate", status, phone, flags, division_code AS "divisionCode",
              change_seq, merged_into AS "mergedInto"
         FROM person`,
    );
    // Fewer persons than person mentions: resolution merged them, with their merged events.
    expect(persons.length).toBeGreaterThan(500);
    expect(copy.size).toBe(persons.length);
    for (const { id, change_seq, mergedInto, ...attributes } of persons) {
      expect(copy.get(id as string)).toEqual(
        mergedInto ? { ...attributes, mergedInto } : attributes,
      );
      expect(lastSeq.get(id as string)).toBe(Number(change_seq));
    }
    // Every entity of every type (places: the addresses; the seeded divisions have no events)
    // has its events, and no event is without its entity.
    const [{ entities }] = await scenario.db.query<{ entities: string }[]>(
      `SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM event) +
              (SELECT count(*) FROM object) + (SELECT count(*) FROM organization) +
              (SELECT count(*) FROM place WHERE code IS NULL) AS entities`,
    );
    expect(lastSeq.size).toBe(Number(entities));
  });

  it('lets a subscriber rebuild the relations from the feed, also those that followed a moved mention, each after its target is created', async () => {
    const { events } = await readAll();
    /** A relation as the subscriber knows it: from, type, to, qualifiers, the record stating it. */
    const relation = (r: {
      from: string;
      type: string;
      to: string;
      qualifiers: Record<string, unknown>;
      feed: string;
      record: string;
    }) => canonicalJson([r.from, r.type, r.to, r.qualifiers, r.feed, r.record]);
    const rebuilt = new Map<string, number>();
    const merged = new Set<string>();
    const known = new Set<string>();
    for (const event of events) {
      // A merged person is a tombstone: its `merged` is its last event.
      expect(merged.has(event.subject) ? event.type : '').toBe('');
      if (event.type === 'cn.gov.hub.person.merged') merged.add(event.subject);
      known.add(event.subject);
      const kind = /\.relation\.(added|ended)$/.exec(event.type)?.[1];
      if (!kind) continue;
      const data = event.data as {
        relation: string;
        to: { id: string; code?: string };
        qualifiers: Record<string, unknown>;
        source: { feed: string; sourceRecordId: string };
      };
      // The target's `created` came first (a division has none: it is named by its code).
      if (!data.to.code)
        expect(known.has(data.to.id) ? '' : `${event.type} to ${data.to.id}`).toBe('');
      const key = relation({
        from: event.subject,
        type: data.relation,
        to: data.to.id,
        qualifiers: data.qualifiers ?? {},
        feed: data.source.feed,
        record: data.source.sourceRecordId,
      });
      const count = (rebuilt.get(key) ?? 0) + (kind === 'added' ? 1 : -1);
      // Never ended before it was added, never added twice.
      expect([0, 1]).toContain(count);
      if (count === 0) rebuilt.delete(key);
      else rebuilt.set(key, count);
    }
    const rows = await scenario.db.query<
      {
        from_id: string;
        relation_type: string;
        to_id: string;
        attributes: Record<string, unknown>;
        feed: string;
        record: string;
      }[]
    >(
      `SELECT r.from_id, r.relation_type, r.to_id, r.attributes, s.feed, s.source_record_id AS record
         FROM relation r JOIN source_record s ON s.id = r.source_record_id
        WHERE r.valid_to IS NULL`,
    );
    const current = new Set(
      rows.map((r) =>
        relation({
          from: r.from_id,
          type: r.relation_type,
          to: r.to_id,
          qualifiers: r.attributes,
          feed: r.feed,
          record: r.record,
        }),
      ),
    );
    expect(current.size).toBeGreaterThan(1000);
    // Resolution moved mentions (persons merged), so relations followed them.
    expect(events.some((e) => e.type === 'cn.gov.hub.person.merged')).toBe(true);
    expect([...rebuilt.keys()].filter((k) => !current.has(k))).toEqual([]);
    expect([...current].filter((k) => !rebuilt.has(k))).toEqual([]);
  });

  it('adds no event when a redelivered record changes nothing', async () => {
    const before = await readAll();
    await push(stream.messages.slice(0, 500));
    const after = await readAll(before.next);
    expect(after.events).toEqual([]);
  });

  it('filters by type and division and pages with a cursor that skips what did not match', async () => {
    const all = (await readAll()).events;
    const res = await hubHttp(api)
      .get('/v1/changes')
      .query({ types: 'cn.gov.hub.event.created', division: '500116', limit: 1000 })
      .expect(200);
    const expected = all.filter(
      (e) => e.type === 'cn.gov.hub.event.created' && e.divisioncode?.startsWith('500116'),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(res.body.events).toEqual(expected.slice(0, 1000));
    // Persons carry where they live; relation events their entity's division.
    for (const type of ['cn.gov.hub.person.created', 'cn.gov.hub.person.relation.added'])
      expect(all.some((e) => e.type === type && e.divisioncode?.startsWith('500116'))).toBe(true);
    // A type the schema defines but nothing emits: the cursor goes past what did not match.
    const empty = await hubHttp(api)
      .get('/v1/changes')
      .query({ types: 'cn.gov.hub.organization.merged' })
      .expect(200);
    const { maskedFields, ...page } = empty.body;
    expect(maskedFields).toEqual([]);
    expect(page).toEqual({ events: [], next: all[all.length - 1].position });
    await hubHttp(api).get('/v1/changes').query({ limit: 0 }).expect(400);
  });

  it('refuses a type the schema does not define, listing the valid ones, also for a stream', async () => {
    // It would match nothing and move the cursor to the end of the log: the subscriber would
    // skip every event without knowing it.
    for (const accept of ['application/json', 'text/event-stream']) {
      const res = await hubHttp(api)
        .get('/v1/changes')
        .set('accept', accept)
        .query({ after: '0', types: 'cn.gov.hub.person.updated,person.created' })
        .expect(400);
      expect(res.body.message).toEqual([
        expect.stringMatching(
          /^types: unknown change type "person\.created"; the change types are cn\.gov\.hub\.person\.created, cn\.gov\.hub\.person\.updated, /,
        ),
      ]);
      expect(res.body.message[0]).toContain('cn.gov.hub.organization.relation.ended');
    }
  });

  it('long-polls until an event arrives, and streams Server-Sent Events', async () => {
    const { next } = await readAll();
    const started = Date.now();
    const idle = await hubHttp(api).get('/v1/changes').query({ after: next, wait: 1 }).expect(200);
    expect(idle.body.events).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const fresh = generateMixedStream({ records: 3, seed: 99, redeliveryRate: 0, invalidRate: 0 });
    const waiting = hubHttp(api)
      .get('/v1/changes')
      .query({ after: next, wait: 20 })
      .then((r) => r.body as { events: ChangeCloudEvent[] });
    await new Promise((r) => setTimeout(r, 300));
    await push(fresh.messages.slice(0, 1));
    expect((await waiting).events.length).toBeGreaterThan(0);

    await api.listen(0, '127.0.0.1');
    const { port } = api.getHttpServer().address() as AddressInfo;
    const abort = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/v1/changes?after=${next}`, {
      headers: { accept: 'text/event-stream', ...adminHeaders },
      signal: abort.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    while (!/\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    const [, id, type, data] = /^id: (\d+)\nevent: (\S+)\ndata: (.*)\n\n/.exec(text)!;
    expect(JSON.parse(data)).toMatchObject({ position: id, type, specversion: '1.0' });
  });

  it('ends open streams when the API shuts down; a client resumes from its Last-Event-ID', async () => {
    const { events } = await readAll();
    const [lastSeen, resumeAt] = events.slice(-2).map((e) => e.position);
    const own = await startTestApi(testConfig(), scenario.url);
    await own.listen(0, '127.0.0.1');
    const { port } = own.getHttpServer().address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/v1/changes?after=0`, {
      headers: { accept: 'text/event-stream', 'last-event-id': lastSeen, ...adminHeaders },
    });
    const reader = res.body!.getReader();
    let text = '';
    while (!/\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    expect(/^id: (\d+)\n/.exec(text)?.[1]).toBe(resumeAt);

    // The stream now waits for events that do not come. Closing the app ends it and returns,
    // instead of waiting for the client to go away while the stream polls on.
    await own.close();
    let end = await reader.read();
    while (!end.done) end = await reader.read();
    expect(end.done).toBe(true);
  });

  it('refuses a cursor beyond the change log, and ignores such a Last-Event-ID', async () => {
    const res = await hubHttp(api)
      .get('/v1/changes')
      .query({ after: '9223372036854775808' })
      .expect(400);
    expect(res.body.message).toEqual([
      expect.stringMatching(/^after must be a change-feed cursor: .* 0 to 9223372036854775807$/),
    ]);
    await hubHttp(api).get('/v1/changes').query({ after: '9223372036854775807' }).expect(200);

    const { events } = await readAll();
    const [lastSeen, resumeAt] = events.slice(-2).map((e) => e.position);
    const server = api.getHttpServer() as { listening: boolean };
    if (!server.listening) await api.listen(0, '127.0.0.1');
    const { port } = api.getHttpServer().address() as AddressInfo;
    const abort = new AbortController();
    const stream = await fetch(`http://127.0.0.1:${port}/v1/changes?after=${lastSeen}`, {
      headers: {
        accept: 'text/event-stream',
        'last-event-id': '9999999999999999999',
        ...adminHeaders,
      },
      signal: abort.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    let text = '';
    while (!/\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    expect(/^id: (\d+)\n/.exec(text)?.[1]).toBe(resumeAt);
  });
});

/** JSON with object keys sorted: jsonb hands keys back in its own order. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
