import { randomUUID } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import { SchemaRegistry } from '@hub/contracts';
import type { ChangeCloudEvent } from '@hub/changes';
import { PRODUCER_CONFIG } from '@hub/kafka';
import { createApiApp } from '../../apps/api/src/api-app';
import { generateMixedStream } from '../generators/mixed-stream';
import { prepareTestAccess } from '../support/access';
import { AppProcess } from '../support/app-process';
import { freePort } from '../support/free-port';
import { hubTopics, subscribeToChanges } from '../support/hub-topics';
import { scenarioDatabase } from '../support/scenario-database';
import { readChangeFeed } from '../support/http-client';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

/**
 * The outbox relay: two ingest processes with the relay on (one lease), the lease holder
 * SIGKILLed mid-stream and started again. A subscriber reading hub.changes.v1 from the start
 * gets every event of the outbox, duplicates only as repeats of ids it has seen, each entity's
 * events in sequence, and rebuilds the person table.
 */
describe('change events on Kafka', () => {
  const schemas = new SchemaRegistry();
  const changeEventSchema = schemas.validator('events/change-event.schema.json');
  const stream = generateMixedStream({ records: 2500, seed: 8080 });
  const prefix = `rel-${randomUUID().slice(0, 8)}.`;
  const config = testConfig({ KAFKA_TOPIC_PREFIX: prefix });
  const cleanups: (() => Promise<unknown>)[] = [];

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('publishes the whole outbox once more at most, across a relay crash and a second process', async () => {
    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const kafka = await hubTopics(config, 3);
    const producer = kafka.producer(PRODUCER_CONFIG);
    await producer.connect();
    for (let i = 0; i < stream.messages.length; i += 500)
      await producer.sendBatch({
        topicMessages: stream.messages.slice(i, i + 500).map((m) => ({
          topic: `${prefix}${m.topic}`,
          messages: [{ key: m.key, value: m.value }],
        })),
      });
    await producer.disconnect();

    const received: { key: string; event: ChangeCloudEvent; contentType: string }[] = [];
    const subscriber = await subscribeToChanges(kafka, config, (message) =>
      received.push({
        key: message.key!.toString(),
        event: JSON.parse(message.value!.toString()) as ChangeCloudEvent,
        contentType: message.headers?.['content-type']?.toString() ?? '',
      }),
    );
    cleanups.push(() => subscriber.disconnect());

    const env = {
      DATABASE_URL: scenario.url,
      KAFKA_BROKERS: config.kafka!.brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_GROUP_ID: `rel-${randomUUID()}`,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
    };
    const start = async () => {
      const p = AppProcess.start('ingest', { ...env, INGEST_HTTP_PORT: String(await freePort()) });
      cleanups.push(() => p.stop('SIGKILL'));
      return p;
    };
    const first = await start();
    const second = await start();
    await waitFor(async () => (received.length > 300 ? true : undefined), {
      timeoutMs: 90_000,
      intervalMs: 50,
      what: 'the first published events',
    });
    // Exactly one relay holds the lease while both processes run.
    const leases = await scenario.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = 2 AND granted`,
      [0x6875625f],
    );
    expect(Number(leases[0].n)).toBe(1);
    await first.stop('SIGKILL');
    await second.stop('SIGKILL');
    await start();

    const expectedStored = stream.expected.accepted + stream.expected.stale;
    await waitFor(
      async () => {
        const [{ stored, events }] = await scenario.db.query<{ stored: string; events: string }[]>(
          `SELECT (SELECT count(*) FROM source_record) AS stored,
                  (SELECT count(*) FROM change_event) AS events`,
        );
        const ids = new Set(received.map((r) => r.event.id));
        return Number(stored) === expectedStored && ids.size === Number(events) ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: 'every event to reach the subscriber' },
    );

    const outbox = await scenario.db.query<
      { event_id: string; entity_id: string; entity_seq: string }[]
    >(`SELECT event_id, entity_id, entity_seq FROM change_event`);
    const byId = new Map(outbox.map((e) => [e.event_id, e]));
    const firstSeen = new Map<string, string>();
    for (const { key, event, contentType } of received) {
      expect(contentType).toBe('application/cloudevents+json; charset=UTF-8');
      expect(new CloudEvent(event as never).id).toBe(event.id);
      expect(changeEventSchema(event) ? '' : schemas.describe(changeEventSchema.errors)).toBe('');
      // Nothing invented: each event is an outbox row, keyed by its entity.
      expect(byId.get(event.id)).toMatchObject({
        entity_id: event.subject,
        entity_seq: event.entityseq,
      });
      expect(key).toBe(event.subject);
      // A duplicate is the same event again.
      const json = JSON.stringify(event);
      expect(firstSeen.get(event.id) ?? json).toBe(json);
      firstSeen.set(event.id, json);
    }
    expect(firstSeen.size).toBe(outbox.length);

    // Per entity, dropping duplicates by id leaves the sequence 1, 2, 3, … in arrival order.
    const seen = new Set<string>();
    const lastSeq = new Map<string, number>();
    const persons = new Map<string, Record<string, unknown>>();
    for (const { event } of received) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
      const seq = Number(event.entityseq);
      expect(seq).toBe((lastSeq.get(event.subject) ?? 0) + 1);
      lastSeq.set(event.subject, seq);
      if (event.entitytype !== 'person') continue;
      // merged, split and cancelled-ended events carry no values; a merged person is a tombstone.
      if ('attributes' in event.data)
        persons.set(event.subject, { ...(event.data.attributes as Record<string, unknown>) });
      else if (event.type.endsWith('.merged'))
        persons.get(event.subject)!.mergedInto = event.data.into;
    }
    const table = await scenario.db.query<{ id: string; mergedInto: string | null }[]>(
      `SELECT id, name, id_number AS "idNumber", gender, birth_date AS "birthDate", status, phone, flags, division_code AS "divisionCode",
              merged_into AS "mergedInto"
         FROM person`,
    );
    expect(persons.size).toBe(table.length);
    for (const { id, mergedInto, ...attributes } of table)
      expect(persons.get(id)).toEqual(mergedInto ? { ...attributes, mergedInto } : attributes);

    // The HTTP change feed from cursor 0 gives the same events, in the same per-entity order.
    const api = await createApiApp(testConfig(), scenario.url);
    cleanups.push(() => api.close());
    await api.init();
    await prepareTestAccess(api);
    const { events: overHttp } = await readChangeFeed(api);
    const perEntity = (events: ChangeCloudEvent[]) => {
      const ids = new Map<string, string[]>();
      for (const e of events) ids.set(e.subject, [...(ids.get(e.subject) ?? []), e.id]);
      return ids;
    };
    const once = new Set<string>();
    const kafkaOnce = received.map((r) => r.event).filter((e) => !once.has(e.id) && once.add(e.id));
    expect(perEntity(overHttp)).toEqual(perEntity(kafkaOnce));
    for (const event of overHttp) expect(JSON.parse(firstSeen.get(event.id)!)).toEqual(event);
  });
});
