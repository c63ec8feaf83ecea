import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createKafka, PRODUCER_CONFIG } from '@hub/kafka';
import { AppProcess } from '../support/app-process';
import { feedExamples } from '../support/feed-examples';
import { freePort } from '../support/free-port';
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
});
