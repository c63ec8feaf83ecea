import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Consumer, KafkaMessage } from 'kafkajs';
import { DataSource } from 'typeorm';
import { requireKafka } from '@hub/config';
import { FeedCatalog } from '@hub/feeds';
import { createKafka, ensureTopics, PRODUCER_CONFIG } from '@hub/kafka';
import { createIngestApp, ingestTopics } from '../../apps/ingest/src/ingest-app';
import { feedExamples } from '../support/feed-examples';
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
  let app: INestApplication;
  let dlq: Consumer;
  const dead: KafkaMessage[] = [];
  const sent: string[] = [];

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
      },
    });
    app = await createIngestApp(config, config.database.url!);
    await app.startAllMicroservices();
    await app.init();
    const producer = kafka.producer(PRODUCER_CONFIG);
    await producer.connect();
    const valid = { ...police, RKBM: key };
    const values = [
      '{"RKBM": "broken',
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
    await producer.disconnect();
  });

  afterAll(async () => {
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
    expect(rows[0].raw.toString()).toBe('{"RKBM": "broken');
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
    expect(dead[0].value?.toString()).toBe('{"RKBM": "broken');
  });
});
