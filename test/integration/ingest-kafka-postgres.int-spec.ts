import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { requireKafka } from '@hub/config';
import { FEED_TOPICS } from '@hub/feeds';
import { createKafka, ensureTopics, PRODUCER_CONFIG } from '@hub/kafka';
import { createIngestApp } from '../../apps/ingest/src/ingest-app';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

interface StoredRow {
  feed: string;
  source_record_id: string;
  version: string;
  status: string;
  topic: string;
  partition: number;
  offset: string;
  payload: Record<string, unknown>;
}

describe('ingest process on a real Kafka broker and PostgreSQL', () => {
  const config = testConfig({ KAFKA_GROUP_ID: `it-ingest-${randomUUID()}` });
  let app: INestApplication;
  let producer: Producer;
  let db: DataSource;

  const storedVersions = (recordId: string) =>
    db.query<StoredRow[]>(
      'SELECT * FROM source_record WHERE source_record_id = $1 ORDER BY version',
      [recordId],
    );

  beforeAll(async () => {
    const kafka = createKafka(requireKafka(config));
    await ensureTopics(kafka, FEED_TOPICS, { partitions: 3, replicationFactor: 1 });
    producer = kafka.producer(PRODUCER_CONFIG);
    await producer.connect();
    app = await createIngestApp(config, config.database.url!);
    await app.startAllMicroservices();
    await app.init();
    db = app.get(DataSource);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
  });

  it('stores a produced department record as a source record with its Kafka coordinates', async () => {
    const recordId = `RK${Date.now()}`;
    const value = {
      RKBM: recordId,
      SJBBH: '3',
      SJLX: 'HJRK',
      BDLX: 'BG',
      XM: '李秀英',
      GMSFHM: '500381195603022029',
    };
    const [sent] = await producer.send({
      topic: 'ps.population.v1',
      messages: [{ key: recordId, value: JSON.stringify(value) }],
    });

    const [row] = await waitFor(
      async () => {
        const rows = await storedVersions(recordId);
        return rows.length > 0 ? rows : undefined;
      },
      { what: `source record ${recordId}` },
    );

    expect(row).toMatchObject({
      feed: 'population',
      version: '3',
      status: 'received',
      topic: 'ps.population.v1',
      partition: sent.partition,
      offset: sent.baseOffset,
      payload: value,
    });
  });

  it('keeps one row per version when a version is redelivered, and keeps going past unreadable input', async () => {
    const recordId = `CA-${randomUUID()}`;
    const v1 = JSON.stringify({ recordId, version: 1, recordType: 'assistance', payload: {} });
    const v2 = JSON.stringify({ recordId, version: 2, recordType: 'assistance', payload: {} });
    // Same key, so all land on one partition in this order: a redelivery and a broken message
    // sit between the two versions and must not stop the partition.
    await producer.send({
      topic: 'ca.assistance.v1',
      messages: [v1, v1, '{"recordId": broken', v2].map((value) => ({ key: recordId, value })),
    });

    const rows = await waitFor(
      async () => {
        const found = await storedVersions(recordId);
        return found.some((r) => r.version === '2') ? found : undefined;
      },
      { what: `version 2 of ${recordId}` },
    );

    expect(rows.map((r) => r.version)).toEqual(['1', '2']);
  });

  it('answers readiness with PostgreSQL and Kafka up', async () => {
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    const ready = await fetch(`${url.replace('[::1]', '127.0.0.1')}/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { details: Record<string, { status: string }> };
    expect(body.details.postgres.status).toBe('up');
    expect(body.details.kafka.status).toBe('up');
  });
});
