import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { requireKafka } from '@hub/config';
import { FeedCatalog } from '@hub/feeds';
import { createKafka, ensureTopics, PRODUCER_CONFIG } from '@hub/kafka';
import { createApiApp } from '../../apps/api/src/api-app';
import { createIngestApp, ingestTopics } from '../../apps/ingest/src/ingest-app';
import { generateMixedStream } from '../generators/mixed-stream';
import { prepareTestAccess } from '../support/access';
import { AppProcess } from '../support/app-process';
import { freePort } from '../support/free-port';
import { countsByStatus, modelSnapshot } from '../support/model-snapshot';
import { scenarioDatabase } from '../support/scenario-database';
import { pushOverHttp } from '../support/http-client';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

/**
 * ~10,000 messages across the three feeds with 5% redeliveries, 5% out-of-order versions and
 * 2% invalid records, delivered four ways (Kafka, Kafka with the ingest process SIGKILLed
 * mid-stream, Kafka with the ingest's database sessions terminated mid-stream, HTTP push), each
 * into a database of its own: all end in exactly the expected rows and rejects, and in the
 * same state.
 */
describe('a generated mixed stream', () => {
  const stream = generateMixedStream({ records: 4700, seed: 20231124 });
  const { expected } = stream;
  const rejectedTotal = Object.values(expected.rejected).reduce((a, b) => a + b, 0);
  const prefix = `mix-${randomUUID().slice(0, 8)}.`;
  const base = testConfig({ KAFKA_TOPIC_PREFIX: prefix });
  const cleanups: (() => Promise<unknown>)[] = [];
  let reference: Awaited<ReturnType<typeof modelSnapshot>>;

  const finished = (db: DataSource) =>
    waitFor(
      async () => {
        const [{ stored, rejects }] = await db.query<{ stored: string; rejects: string }[]>(
          `SELECT (SELECT count(*) FROM source_record) AS stored, (SELECT count(*) FROM reject) AS rejects`,
        );
        const done =
          Number(stored) === expected.accepted + expected.stale &&
          Number(rejects) === rejectedTotal;
        return done ? true : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 250, what: 'the whole stream to be stored' },
    );

  beforeAll(async () => {
    expect(stream.messages.length).toBeGreaterThanOrEqual(10_000);
    const kafka = createKafka(requireKafka(base));
    await ensureTopics(kafka, ingestTopics(FeedCatalog.forConfig(base)), {
      partitions: 3,
      replicationFactor: 1,
    });
    const producer = kafka.producer(PRODUCER_CONFIG);
    await producer.connect();
    // Sequential sends keep each key's messages in stream order within its partition.
    for (let i = 0; i < stream.messages.length; i += 500) {
      await producer.sendBatch({
        topicMessages: stream.messages.slice(i, i + 500).map((m) => ({
          topic: `${prefix}${m.topic}`,
          messages: [{ key: m.key, value: m.value }],
        })),
      });
    }
    await producer.disconnect();
  });

  /** A scenario database with an ingest app of its own group consuming the stream into it. */
  const ingestInProcess = async (group: string) => {
    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const config = testConfig({
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_GROUP_ID: `${group}-${randomUUID()}`,
    });
    const app: INestApplication = await createIngestApp(config, scenario.url);
    cleanups.push(() => app.close());
    await app.startAllMicroservices();
    await app.init();
    return scenario;
  };

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('through Kafka ends in exactly the expected rows and rejects', async () => {
    const scenario = await ingestInProcess('mix-a');
    await finished(scenario.db);

    const statuses = await countsByStatus(scenario.db);
    expect((statuses.accepted ?? 0) + (statuses.cancelled ?? 0)).toBe(expected.accepted);
    expect(statuses.stale ?? 0).toBe(expected.stale);
    const rejects: { reason: string; n: string }[] = await scenario.db.query(
      `SELECT reason, count(*) AS n FROM reject GROUP BY 1`,
    );
    expect(Object.fromEntries(rejects.map((r) => [r.reason, Number(r.n)]))).toEqual(
      Object.fromEntries(Object.entries(expected.rejected).filter(([, n]) => n > 0)),
    );
    const heads: { feed: string; source_record_id: string; version: string; cancelled: boolean }[] =
      await scenario.db.query(
        `SELECT h.feed, h.source_record_id, s.version, h.cancelled FROM feed_record_head h JOIN source_record s ON s.id = h.current_id`,
      );
    expect(
      Object.fromEntries(
        heads.map((h) => [
          `${h.feed}:${h.source_record_id}`,
          { version: h.version, cancelled: h.cancelled },
        ]),
      ),
    ).toEqual(expected.finalVersions);
    reference = await modelSnapshot(scenario.db);
    expect(reference.facts.length).toBeGreaterThan(expected.accepted);
  });

  it('through Kafka with the ingest process SIGKILLed mid-stream ends in the same state', async () => {
    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const env = {
      DATABASE_URL: scenario.url,
      KAFKA_BROKERS: base.kafka!.brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_GROUP_ID: `mix-b-${randomUUID()}`,
      INGEST_HTTP_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      // The killed member's partitions move on once its session times out.
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      HUB_CHANGE_RELAY: 'false',
    };
    const first = AppProcess.start('ingest', env);
    cleanups.push(() => first.stop('SIGKILL'));
    await waitFor(
      async () => {
        const [{ n }] = await scenario.db.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM source_record`,
        );
        return Number(n) > 1000 ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 20, what: 'some progress before the kill' },
    );
    await first.stop('SIGKILL');
    const [{ n: atKill }] = await scenario.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM source_record`,
    );
    expect(Number(atKill)).toBeLessThan(expected.accepted + expected.stale);

    const second = AppProcess.start('ingest', env);
    cleanups.push(() => second.stop('SIGKILL'));
    await finished(scenario.db);
    expect(await modelSnapshot(scenario.db)).toEqual(reference);
  });

  it('through Kafka with two ingest processes in one group, one SIGKILLed mid-stream, ends in the same state', async () => {
    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const groupId = `mix-e-${randomUUID()}`;
    const start = async () => {
      const ingest = AppProcess.start('ingest', {
        DATABASE_URL: scenario.url,
        KAFKA_BROKERS: base.kafka!.brokers.join(','),
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_GROUP_ID: groupId,
        INGEST_HTTP_PORT: String(await freePort()),
        LOG_LEVEL: 'warn',
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        HUB_CHANGE_RELAY: 'false',
      });
      cleanups.push(() => ingest.stop('SIGKILL'));
      return ingest;
    };
    const [first, second] = [await start(), await start()];
    // Both share the partitions (scale-out) before one is killed.
    const admin = createKafka(requireKafka(base)).admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const [group] = (await admin.describeGroups([groupId])).groups;
          return group.state === 'Stable' && group.members.length === 2 ? true : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 100, what: 'two members sharing the partitions' },
      );
    } finally {
      await admin.disconnect();
    }
    await first.stop('SIGKILL');
    const [{ n: atKill }] = await scenario.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM source_record`,
    );
    expect(Number(atKill)).toBeLessThan(expected.accepted + expected.stale);
    // The other takes the killed one's partitions over once its session times out.
    await finished(scenario.db);
    expect(second.child.exitCode).toBeNull();
    expect(await modelSnapshot(scenario.db)).toEqual(reference);
  });

  it('through Kafka with its database sessions terminated mid-stream ends in the same state', async () => {
    const scenario = await ingestInProcess('mix-c');
    const progress = async () => {
      const [{ n }] = await scenario.db.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM source_record`,
      );
      return Number(n);
    };
    // Each time, the ingest's transactions then under way fail (as on a server restart or a
    // network cut): their batches are read again, the partitions behind them wait.
    let terminated = 0;
    for (const after of [1000, 3000, 6000]) {
      await waitFor(async () => ((await progress()) > after ? true : undefined), {
        timeoutMs: 120_000,
        intervalMs: 20,
        what: `${after} source records before the cut`,
      });
      await waitFor(
        async () => {
          const [{ n }] = await scenario.db.query<{ n: string }[]>(
            `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid()
                AND state IN ('active', 'idle in transaction')`,
          );
          terminated += Number(n);
          return Number(n) > 0 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 5, what: 'a transaction under way to cut' },
      );
    }
    expect(terminated).toBeGreaterThanOrEqual(3);
    expect(await progress()).toBeLessThan(expected.accepted + expected.stale);
    await finished(scenario.db);
    expect(await modelSnapshot(scenario.db)).toEqual(reference);
  });

  it('through HTTP push ends in the same state', async () => {
    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const api = await createApiApp(testConfig(), scenario.url);
    cleanups.push(() => api.close());
    await api.init();
    await prepareTestAccess(api);
    const totals = await pushOverHttp(api, stream.messages, 2000);
    expect(totals).toEqual({
      accepted: expected.accepted,
      duplicate: expected.duplicate,
      stale: expected.stale,
      rejected: rejectedTotal,
    });
    expect(await modelSnapshot(scenario.db)).toEqual(reference);
  });
});
