import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Consumer, KafkaMessage, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { requireKafka } from '@hub/config';
import { FeedCatalog, FeedPipeline, loadDemoData } from '@hub/feeds';
import { createKafka, ensureTopics, PRODUCER_CONFIG } from '@hub/kafka';
import { createIngestApp, ingestTopics } from '../../apps/ingest/src/ingest-app';
import { hubHttp } from '../support/access';
import { feedExamples } from '../support/feed-examples';
import { apiOnScenarioDatabase } from '../support/scenario-api';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

/** Bad input goes to <topic>.dlq and to PostgreSQL with its reason; the partition keeps flowing. */
describe('rejects on a real broker', () => {
  const config = testConfig({
    KAFKA_GROUP_ID: `it-dlq-${randomUUID()}`,
    HUB_MAX_MESSAGE_BYTES: '4096',
  });
  const police = feedExamples()[0].value;
  // RKBM is exactly 20 characters.
  const key = `5001162023${String(Date.now()).slice(-10)}`;
  // Of this run only: the broker keeps earlier runs' messages, and a reject of the same bytes
  // still open would keep the first one's coordinates (one open reject per feed and content).
  const broken = `{"RKBM": "${key}`;
  let app: INestApplication;
  let dlq: Consumer;
  let producer: Producer;
  const dead: KafkaMessage[] = [];
  const sent: string[] = [];
  // A poison pill of issue 38: a key over the 256 characters reject.message_key once held.
  const suffix = key.slice(-10);
  const longKey = `${suffix}:${'键'.repeat(3_400)}`; // 10 kB of UTF-8
  const beside = [`5001162024${suffix}`, `5001162025${suffix}`, `5001162026${suffix}`];
  const deadOfLongKey: KafkaMessage[] = [];
  let sendToPartition0: (messages: { key: string; value: string }[]) => Promise<string>;

  beforeAll(async () => {
    const kafka = createKafka(requireKafka(config));
    await ensureTopics(kafka, ingestTopics(new FeedCatalog()), {
      partitions: 3,
      replicationFactor: 1,
    });
    dlq = kafka.consumer({ groupId: `it-dlq-reader-${randomUUID()}` });
    await dlq.connect();
    await dlq.subscribe({ topic: 'ps.population.v1.dlq', fromBeginning: true });
    await dlq.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() === key) dead.push(message);
        if (message.key?.toString() === longKey) deadOfLongKey.push(message);
      },
    });
    app = await createIngestApp(config, config.database.url!);
    await app.startAllMicroservices();
    await app.init();
    producer = kafka.producer(PRODUCER_CONFIG);
    await producer.connect();
    const valid = { ...police, RKBM: key };
    const values = [
      broken,
      JSON.stringify({ ...valid, CSRQ: '19560230' }),
      JSON.stringify({ ...valid, XBDM: '5' }),
      JSON.stringify({ ...valid, padding: 'x'.repeat(5000) }),
      JSON.stringify(valid),
    ];
    // One key: all land on one partition, in this order, the valid record last.
    const [result] = await producer.send({
      topic: 'ps.population.v1',
      messages: values.map((value) => ({ key, value })),
    });
    sent.push(...values.map((_, i) => String(Number(result.baseOffset) + i)));
    sendToPartition0 = async (messages) => {
      const [{ baseOffset }] = await producer.send({
        topic: 'ps.population.v1',
        messages: messages.map((m) => ({ ...m, partition: 0 })),
      });
      return baseOffset!;
    };
  });

  afterAll(async () => {
    await producer?.disconnect();
    await dlq?.disconnect();
    await app?.close();
  });

  it('stores the valid record that follows the bad ones', async () => {
    const db = app.get(DataSource);
    const rows = await waitFor(
      async () => {
        const found = await db.query(
          `SELECT status FROM source_record WHERE feed = 'population' AND source_record_id = $1`,
          [key],
        );
        return found.length > 0 ? found : undefined;
      },
      { what: 'the valid record' },
    );
    expect(rows).toEqual([{ status: 'accepted' }]);
  });

  it('keeps each reject in PostgreSQL with its reason and coordinates', async () => {
    const db = app.get(DataSource);
    const rows = await waitFor(
      async () => {
        const found = await db.query<{ reason: string; offset: string; raw: Buffer }[]>(
          `SELECT reason, "offset"::text AS offset, raw FROM reject WHERE message_key = $1 ORDER BY "offset"`,
          [key],
        );
        return found.length === 4 ? found : undefined;
      },
      { what: 'four rejects' },
    );
    expect(rows.map((r) => r.reason)).toEqual([
      'invalid_json',
      'schema_violation',
      'unknown_code',
      'too_large',
    ]);
    expect(rows.map((r) => r.offset)).toEqual(sent.slice(0, 4));
    expect(rows[0].raw.toString()).toBe(broken);
  });

  it('publishes each reject to ps.population.v1.dlq with reason, topic, partition and offset headers', async () => {
    await waitFor(async () => (dead.length === 4 ? true : undefined), {
      what: 'four DLQ messages',
    });
    const headers = dead.map((m) =>
      Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, v?.toString()])),
    );
    expect(headers.map((h) => h['hub-reject-reason'])).toEqual([
      'invalid_json',
      'schema_violation',
      'unknown_code',
      'too_large',
    ]);
    expect(headers.every((h) => h['hub-source-topic'] === 'ps.population.v1')).toBe(true);
    expect(headers.map((h) => h['hub-source-offset'])).toEqual(sent.slice(0, 4));
    expect(headers[1]['hub-reject-message']).toMatch(/CSRQ/);
    expect(dead[0].value?.toString()).toBe(broken);
  });

  it('keeps a reject whose key is 10 kB long with its key, and the valid messages beside it', async () => {
    const db = app.get(DataSource);
    const record = (rkbm: string, change: Record<string, unknown> = {}) =>
      JSON.stringify({ ...police, RKBM: rkbm, ...change });
    // One partition, one send: the reject and the valid records come in one batch.
    const baseOffset = await sendToPartition0([
      { key: beside[0], value: record(beside[0]) },
      { key: longKey, value: record(`5001162027${suffix}`, { XBDM: '5' }) },
      { key: beside[1], value: record(beside[1]) },
    ]);
    const storedOf = (ids: string[]) =>
      waitFor(
        async () => {
          const found = await db.query<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM source_record WHERE feed = 'population' AND source_record_id = ANY($1)`,
            [ids],
          );
          return found[0].n === ids.length ? true : undefined;
        },
        { what: `records ${ids.join(', ')}` },
      );
    await storedOf(beside.slice(0, 2));
    const rejects = await waitFor(
      async () => {
        const found = await db.query<{ reason: string; message_key: string }[]>(
          `SELECT reason, message_key FROM reject
            WHERE topic = 'ps.population.v1' AND partition = 0 AND "offset" = $1`,
          [String(Number(baseOffset) + 1)],
        );
        return found.length > 0 ? found : undefined;
      },
      { what: 'the reject with a 10 kB key' },
    );
    expect(rejects).toEqual([{ reason: 'unknown_code', message_key: longKey }]);
    await waitFor(async () => (deadOfLongKey.length === 1 ? true : undefined), {
      what: 'its DLQ message',
    });
    expect(deadOfLongKey[0].headers?.['hub-reject-reason']?.toString()).toBe('unknown_code');
    // The partition is not stuck on that batch: a later message on it is stored too.
    await sendToPartition0([{ key: beside[2], value: record(beside[2]) }]);
    await storedOf(beside);
  });
});

/**
 * A bad record sent again while its reject is open is kept once: pushed again over HTTP (which
 * has no coordinates to tell a repeat by), sent again over Kafka, or the demo data set loaded
 * again at the next start.
 */
describe('a bad record sent again', () => {
  const suite = apiOnScenarioDatabase();
  const police = feedExamples()[0].value;
  const rkbm = `5001162028${String(Date.now()).slice(-10)}`;
  const bad = JSON.stringify({ ...police, RKBM: rkbm, XBDM: '5' });
  const openRejects = async () =>
    (
      await suite.scenario.db.query<{ id: string; reason: string; status: string }[]>(
        `SELECT id::text, reason, status FROM reject WHERE raw = $1 ORDER BY id`,
        [Buffer.from(bad)],
      )
    ).filter((r) => r.status === 'open');
  const push = async (lines: string[]) =>
    (
      await hubHttp(suite.api)
        .post('/v1/feeds/population/records')
        .set('content-type', 'application/x-ndjson')
        .send(lines.join('\n'))
        .expect(200)
    ).body as { rejected: number; results: { outcome: string; reason?: string }[] };

  it('is kept once however often it is pushed, each push still answering rejected', async () => {
    const valid = JSON.stringify({ ...police, RKBM: `5001162029${rkbm.slice(-10)}` });
    expect(await push([bad, valid, bad])).toMatchObject({ rejected: 2 });
    const [kept] = await openRejects();
    expect(await openRejects()).toEqual([{ id: kept.id, reason: 'unknown_code', status: 'open' }]);

    const again = await push([bad]);
    expect(again.results).toEqual([
      expect.objectContaining({ outcome: 'rejected', reason: 'unknown_code' }),
    ]);
    // Over Kafka, at another offset: not kept again, but still handed back for the DLQ.
    const { rejects } = await suite.api.get(FeedPipeline).processBatch(
      [
        {
          value: bad,
          key: rkbm,
          coordinates: { topic: 'ps.population.v1', partition: 1, offset: '9000' },
        },
      ],
      { transport: 'kafka' },
    );
    expect(rejects).toHaveLength(1);
    expect(await openRejects()).toEqual([kept]);
  });

  it('replays the one kept reject: still rejected, still one', async () => {
    const [kept] = await openRejects();
    const replay = await hubHttp(suite.api).post(`/v1/admin/rejects/${kept.id}/replay`).expect(200);
    expect(replay.body).toMatchObject({
      rejectId: kept.id,
      outcome: 'rejected',
      reason: 'unknown_code',
    });
    await push([bad]);
    expect(await openRejects()).toEqual([kept]);
  });

  it('adds no reject when the demo data set is loaded again (each start)', async () => {
    const count = async () =>
      (await suite.scenario.db.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM reject`))[0]
        .n;
    const before = await count();
    const first = await loadDemoData(suite.api.get(FeedPipeline));
    const afterFirst = await count();
    const demoRejects = Object.values(first).reduce((n, c) => n + (c.rejected ?? 0), 0);
    // Its bad messages, each kept once (the demo sends a few of them twice).
    expect(afterFirst - before).toBeGreaterThan(0);
    expect(afterFirst - before).toBeLessThanOrEqual(demoRejects);

    const second = await loadDemoData(suite.api.get(FeedPipeline));
    expect(Object.values(second).reduce((n, c) => n + (c.rejected ?? 0), 0)).toBe(demoRejects);
    expect(await count()).toBe(afterFirst);
  });
});
