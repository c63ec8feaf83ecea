import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createKafka, PRODUCER_CONFIG } from '@hub/kafka';
import { AppProcess } from '../support/app-process';
import { feedExamples } from '../support/feed-examples';
import { freePort } from '../support/free-port';
import { testConfig } from '../support/test-config';
import { createRunDatabase } from '../support/test-services';
import { waitFor } from '../support/wait-for';

/**
 * The built ingest whose database becomes unusable while it runs (connections refused, as a
 * server gone or a revoked login would): its batches fail, kafkajs retries them with back-off,
 * and `/health` fails once nothing committed for HUB_INGEST_STALL_SECONDS while a message waits,
 * so that its liveness probe would restart it; with the database back it recovers by itself.
 */
describe('the ingest’s liveness when its consumer stalls', () => {
  const config = testConfig();
  const admin = new Client({ connectionString: config.database.url });
  const prefix = `liveness-${randomUUID().slice(0, 8)}.`;
  let database: Awaited<ReturnType<typeof createRunDatabase>>;
  let ingest: AppProcess;
  let port: number;

  const health = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const send = async (recordId: string) => {
    const producer = createKafka(config.kafka!).producer(PRODUCER_CONFIG);
    await producer.connect();
    await producer.send({
      topic: `${prefix}grid.records.v1`,
      messages: [
        {
          key: recordId,
          value: JSON.stringify({ ...feedExamples()[2].value, 记录编号: recordId }),
        },
      ],
    });
    await producer.disconnect();
  };
  const stored = async (recordId: string) => {
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      const { rowCount } = await db.query(
        'SELECT 1 FROM source_record WHERE source_record_id = $1',
        [recordId],
      );
      return rowCount ? true : undefined;
    } finally {
      await db.end();
    }
  };
  /** Connections refused from now on (superusers too), and the ingest's present ones ended. */
  const refuseConnections = async (refused: boolean) => {
    await admin.query(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS ${!refused}`);
    if (refused)
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1',
        [database.name],
      );
  };

  beforeAll(async () => {
    await admin.connect();
    database = await createRunDatabase(
      config.database.url!,
      process.env.HUB_TEST_TEMPLATE_DATABASE,
    );
    port = await freePort();
    ingest = AppProcess.start('ingest', {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: config.kafka!.brokers.join(','),
      KAFKA_GROUP_ID: `e2e-liveness-${randomUUID()}`,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_TOPIC_PARTITIONS: '1',
      INGEST_HTTP_PORT: String(port),
      HUB_CHANGE_RELAY: 'false',
      HUB_INGEST_STALL_SECONDS: '2',
    });
    await ingest.waitForOutput(/ingest consuming/);
  });

  afterAll(async () => {
    await ingest?.stop('SIGKILL');
    if (database) {
      await refuseConnections(false).catch(() => undefined);
      await database.drop();
    }
    await admin.end();
  });

  it('fails /health while a batch cannot be stored, retried with back-off, and recovers', async () => {
    // Caught up: live however long ago its last batch.
    const first = `WG-500116005002-03-${randomUUID()}`;
    await send(first);
    await waitFor(() => stored(first), { what: first });
    await new Promise((r) => setTimeout(r, 2500));
    expect(await health()).toMatchObject({
      status: 200,
      body: { status: 'ok', info: { consumer: { status: 'up', lag: 0 } } },
    });

    await refuseConnections(true);
    const second = `WG-500116005002-03-${randomUUID()}`;
    const failuresBefore = failedBatches(ingest.output);
    await send(second);
    const stalledAt = Date.now();
    const down = await waitFor(
      async () => {
        const answer = await health();
        return answer.status === 503 ? answer : undefined;
      },
      { what: '/health 503', timeoutMs: 30_000 },
    );
    expect(down.body).toMatchObject({
      status: 'error',
      error: { consumer: { status: 'down', lag: 1, stallSeconds: 2 } },
    });
    // kafkajs runs a failing batch again after 0.2 s, doubling up to six attempts, then restarts
    // the consumer after a pause: a handful of attempts in ten seconds, not a hot loop.
    await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - stalledAt))));
    const attempts = failedBatches(ingest.output) - failuresBefore;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(15);
    expect((await health()).status).toBe(503);

    await refuseConnections(false);
    await waitFor(() => stored(second), { what: second, timeoutMs: 90_000 });
    await waitFor(async () => ((await health()).status === 200 ? true : undefined), {
      what: '/health 200 again',
    });
    expect(await ingest.stop('SIGTERM')).toBe(0);
  });
});

/** Batches kafkajs handed over that threw (its log line for each). */
function failedBatches(output: string): number {
  return output.match(/Error when calling eachBatch/g)?.length ?? 0;
}
