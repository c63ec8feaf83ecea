import { randomUUID } from 'node:crypto';
import { CHANGE_LOG_LOCK } from '@hub/changes';
import { PRODUCER_CONFIG } from '@hub/kafka';
import { AppProcess } from '../support/app-process';
import { feedExamples } from '../support/feed-examples';
import { freePort } from '../support/free-port';
import { hubTopics, subscribeToChanges } from '../support/hub-topics';
import { scenarioDatabase } from '../support/scenario-database';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

/**
 * The change relay as a process of its own: the ingest runs with HUB_CHANGE_RELAY=false and
 * publishes nothing; the relay process takes the lease and publishes the whole outbox.
 */
describe('the built relay process', () => {
  const prefix = `relp-${randomUUID().slice(0, 8)}.`;
  const config = testConfig({ KAFKA_TOPIC_PREFIX: prefix });
  const cleanups: (() => Promise<unknown>)[] = [];

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('publishes what an ingest without relay wrote, answers its probes, and stops on SIGTERM', async () => {
    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const kafka = await hubTopics(config, 2);
    const received = new Set<string>();
    const subscriber = await subscribeToChanges(kafka, config, (message) =>
      received.add((JSON.parse(message.value!.toString()) as { id: string }).id),
    );
    cleanups.push(() => subscriber.disconnect());
    const env = {
      DATABASE_URL: scenario.url,
      KAFKA_BROKERS: config.kafka!.brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      LOG_LEVEL: 'info',
    };
    const ingest = AppProcess.start('ingest', {
      ...env,
      KAFKA_GROUP_ID: `relp-${randomUUID()}`,
      INGEST_HTTP_PORT: String(await freePort()),
      HUB_CHANGE_RELAY: 'false',
    });
    cleanups.push(() => ingest.stop('SIGKILL'));
    await ingest.waitForOutput(/ingest consuming/);

    const producer = kafka.producer(PRODUCER_CONFIG);
    await producer.connect();
    await producer.sendBatch({
      topicMessages: feedExamples().map((e) => ({
        topic: `${prefix}${e.topic}`,
        messages: [{ key: e.key, value: JSON.stringify(e.value) }],
      })),
    });
    await producer.disconnect();
    const outbox = async () =>
      (await scenario.db.query<{ event_id: string }[]>(`SELECT event_id FROM change_event`)).map(
        (e) => e.event_id,
      );
    const written = await waitFor(
      async () => {
        const [{ n }] = await scenario.db.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM source_record`,
        );
        return Number(n) === 3 ? outbox() : undefined;
      },
      { timeoutMs: 60_000, what: 'the three example records' },
    );
    expect(written.length).toBeGreaterThan(0);
    // Nobody holds the relay's lease (the change-log lock's second key) while only ingest runs.
    const leaseHolders = async () =>
      Number(
        (
          await scenario.db.query<{ n: string }[]>(
            `SELECT count(*) AS n FROM pg_locks
              WHERE locktype = 'advisory' AND classid = $1 AND objid = 2 AND granted
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
            [CHANGE_LOG_LOCK[0]],
          )
        )[0].n,
      );
    expect(await leaseHolders()).toBe(0);

    const probePort = await freePort();
    const relay = AppProcess.start('relay', { ...env, RELAY_HTTP_PORT: String(probePort) });
    cleanups.push(() => relay.stop('SIGKILL'));
    await relay.waitForOutput(/relay started/);
    await waitFor(async () => (written.every((id) => received.has(id)) ? true : undefined), {
      timeoutMs: 60_000,
      what: 'every outbox event on the changes topic',
    });
    expect(await leaseHolders()).toBe(1);
    expect((await fetch(`http://127.0.0.1:${probePort}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${probePort}/ready`)).status).toBe(200);

    expect(await relay.stop('SIGTERM')).toBe(0);
    expect(await leaseHolders()).toBe(0);
  });
});
