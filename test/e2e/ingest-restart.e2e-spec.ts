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
 * The consumer group around a killed and a slow ingest (issue 38). kafkajs has no static
 * membership: a SIGKILLed member stays in the group until its session times out, and the next
 * process's join waits for that. KAFKA_SESSION_TIMEOUT_MS (10 s by default) bounds the wait; the
 * heartbeats BatchKafkaServer sends while a batch is stored keep a slow batch's member in.
 */
describe('the ingest’s consumer group membership', () => {
  const config = testConfig();
  const admin = new Client({ connectionString: config.database.url });
  let database: Awaited<ReturnType<typeof createRunDatabase>>;
  const cleanups: (() => Promise<unknown>)[] = [];

  const send = async (topic: string, recordId: string) => {
    const producer = createKafka(config.kafka!).producer(PRODUCER_CONFIG);
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        {
          key: recordId,
          value: JSON.stringify({ ...feedExamples()[2].value, 记录编号: recordId }),
        },
      ],
    });
    await producer.disconnect();
  };
  const storedCount = async (recordId: string) => {
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: string }>(
        'SELECT count(*) AS n FROM source_record WHERE source_record_id = $1',
        [recordId],
      );
      return Number(rows[0].n);
    } finally {
      await db.end();
    }
  };
  const stored = async (recordId: string) => ((await storedCount(recordId)) > 0 ? true : undefined);
  const start = async (env: Record<string, string>) => {
    const ingest = AppProcess.start('ingest', {
      ...env,
      INGEST_HTTP_PORT: String(await freePort()),
    });
    cleanups.push(() => ingest.stop('SIGKILL'));
    return ingest;
  };
  const baseEnv = (prefix: string) => ({
    DATABASE_URL: database.url,
    KAFKA_BROKERS: config.kafka!.brokers.join(','),
    KAFKA_GROUP_ID: `e2e-membership-${randomUUID()}`,
    KAFKA_TOPIC_PREFIX: prefix,
    HUB_CHANGE_RELAY: 'false',
  });

  beforeAll(async () => {
    await admin.connect();
    database = await createRunDatabase(
      config.database.url!,
      process.env.HUB_TEST_TEMPLATE_DATABASE,
    );
  });

  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    await database?.drop();
    await admin.end();
  });

  // What the restart waits for is the later of two clocks running side by side: the dead
  // member's session (10 s by default, counted from its last heartbeat, before the kill), and
  // the new process's own start (loading, Nest, PostgreSQL, Kafka connect: 6 to 12 s measured on
  // a 2-core machine at load average 7); then a join, a fetch and one transaction, under a
  // second. Measured: 10.1 to 14.1 s at that load, so the margin is the start's, not the
  // session's. 15 s is the bound issue 38 asks for, not a benchmark; the former 30 s session
  // gave 30.4 s.
  it('consumes again within 15 s of a restart after SIGKILL', async () => {
    const prefix = `restart-${randomUUID().slice(0, 8)}.`;
    const env = baseEnv(prefix);
    const topic = `${prefix}grid.records.v1`;

    const first = await start(env);
    await first.waitForOutput(/ingest consuming/);
    const before = `WG-500116005002-03-${randomUUID()}`;
    await send(topic, before);
    await waitFor(() => stored(before), { what: before, timeoutMs: 60_000 });
    expect(await first.stop('SIGKILL')).toBeNull();

    // Sent while no ingest runs: the next one's first batch.
    const after = `WG-500116005002-03-${randomUUID()}`;
    await send(topic, after);
    const restarted = Date.now();
    const second = await start(env);
    // Logged once the consumer has joined the group (kafkajs's run() resolves after the join).
    const joined = second.waitForOutput(/ingest consuming/).then(() => Date.now());
    await waitFor(() => stored(after), { what: after, timeoutMs: 60_000, intervalMs: 50 });
    const seconds = (Date.now() - restarted) / 1000;
    console.log(
      `restart after SIGKILL to the first record stored: ${seconds.toFixed(1)} s ` +
        `(joined the group after ${((await joined) - restarted) / 1000} s)`,
    );
    expect(seconds).toBeLessThanOrEqual(15);
    expect(await second.stop('SIGTERM')).toBe(0);
  });

  // A batch held up far longer than the session timeout (here: its transaction waits 25 s on a
  // table lock) keeps its member in the group: heartbeats go on while it is stored. Had the
  // member been dropped, kafkajs would log that it rejoins, and the batch's offsets could not be
  // committed, so the record would come again after the rejoin.
  it('keeps its membership through a batch longer than the session timeout', async () => {
    const prefix = `slow-${randomUUID().slice(0, 8)}.`;
    const env = { ...baseEnv(prefix), KAFKA_SESSION_TIMEOUT_MS: '6000' };
    const topic = `${prefix}grid.records.v1`;
    const ingest = await start(env);
    await ingest.waitForOutput(/ingest consuming/);
    const warmUp = `WG-500116005002-03-${randomUUID()}`;
    await send(topic, warmUp);
    await waitFor(() => stored(warmUp), { what: warmUp, timeoutMs: 60_000 });

    const locker = new Client({ connectionString: database.url });
    await locker.connect();
    const slow = `WG-500116005002-03-${randomUUID()}`;
    const heldMs = 25_000;
    let sent = 0;
    try {
      await locker.query('BEGIN');
      // Reads go on; the ingest's insert of the record waits for the lock.
      await locker.query('LOCK TABLE source_record IN EXCLUSIVE MODE');
      const logFrom = ingest.output.length;
      await send(topic, slow);
      sent = Date.now();
      // The batch has reached PostgreSQL and waits there.
      await waitFor(
        async () => {
          const { rows } = await locker.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE c.relname = 'source_record' AND NOT l.granted`,
          );
          return Number(rows[0].n) > 0 ? true : undefined;
        },
        { what: 'the ingest waiting on source_record', timeoutMs: 30_000 },
      );
      await new Promise((r) => setTimeout(r, heldMs - (Date.now() - sent)));
      expect(await storedCount(slow)).toBe(0);
      await locker.query('COMMIT');
      await waitFor(() => stored(slow), { what: slow, timeoutMs: 30_000 });
      const seconds = (Date.now() - sent) / 1000;
      console.log(`a batch stored in ${seconds.toFixed(1)} s, with a 6 s session`);
      // Give a lost member's rejoin time to show in the log.
      await new Promise((r) => setTimeout(r, 3000));
      const log = ingest.output.slice(logFrom);
      expect(log).not.toMatch(/rebalancing|not aware of this member|rejoin|re-joining/i);
      expect(await storedCount(slow)).toBe(1);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    expect(await ingest.stop('SIGTERM')).toBe(0);
  });
});
