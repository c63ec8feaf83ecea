import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChangeLogRepository, ChangeRelay, type ChangeCloudEvent } from '@hub/changes';
import { createKafka, ensureTopics } from '@hub/kafka';
import { createApiApp } from '../../apps/api/src/api-app';
import {
  restartBroker,
  startBroker,
  stopBroker,
  type RunningBroker,
} from '../../scripts/kafka-broker';
import { generateMixedStream } from '../generators/mixed-stream';
import { prepareTestAccess } from '../support/access';
import { scenarioDatabase } from '../support/scenario-database';
import { pushOverHttp } from '../support/http-client';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

/**
 * A broker outage while the relay runs, on a broker of the test's own (stopped and started
 * again on the same ports with its data): events written meanwhile wait in the outbox and reach
 * the topic once the broker is back; none is lost.
 */
describe('the change relay across a broker outage', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('keeps events in the outbox while the broker is down and sends them after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-outage-kafka-'));
    const broker: RunningBroker = await startBroker({
      dir,
      stateFile: join(dir, 'state.json'),
    });
    cleanups.push(() => stopBroker(broker));
    const config = testConfig({
      KAFKA_BROKERS: broker.brokers,
      KAFKA_TOPIC_PREFIX: `out-${randomUUID().slice(0, 8)}.`,
    });
    const kafka = createKafka(config.kafka!);
    await ensureTopics(kafka, [config.changes.topic], { partitions: 3, replicationFactor: 1 });

    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const api: INestApplication = await createApiApp(testConfig(), scenario.url);
    cleanups.push(() => api.close());
    await api.init();
    await prepareTestAccess(api);
    const push = (messages: { topic: string; value: string }[]) => pushOverHttp(api, messages);
    const published = async () => {
      const [{ position }] = await scenario.db.query<{ position: string }[]>(
        `SELECT coalesce(max(position), 0)::text AS position FROM change_relay_cursor`,
      );
      return Number(position);
    };
    const outboxEnd = async () => {
      const [{ position }] = await scenario.db.query<{ position: string }[]>(
        `SELECT coalesce(max(position), 0)::text AS position FROM change_event`,
      );
      return Number(position);
    };

    const stream = generateMixedStream({ records: 600, seed: 515 });
    const half = Math.floor(stream.messages.length / 2);
    await push(stream.messages.slice(0, half));

    const relay = new ChangeRelay(config, scenario.db, new ChangeLogRepository(scenario.db));
    relay.onApplicationBootstrap();
    cleanups.push(() => relay.onApplicationShutdown());
    const before = await outboxEnd();
    await waitFor(async () => ((await published()) >= before ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the first half published',
    });

    await stopBroker(broker, { keepData: true });
    await push(stream.messages.slice(half));
    const after = await outboxEnd();
    expect(after).toBeGreaterThan(before);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await published()).toBe(before); // nothing counted as sent while the broker is down

    await restartBroker(broker);
    await waitFor(async () => ((await published()) >= after ? true : undefined), {
      timeoutMs: 90_000,
      what: 'the second half published after the outage',
    });

    const received = new Map<string, ChangeCloudEvent>();
    const subscriber = kafka.consumer({ groupId: `out-${randomUUID()}` });
    cleanups.push(() => subscriber.disconnect());
    await subscriber.connect();
    await subscriber.subscribe({ topic: config.changes.topic, fromBeginning: true });
    await subscriber.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(message.value!.toString()) as ChangeCloudEvent;
        received.set(event.id, event);
      },
    });
    const outbox = await scenario.db.query<{ event_id: string }[]>(
      `SELECT event_id FROM change_event`,
    );
    await waitFor(async () => (received.size >= outbox.length ? true : undefined), {
      timeoutMs: 60_000,
      what: 'every outbox event on the topic',
    });
    expect(new Set(received.keys())).toEqual(new Set(outbox.map((e) => e.event_id)));
  });
});
