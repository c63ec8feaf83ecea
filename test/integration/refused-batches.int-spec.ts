import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { FeedPipeline } from '@hub/feeds';
import { dataSourceOptions } from '@hub/persistence';
import { createApiApp } from '../../apps/api/src/api-app';
import { generateMixedStream, type StreamMessage } from '../generators/mixed-stream';
import { hubHttp, prepareTestAccess } from '../support/access';
import { modelSnapshot } from '../support/model-snapshot';
import { startPostgresServerProcess } from '../support/postgres-server-process';
import { scenarioDatabase } from '../support/scenario-database';
import { testConfig } from '../support/test-config';

/**
 * A batch PostgreSQL refuses as a whole is stored in halves, down to the one record it refuses:
 * a value it will not take rejects that record alone, and a batch needing more locks than the
 * server's lock table holds (a server left at the default `max_locks_per_transaction`) is
 * stored in smaller transactions instead of failing, and retrying, for ever.
 */
describe('batches PostgreSQL refuses', () => {
  // Every message is a version newer than the last of its record: all accepted.
  const stream = generateMixedStream({
    records: 1800,
    seed: 20261201,
    redeliveryRate: 0,
    outOfOrderRate: 0,
    invalidRate: 0,
    cancellationRate: 0,
  });
  const population = stream.messages.filter((m) => m.topic === 'ps.population.v1');
  const cleanups: (() => Promise<unknown>)[] = [];

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const apiOn = async (url: string, settings: Record<string, string> = {}) => {
    const api = await createApiApp(testConfig(settings), url);
    cleanups.push(() => api.close());
    await api.init();
    await prepareTestAccess(api);
    return api;
  };

  /** One push of `messages` as NDJSON (the API stores it in transactions of 1,000 records). */
  const push = async (api: INestApplication, messages: StreamMessage[]) =>
    (
      await hubHttp(api)
        .post('/v1/feeds/population/records')
        .set('content-type', 'application/x-ndjson')
        .send(messages.map((m) => m.value).join('\n'))
        .expect(200)
    ).body as {
      accepted: number;
      rejected: number;
      results: { index: number; outcome: string; reason?: string }[];
    };

  it('rejects only the record with a value PostgreSQL will not take', async () => {
    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const api = await apiOn(scenario.url);
    // JSON allows \u0000 in a string; PostgreSQL's jsonb does not (22P05).
    const poison = (value: string) => {
      const record = JSON.parse(value) as Record<string, unknown>;
      return JSON.stringify({ ...record, HJDZ_QHNXXDZ: `${String(record.HJDZ_QHNXXDZ)}\u0000` });
    };
    const poisoned = population
      .slice(0, 40)
      .map((m, i) => (i === 17 ? { ...m, value: poison(m.value) } : m));
    expect(poisoned[17].value).toContain('\\u0000');

    const body = await push(api, poisoned);

    expect(body.accepted).toBe(39);
    expect(body.rejected).toBe(1);
    expect(body.results.filter((r) => r.outcome === 'rejected')).toEqual([
      expect.objectContaining({ index: 17, reason: 'unstorable' }),
    ]);
    const [{ stored, rejects }] = await scenario.db.query<{ stored: string; rejects: string }[]>(
      `SELECT (SELECT count(*) FROM source_record) AS stored,
              (SELECT count(*) FROM reject WHERE reason = 'unstorable') AS rejects`,
    );
    expect([Number(stored), Number(rejects)]).toEqual([39, 1]);
  });

  it('rejects a Kafka payload whose bytes are not UTF-8 as bad_encoding, storing the one beside it', async () => {
    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const api = await apiOn(scenario.url);
    // A lone continuation byte inside the address, no charset declared: once read as U+FFFD and
    // stored so, the address's character lost without anyone told. Now the department is told.
    const registered = population.find((m) => m.value.includes('"HJDZ_QHNXXDZ":"'))!;
    const [before, after] = registered.value.split('"HJDZ_QHNXXDZ":"');
    const value = Buffer.concat([
      Buffer.from(`${before}"HJDZ_QHNXXDZ":"`),
      Buffer.from([0x80]),
      Buffer.from(after),
    ]);
    const beside = population.find((m) => m !== registered)!;
    const messages = [value, Buffer.from(beside.value)].map((bytes, offset) => ({
      key: null,
      value: bytes,
      coordinates: { topic: 'ps.population.v1', partition: 0, offset: String(offset) },
    }));

    await api.get(FeedPipeline).processBatch(messages, { transport: 'kafka' });

    const rows = await scenario.db.query<{ offset: string }[]>(
      `SELECT "offset"::text AS offset FROM source_record ORDER BY "offset"`,
    );
    expect(rows).toEqual([{ offset: '1' }]);
    const rejects = await scenario.db.query<{ reason: string; raw: Buffer; detail: unknown }[]>(
      `SELECT reason, raw, detail FROM reject`,
    );
    const at = Buffer.byteLength(`${before}"HJDZ_QHNXXDZ":"`);
    expect(rejects).toEqual([
      {
        reason: 'bad_encoding',
        raw: value,
        detail: {
          message: `not valid UTF-8 (no charset declared): invalid byte sequence at byte ${at}`,
          byteOffset: at,
        },
      },
    ]);
  });

  it('keeps a reject whose message quotes a NUL character, and every valid record', async () => {
    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const api = await apiOn(scenario.url);
    // JSON.parse's error names the bad character: text and jsonb cannot hold U+0000.
    const garbage = { ...population[0], value: '\u0000\u0001 not JSON' };

    const body = await push(api, [...population.slice(0, 10), garbage]);

    expect(body.accepted).toBe(10);
    expect(body.results[10]).toMatchObject({ outcome: 'rejected', reason: 'invalid_json' });
    const rejects = await scenario.db.query<{ raw: Buffer; message: string }[]>(
      `SELECT raw, detail->>'message' AS message FROM reject`,
    );
    expect(rejects).toHaveLength(1);
    expect(rejects[0].raw.toString('utf8')).toBe(garbage.value);
    expect(rejects[0].message).toContain('\uFFFD');
  });

  it('keeps a reject whose message quotes half a surrogate pair, and every valid record', async () => {
    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const api = await apiOn(scenario.url);
    // JSON.parse reads "\ud800" as a lone surrogate: here the name of a column the schema checks
    // (a garbled export), which the schema violation quotes. jsonb refuses it (22P02), which
    // failed the reject's insert and with it the batch.
    const record = JSON.parse(population[0].value) as Record<string, unknown>;
    const halfPair = { ...population[0], value: JSON.stringify({ ...record, '\ud800': 1 }) };
    expect(halfPair.value).toContain('"\\ud800":1');

    const body = await push(api, [...population.slice(1, 11), halfPair]);

    expect(body.accepted).toBe(10);
    expect(body.results[10]).toMatchObject({ outcome: 'rejected', reason: 'schema_violation' });
    const rejects = await scenario.db.query<{ raw: Buffer; message: string; path: string }[]>(
      `SELECT raw, detail->>'message' AS message, detail#>>'{errors,0,path}' AS path FROM reject`,
    );
    expect(rejects).toEqual([
      { raw: Buffer.from(halfPair.value), message: '/\uFFFD: must be string', path: '/\uFFFD' },
    ]);
  });

  // Two records nothing in the messages refuses, met by the batch's transaction: JSON nested
  // deeper than PostgreSQL's stack allows (54001, past max_stack_depth) in a field the schema
  // leaves open, and an escaped lone surrogate in an address, which the place key's id (a
  // name-based UUID) once failed on. Neither may fail the batch: each is rejected alone.
  it('rejects alone a record nested deeper than PostgreSQL takes, and one with a lone surrogate in its address', async () => {
    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const api = await apiOn(scenario.url);
    const surrogate = (value: string) =>
      value.replace(/"HJDZ_QHNXXDZ":"([^"]*)"/, '"HJDZ_QHNXXDZ":"$1\\ud800"');
    const messages = population
      .slice(300, 330)
      .map((m, i) => (i === 9 ? { ...m, value: surrogate(m.value) } : m));
    expect(messages[9].value).toContain('\\ud800');
    const body = await push(api, messages);
    // jsonb takes no lone surrogate either: it is unstorable, alone.
    expect(body.results.filter((r) => r.outcome === 'rejected')).toEqual([
      expect.objectContaining({ index: 9, reason: 'unstorable' }),
    ]);
    expect(body.accepted).toBe(29);

    // The civil-affairs envelope takes fields of its own: one nested 20,000 deep.
    const cases = stream.messages.filter((m) => m.topic === 'ca.assistance.v1').slice(0, 3);
    const deep = (value: string) =>
      `${value.slice(0, -1)},"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    const pushed = await hubHttp(api)
      .post('/v1/feeds/assistance/records')
      .set('content-type', 'application/x-ndjson')
      .send(cases.map((m, i) => (i === 1 ? deep(m.value) : m.value)).join('\n'))
      .expect(200);
    expect(
      (pushed.body as { results: { index: number; outcome: string }[] }).results.map(
        (r) => r.outcome,
      ),
    ).toEqual(['accepted', 'rejected', 'accepted']);
    expect(pushed.body.results[1]).toMatchObject({ reason: 'unstorable' });
  });

  it('stores a batch larger than the lock table in smaller transactions, to the same state', async () => {
    // The smallest lock table PostgreSQL allows: a few hundred locks in all, where a batch of a
    // thousand records takes thousands (a lock per record, per block, per person).
    const small = await startPostgresServerProcess({
      max_locks_per_transaction: '10',
      max_connections: '20',
    });
    cleanups.push(() => small.stop());
    const reference = await scenarioDatabase();
    cleanups.push(reference.drop);

    const api = await apiOn(small.url);
    const body = await push(api, population);
    await push(await apiOn(reference.url), population);

    expect(population.length).toBeGreaterThan(1000);
    expect(body).toMatchObject({ accepted: population.length, rejected: 0 });
    const metrics = await request(api.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/hub_batch_splits_total\{code="53200"\} [1-9]/);
    const db = await new DataSource(dataSourceOptions(small.url, 2)).initialize();
    cleanups.push(() => db.destroy());
    expect(await modelSnapshot(db)).toEqual(await modelSnapshot(reference.db));
  });

  it('goes back to whole batches once the lock table has room again', async () => {
    const small = await startPostgresServerProcess({
      max_locks_per_transaction: '10',
      max_connections: '20',
    });
    cleanups.push(() => small.stop());
    const api = await apiOn(small.url, { HUB_LOCK_TABLE_RECHECK_TRANSACTIONS: '3' });
    const metric = async (name: string) => {
      const text = (await request(api.getHttpServer()).get('/metrics').expect(200)).text;
      const line = text.split('\n').find((l) => l.startsWith(name));
      const value = line?.slice(line.lastIndexOf(' ') + 1);
      return value === undefined ? 0 : value === '+Inf' ? Infinity : Number(value);
    };
    // Another session fills most of the lock table (about 1,400 locks on this server; a
    // population record takes about 10): the API's transactions overflow what is left.
    const other = new Client({ connectionString: small.url });
    await other.connect();
    cleanups.push(() => other.end());
    await other.query('BEGIN');
    await other.query('SELECT pg_advisory_xact_lock(g) FROM generate_series(1, 1000) g');

    expect(await push(api, population.slice(0, 100))).toMatchObject({ accepted: 100 });
    const splits = await metric('hub_batch_splits_total{code="53200"}');
    expect(splits).toBeGreaterThan(0);
    expect(await metric('hub_batch_record_cap')).toBeLessThan(100);

    // Its locks released, 80 records fit in one transaction: after three transactions under the
    // cap, the rest go whole.
    await other.query('COMMIT');
    expect(await push(api, population.slice(100, 180))).toMatchObject({ accepted: 80 });

    expect(await metric('hub_batch_splits_total{code="53200"}')).toBe(splits);
    expect(await metric('hub_batch_record_cap')).toBe(Infinity);
  });
});
