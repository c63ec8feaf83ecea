import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@hub/persistence';
import { generateMixedStream } from '../generators/mixed-stream';
import {
  ADMIN_READ,
  failedBatches,
  startHubProcesses,
  statusOf,
  type HubProcesses,
} from '../support/hub-processes';
import { hubTopics } from '../support/hub-topics';
import {
  startPostgresServerProcess,
  type PostgresServerProcess,
} from '../support/postgres-server-process';
import {
  eventsMissingFromTopic,
  expectedEndState,
  produceStream,
  storedSoFar,
  streamEndState,
  streamStored,
} from '../support/stream-end-state';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

/**
 * PostgreSQL restarted while the hub takes a stream (issue 38, "every fault is survived"): the
 * built ingest, relay and API on a PostgreSQL of the test's own, stopped mid-stream (a fast
 * shutdown: every session ended, connections refused) and started again on the same port and
 * data. Nobody restarts the processes: each must find the database again by itself. Meanwhile
 * the API says it cannot serve (503, which a load balancer and a client retry on) rather than
 * hang or fail with 500; after, nothing of the stream is missing, in the model or on the change
 * topic.
 */
describe('the hub across a PostgreSQL restart', () => {
  const stream = generateMixedStream({ records: 1200, seed: 3801 });
  const prefix = `pgr-${randomUUID().slice(0, 8)}.`;
  const config = testConfig({ KAFKA_TOPIC_PREFIX: prefix });
  const cleanups: (() => Promise<unknown>)[] = [];
  /** How long the database stays down: past kafkajs's first few retries of the failed batch. */
  const OUTAGE_MS = 5000;

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('ingest and relay recover by themselves, the API answers 503 meanwhile, nothing is lost', async () => {
    const postgres: PostgresServerProcess = await startPostgresServerProcess({
      // As deployed (POSTGRES_WRITE_HEAVY_SETTINGS): resolution's advisory locks outgrow the
      // default lock table, and deadlocks between the two ingest transactions resolve sooner.
      max_locks_per_transaction: '512',
      deadlock_timeout: '200ms',
    });
    cleanups.push(() => postgres.stop());
    const kafka = await hubTopics(config, 3);
    const hub: HubProcesses = await startHubProcesses({
      databaseUrl: postgres.url,
      brokers: config.kafka!.brokers.join(','),
      prefix,
      // A request waits at most 2 s for a connection before its 503 (5 s by default).
      env: { HUB_DB_ACQUIRE_TIMEOUT_MS: '2000' },
    });
    cleanups.push(() => hub.kill());
    // The test's own view of the database; its pool reconnects after the restart.
    const db = await new DataSource(dataSourceOptions(postgres.url, 2)).initialize();
    cleanups.push(() => db.destroy());

    const half = Math.floor(stream.messages.length / 2);
    await produceStream(kafka, prefix, stream.messages.slice(0, half));
    // Mid-stream: some of the first half stored, the rest on its way.
    await waitFor(async () => ((await storedSoFar(db))!.stored > half / 4 ? true : undefined), {
      timeoutMs: 60_000,
      intervalMs: 20,
      what: 'part of the first half stored',
    });
    const [person] = await db.query<{ id: string }[]>(
      `SELECT id FROM person WHERE merged_into IS NULL LIMIT 1`,
    );
    const personUrl = `${hub.urls.api}/v1/persons/${person.id}`;
    expect(await statusOf(personUrl, ADMIN_READ)).toBe(200);
    expect(await statusOf(`${hub.urls.api}/ready`)).toBe(200);

    await postgres.stopKeepingData();
    const down = Date.now();
    expect(await storedSoFar(db)).toBeUndefined();
    // The departments go on sending while the database is away.
    await produceStream(kafka, prefix, stream.messages.slice(half));
    const unavailable = async (url: string, headers?: Record<string, string>) =>
      waitFor(async () => ((await statusOf(url, headers)) === 503 ? true : undefined), {
        timeoutMs: OUTAGE_MS,
        what: `503 from ${url}`,
      });
    await unavailable(`${hub.urls.api}/ready`);
    await unavailable(personUrl, ADMIN_READ);
    // The ingest and the relay cannot work without it either, and say so.
    await unavailable(`${hub.urls.ingest}/ready`);
    await unavailable(`${hub.urls.relay}/ready`);
    // The fault's length, not a wait for a condition.
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - down))));
    expect(await statusOf(personUrl, ADMIN_READ)).toBe(503);
    // The outage came mid-stream: the ingest's batches failed (and kafkajs retried them).
    expect(failedBatches(hub.ingest.output)).toBeGreaterThan(0);
    expect(hub.exited()).toEqual([]);

    await postgres.start();
    const up = Date.now();
    const available = async (url: string, headers?: Record<string, string>) =>
      waitFor(async () => ((await statusOf(url, headers)) === 200 ? Date.now() - up : undefined), {
        timeoutMs: 30_000,
        what: `200 from ${url} again`,
      });
    const readyAfter = await available(`${hub.urls.api}/ready`);
    await available(personUrl, ADMIN_READ);
    await streamStored(db, stream.expected, 60_000);
    const storedAfter = Date.now() - up;
    expect(await streamEndState(db)).toEqual(expectedEndState(stream.expected));
    const { outbox, missing } = await eventsMissingFromTopic(db, kafka, config, 60_000);
    expect(outbox).toBeGreaterThan(stream.expected.accepted);
    expect(missing).toEqual([]);
    console.log(
      `PostgreSQL down ${((up - down) / 1000).toFixed(1)} s; after its start, the API ready in ` +
        `${(readyAfter / 1000).toFixed(1)} s, the whole stream stored in ${(storedAfter / 1000).toFixed(1)} s`,
    );

    // Each process recovered by itself: none exited, all ready, and each stops cleanly.
    expect(hub.exited()).toEqual([]);
    for (const url of Object.values(hub.urls)) expect(await statusOf(`${url}/ready`)).toBe(200);
    expect(await hub.stop()).toEqual({ ingest: 0, relay: 0, api: 0 });
  });
});
