import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createKafka, PRODUCER_CONFIG } from '@hub/kafka';
import { AppProcess } from '../support/app-process';
import { feedExamples } from '../support/feed-examples';
import { freePort } from '../support/free-port';
import { FeedMessageFactory, FEED_TOPICS, versionOf } from '../generators/feed-messages';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

describe('the built ingest process', () => {
  const config = testConfig();
  const db = new Client({ connectionString: config.database.url });
  let ingest: AppProcess;
  let probePort: number;
  const groupId = `e2e-ingest-${randomUUID()}`;

  beforeAll(async () => {
    await db.connect();
    probePort = await freePort();
    ingest = AppProcess.start('ingest', {
      DATABASE_URL: config.database.url!,
      KAFKA_BROKERS: config.kafka!.brokers.join(','),
      KAFKA_GROUP_ID: groupId,
      INGEST_HTTP_PORT: String(probePort),
    });
    await ingest.waitForOutput(/ingest consuming/);
  });

  afterAll(async () => {
    await ingest?.stop('SIGKILL');
    await db.end();
  });

  it('consumes a grid record, answers its probes, and stops cleanly on SIGTERM', async () => {
    const recordId = `WG-500116005002-03-${randomUUID()}`;
    const producer = createKafka(config.kafka!).producer(PRODUCER_CONFIG);
    await producer.connect();
    await producer.send({
      topic: 'grid.records.v1',
      messages: [
        {
          key: recordId,
          value: JSON.stringify({ ...feedExamples()[2].value, 记录编号: recordId }),
        },
      ],
    });
    await producer.disconnect();

    const row = await waitFor(
      async () =>
        (
          await db.query(
            'SELECT version, status, payload, partition, "offset" FROM source_record WHERE source_record_id = $1',
            [recordId],
          )
        ).rows[0] as
          | {
              version: string;
              status: string;
              payload: Record<string, string>;
              partition: number;
              offset: string;
            }
          | undefined,
      { what: recordId },
    );
    expect(row).toMatchObject({
      version: '2023/8/24 9:30',
      status: 'accepted',
      payload: expect.objectContaining({ 姓名: '李秀英 ' }),
    });
    // Once the record is durable its offset is committed: a restart does not read it again.
    const admin = createKafka(config.kafka!).admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const [{ partitions }] = await admin.fetchOffsets({
            groupId,
            topics: ['grid.records.v1'],
          });
          const committed = partitions.find((p) => p.partition === row.partition)?.offset;
          return committed !== undefined && BigInt(committed) > BigInt(row.offset)
            ? true
            : undefined;
        },
        { what: `committed offset past ${row.partition}:${row.offset}` },
      );
    } finally {
      await admin.disconnect();
    }
    const metrics = await (await fetch(`http://127.0.0.1:${probePort}/metrics`)).text();
    expect(metrics).toMatch(/hub_records_total\{feed="grid",outcome="stored"\} [1-9]/);
    expect(metrics).toMatch(/hub_consumer_lag\{topic="grid.records.v1",partition="\d"\} \d+/);
    for (const phase of ['validate_map', 'records', 'person_lock_wait', 'resolution', 'commit'])
      expect(metrics).toMatch(
        new RegExp(`hub_batch_phase_seconds_count\\{phase="${phase}"\\} [1-9]`),
      );

    const ready = await fetch(`http://127.0.0.1:${probePort}/ready`);
    expect(ready.status).toBe(200);

    expect(await ingest.stop('SIGTERM')).toBe(0);
    expect(ingest.output).toMatch(/"step":"ingest".*"msg":"stopped"/);
  });

  // A large fetch is not finished when the ingest is told to stop: it stops after the part of
  // each partition's batch in hand and commits those offsets; the next start resumes from there.
  it('stops part-way through a backlog on SIGTERM, exit code 0, and the next start resumes it whole', async () => {
    const prefix = `sigterm-${randomUUID().slice(0, 8)}.`;
    const factory = new FeedMessageFactory({ seed: 38 });
    const records = Array.from({ length: 3000 }, () => factory.record('grid', { versions: 1 }));
    const producer = createKafka(config.kafka!).producer(PRODUCER_CONFIG);
    await producer.connect();
    const topic = `${prefix}${FEED_TOPICS.grid}`;
    const admin = createKafka(config.kafka!).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    await producer.send({
      topic,
      messages: records.map((r) => ({ key: r.key, value: JSON.stringify(r.versions[0]) })),
    });
    await producer.disconnect();
    const env = {
      DATABASE_URL: config.database.url!,
      KAFKA_BROKERS: config.kafka!.brokers.join(','),
      KAFKA_GROUP_ID: `e2e-sigterm-${randomUUID()}`,
      KAFKA_TOPIC_PREFIX: prefix,
      INGEST_HTTP_PORT: String(await freePort()),
      // Small transactions: many parts to each partition's batch.
      HUB_INGEST_TRANSACTION_RECORDS: '100',
      HUB_INGEST_CATCH_UP_TRANSACTION_RECORDS: '100',
    };
    const stored = async () =>
      Number(
        (
          await db.query<{ n: string }>(
            'SELECT count(*) AS n FROM source_record WHERE topic = $1',
            [topic],
          )
        ).rows[0].n,
      );

    const first = AppProcess.start('ingest', env);
    await first.waitForOutput(/ingest consuming/);
    await waitFor(async () => ((await stored()) >= 200 ? true : undefined), {
      what: 'the first transactions of the backlog',
      timeoutMs: 60_000,
    });
    expect(await first.stop('SIGTERM')).toBe(0);
    const atStop = await stored();
    expect(atStop).toBeLessThan(records.length);

    const second = AppProcess.start('ingest', {
      ...env,
      INGEST_HTTP_PORT: String(await freePort()),
    });
    try {
      await waitFor(async () => ((await stored()) >= records.length ? true : undefined), {
        what: `all ${records.length} records stored`,
        timeoutMs: 90_000,
      });
      // Each record's one version stored once: nothing lost, nothing stored twice.
      const { rows } = await db.query<{ id: string; version: string; n: string }>(
        `SELECT source_record_id AS id, version, count(*) AS n FROM source_record
          WHERE topic = $1 GROUP BY 1, 2`,
        [topic],
      );
      expect(rows.filter((r) => r.n !== '1')).toEqual([]);
      expect(new Set(rows.map((r) => `${r.id} ${r.version}`))).toEqual(
        new Set(records.map((r) => `${r.key} ${versionOf('grid', r.versions[0])}`)),
      );
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  });
});
