import { INestApplication } from '@nestjs/common';
import iconv from 'iconv-lite';
import { randomUUID } from 'node:crypto';
import { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { requireKafka } from '@hub/config';
import { FeedCatalog } from '@hub/feeds';
import { createKafka, ensureTopics, PRODUCER_CONFIG } from '@hub/kafka';
import { createIngestApp, ingestTopics } from '../../apps/ingest/src/ingest-app';
import { hubHttp } from '../support/access';
import { feedExamples } from '../support/feed-examples';
import { apiOnScenarioDatabase } from '../support/scenario-api';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

/**
 * Legacy department systems send GBK (issue 38). A message that says so (a Kafka header
 * `content-type`, an HTTP push's Content-Type, `charset=GBK`) is read as GB18030 and stored as
 * UTF-8; bytes that are not UTF-8 and say nothing are rejected as `bad_encoding`, not stored
 * with U+FFFD, and the records beside them are stored.
 */
const [police, , grid] = feedExamples().map((e) => e.value);
const GBK_JSON = 'application/json; charset=GBK';
const gbk = (value: unknown) => iconv.encode(JSON.stringify(value), 'gbk');
/** A record id of this run: RKBM is exactly 20 characters, 记录编号 free text. */
const runId = String(Date.now()).slice(-10);
const rkbm = (serial: number) => `50011620${30 + serial}${runId}`;
const policeRecord = (serial: number, change: Record<string, unknown> = {}) => ({
  ...police,
  RKBM: rkbm(serial),
  ...change,
});
/** Where the name, the first Chinese text of the police record, starts in its GBK bytes. */
const nameAt = (bytes: Buffer) => bytes.indexOf(iconv.encode('李秀英', 'gbk'));

interface Stored {
  source_record_id: string;
  payload: Record<string, unknown>;
  name: string | null;
}

/** The stored versions of these records, with the name their person mention was given. */
const storedRecords = (db: DataSource, feed: string, ids: string[]) =>
  db.query<Stored[]>(
    `SELECT s.source_record_id, s.payload,
            (SELECT a.value #>> '{}' FROM attribute_value a
              WHERE a.source_record_id = s.id AND a.attribute = 'name' AND a.pointer = '') AS name
       FROM source_record s WHERE s.feed = $1 AND s.source_record_id = ANY($2)
      ORDER BY s.source_record_id`,
    [feed, ids],
  );

describe('encodings over Kafka', () => {
  const config = testConfig({ KAFKA_GROUP_ID: `it-encodings-${randomUUID()}` });
  const key = rkbm(0);
  const ids = { gbk: rkbm(1), undeclared: rkbm(2), big5: rkbm(3), utf8: rkbm(4) };
  const messages = [
    { value: gbk(policeRecord(1)), headers: { 'content-type': GBK_JSON } },
    // GBK bytes that do not say so: not UTF-8.
    { value: gbk(policeRecord(2)) },
    {
      value: Buffer.from(JSON.stringify(policeRecord(3))),
      headers: { 'content-type': 'application/json; charset=big5' },
    },
    { value: Buffer.from(JSON.stringify(policeRecord(4))) },
  ];
  let app: INestApplication;
  let db: DataSource;
  let producer: Producer;
  let dlq: Consumer;
  const dead: KafkaMessage[] = [];
  let baseOffset: number;

  beforeAll(async () => {
    const kafka = createKafka(requireKafka(config));
    await ensureTopics(kafka, ingestTopics(new FeedCatalog()), {
      partitions: 3,
      replicationFactor: 1,
    });
    dlq = kafka.consumer({ groupId: `it-encodings-dlq-${randomUUID()}` });
    await dlq.connect();
    await dlq.subscribe({ topic: 'ps.population.v1.dlq', fromBeginning: true });
    await dlq.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() === key) dead.push(message);
      },
    });
    app = await createIngestApp(config, config.database.url!);
    await app.startAllMicroservices();
    await app.init();
    db = app.get(DataSource);
    producer = kafka.producer(PRODUCER_CONFIG);
    await producer.connect();
    // One key: one partition, in this order.
    const [result] = await producer.send({
      topic: 'ps.population.v1',
      messages: messages.map((m) => ({ key, ...m })),
    });
    baseOffset = Number(result.baseOffset);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await dlq?.disconnect();
    await app?.close();
  });

  it('stores the GBK record declared as such with its Chinese text, and the UTF-8 one', async () => {
    const rows = await waitFor(
      async () => {
        const found = await storedRecords(db, 'population', Object.values(ids));
        return found.length === 2 ? found : undefined;
      },
      { what: 'the GBK and the UTF-8 record' },
    );
    expect(rows).toEqual([
      { source_record_id: ids.gbk, payload: policeRecord(1), name: '李秀英' },
      { source_record_id: ids.utf8, payload: policeRecord(4), name: '李秀英' },
    ]);
  });

  it('rejects undeclared bytes that are not UTF-8, and an unknown charset, as bad_encoding', async () => {
    const rows = await waitFor(
      async () => {
        const found = await db.query<
          { offset: string; reason: string; raw: Buffer; detail: Record<string, unknown> }[]
        >(
          `SELECT "offset"::text AS offset, reason, raw, detail FROM reject
            WHERE topic = 'ps.population.v1' AND message_key = $1 ORDER BY "offset"`,
          [key],
        );
        return found.length === 2 ? found : undefined;
      },
      { what: 'two rejects' },
    );
    const at = nameAt(messages[1].value);
    expect(rows).toEqual([
      {
        offset: String(baseOffset + 1),
        reason: 'bad_encoding',
        raw: messages[1].value,
        detail: {
          message: `not valid UTF-8 (no charset declared): invalid byte sequence at byte ${at}`,
          byteOffset: at,
        },
      },
      {
        offset: String(baseOffset + 2),
        reason: 'bad_encoding',
        raw: messages[2].value,
        detail: {
          message: expect.stringMatching(/^unknown charset "big5" in content-type/),
          charset: 'big5',
          contentType: 'application/json; charset=big5',
        },
      },
    ]);
  });

  it('sends both to the DLQ as they came, the declared content-type with them', async () => {
    await waitFor(async () => (dead.length === 2 ? true : undefined), {
      what: 'two DLQ messages',
    });
    const headers = dead.map((m) =>
      Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, v?.toString()])),
    );
    expect(headers.map((h) => h['hub-reject-reason'])).toEqual(['bad_encoding', 'bad_encoding']);
    expect(headers.map((h) => h['content-type'])).toEqual([
      undefined,
      'application/json; charset=big5',
    ]);
    expect(dead.map((m) => m.value)).toEqual([messages[1].value, messages[2].value]);
  });
});

describe('encodings over HTTP', () => {
  const suite = apiOnScenarioDatabase();
  /** supertest sends a Buffer given with a JSON type as the JSON of a Buffer object. */
  const asSent = (body: unknown) => body as string;
  const push = (feed: string, contentType: string, body: Buffer) =>
    hubHttp(suite.api)
      .post(`/v1/feeds/${feed}/records`)
      .set('content-type', contentType)
      .serialize(asSent)
      .send(body);
  const rejects = () =>
    suite.scenario.db.query<
      { id: string; reason: string; raw: Buffer; detail: Record<string, unknown> }[]
    >(`SELECT id::text, reason, raw, detail FROM reject ORDER BY id`);

  it('stores a GBK JSON array of population and grid records with their Chinese names', async () => {
    const gridRecord = { ...grid, 记录编号: `WG-encodings-${runId}` };
    const population = await push('population', GBK_JSON, gbk([policeRecord(5)])).expect(200);
    const grids = await push('grid', 'application/json; charset=gb2312', gbk([gridRecord]));
    expect(grids.status).toBe(200);
    expect([population.body, grids.body]).toMatchObject([
      { accepted: 1, rejected: 0 },
      { accepted: 1, rejected: 0 },
    ]);
    const db = suite.scenario.db;
    expect(await storedRecords(db, 'population', [rkbm(5)])).toEqual([
      { source_record_id: rkbm(5), payload: policeRecord(5), name: '李秀英' },
    ]);
    expect(await storedRecords(db, 'grid', [gridRecord.记录编号])).toEqual([
      { source_record_id: gridRecord.记录编号, payload: gridRecord, name: '李秀英' },
    ]);
    // The golden person, from these records alone on this database.
    const persons = await db.query<{ name: string }[]>(
      `SELECT DISTINCT p.name FROM person p JOIN mention m ON m.entity_id = p.id
        WHERE m.entity_type = 'person' AND m.feed = 'population' AND m.source_record_id = $1`,
      [rkbm(5)],
    );
    expect(persons).toEqual([{ name: '李秀英' }]);
  });

  it('stores GBK NDJSON line by line, keeping a reject’s bytes and charset for its replay', async () => {
    const lines = [gbk(policeRecord(6)), gbk(policeRecord(7, { XBDM: '5' }))];
    const body = Buffer.concat([lines[0], Buffer.from('\r\n'), lines[1], Buffer.from('\n')]);
    const res = await push('population', 'application/x-ndjson; charset=GBK', body).expect(200);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1 });
    const [kept] = (await rejects()).filter((r) => r.raw.equals(lines[1]));
    expect(kept).toMatchObject({
      reason: 'unknown_code',
      detail: { contentType: 'application/x-ndjson; charset=GBK' },
    });
    // Read again in its charset: still the unknown code, not a bad encoding.
    const replay = await hubHttp(suite.api).post(`/v1/admin/rejects/${kept.id}/replay`).expect(200);
    expect(replay.body).toMatchObject({ outcome: 'rejected', reason: 'unknown_code' });
  });

  it.each([
    ['NDJSON', 'application/x-ndjson', (records: Buffer[]) => Buffer.concat(join(records, '\n'))],
    [
      'a JSON array',
      'application/json',
      (records: Buffer[]) =>
        Buffer.concat([Buffer.from('['), ...join(records, ',\n'), Buffer.from(']')]),
    ],
  ])(
    'rejects a record of %s whose bytes are not UTF-8 as bad_encoding, storing those beside it',
    async (_name, contentType, bodyOf) => {
      const serial = contentType.includes('ndjson') ? 10 : 20;
      const records = [
        Buffer.from(JSON.stringify(policeRecord(serial))),
        gbk(policeRecord(serial + 1)),
        Buffer.from(JSON.stringify(policeRecord(serial + 2))),
      ];
      const res = await push('population', contentType, bodyOf(records)).expect(200);
      const at = nameAt(records[1]);
      expect(res.body).toMatchObject({ accepted: 2, rejected: 1 });
      expect(res.body.results[1]).toMatchObject({
        index: 1,
        outcome: 'rejected',
        reason: 'bad_encoding',
        message: `not valid UTF-8 (no charset declared): invalid byte sequence at byte ${at}`,
      });
      const stored = await storedRecords(suite.scenario.db, 'population', [
        rkbm(serial),
        rkbm(serial + 1),
        rkbm(serial + 2),
      ]);
      expect(stored.map((r) => r.source_record_id)).toEqual([rkbm(serial), rkbm(serial + 2)]);
      expect((await rejects()).filter((r) => r.raw.equals(records[1]))).toMatchObject([
        { reason: 'bad_encoding', detail: { byteOffset: at } },
      ]);
    },
  );

  it('refuses a charset it does not read with 415, storing nothing', async () => {
    const before = await suite.scenario.db.query(`SELECT count(*)::int AS n FROM source_record`);
    const res = await push(
      'population',
      'application/json; charset=big5',
      Buffer.from(JSON.stringify([policeRecord(30)])),
    ).expect(415);
    expect(res.body).toMatchObject({
      statusCode: 415,
      message: expect.stringMatching(/^charset "big5" is not one the hub reads: UTF-8, or GB18030/),
    });
    expect(await suite.scenario.db.query(`SELECT count(*)::int AS n FROM source_record`)).toEqual(
      before,
    );
  });
});

function join(parts: Buffer[], separator: string): Buffer[] {
  return parts.flatMap((part, i) => (i === 0 ? [part] : [Buffer.from(separator), part]));
}
