import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  restartBroker,
  startBroker,
  stopBroker,
  type RunningBroker,
} from '../../scripts/kafka-broker';
import { generateMixedStream } from '../generators/mixed-stream';
import { startHubProcesses, statusOf, type HubProcesses } from '../support/hub-processes';
import { hubTopics } from '../support/hub-topics';
import { scenarioDatabase } from '../support/scenario-database';
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
 * The Kafka broker restarted while the hub takes a stream (issue 38, "every fault is survived"):
 * the built ingest, relay and API on a broker of the test's own, stopped mid-stream and started
 * again on the same ports with its data. Nobody restarts the processes: the ingest and the relay
 * must find the broker again by themselves. The API does not use Kafka, so its readiness must
 * not flicker (a broker restart would otherwise take every replica out of its load balancer);
 * after, nothing of the stream is missing, in the model or on the change topic.
 */
describe('the hub across a Kafka broker restart', () => {
  const stream = generateMixedStream({ records: 1200, seed: 3802 });
  const prefix = `kbr-${randomUUID().slice(0, 8)}.`;
  const cleanups: (() => Promise<unknown>)[] = [];
  /** How long the broker stays down besides its own stop and start (which take seconds). */
  const OUTAGE_MS = 1000;

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('ingest and relay recover by themselves, the API stays ready, nothing is lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-broker-restart-'));
    const broker: RunningBroker = await startBroker({ dir, stateFile: join(dir, 'state.json') });
    cleanups.push(() => stopBroker(broker));
    const scenario = await scenarioDatabase();
    cleanups.push(scenario.drop);
    const config = testConfig({ KAFKA_BROKERS: broker.brokers, KAFKA_TOPIC_PREFIX: prefix });
    const kafka = await hubTopics(config, 3);
    const hub: HubProcesses = await startHubProcesses({
      databaseUrl: scenario.url,
      brokers: broker.brokers,
      prefix,
      // A member the restarted broker's group coordinator lost track of is given up after 6 s
      // (the least the broker allows) rather than 10, its heartbeats a third of that.
      env: { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '2000' },
    });
    cleanups.push(() => hub.kill());

    // The API's readiness, every 100 ms from before the outage to the end of the stream.
    const notReady: { atMs: number; status: number }[] = [];
    let polls = 0;
    let polling = true;
    const pollStart = Date.now();
    const poller = (async () => {
      while (polling) {
        const status = await statusOf(`${hub.urls.api}/ready`);
        polls++;
        if (status !== 200) notReady.push({ atMs: Date.now() - pollStart, status });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    cleanups.push(async () => {
      polling = false;
      await poller;
    });

    const cut = Math.floor((stream.messages.length * 2) / 3);
    await produceStream(kafka, prefix, stream.messages.slice(0, cut));
    // Mid-stream: some of what was sent stored, the rest still to be fetched or under way.
    await waitFor(
      async () => ((await storedSoFar(scenario.db))!.stored > cut / 5 ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 20, what: 'part of the stream stored' },
    );

    await stopBroker(broker, { keepData: true });
    const down = Date.now();
    // The fault's length, not a wait for a condition.
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const duringOutage = await storedSoFar(scenario.db);
    expect(duringOutage!.stored).toBeLessThan(stream.expected.accepted + stream.expected.stale);
    expect(hub.exited()).toEqual([]);
    // The ingest and the relay cannot work without the broker, and say so.
    expect(await statusOf(`${hub.urls.ingest}/ready`)).toBe(503);
    expect(await statusOf(`${hub.urls.relay}/ready`)).toBe(503);

    await restartBroker(broker);
    const up = Date.now();
    await produceStream(kafka, prefix, stream.messages.slice(cut));
    await streamStored(scenario.db, stream.expected, 60_000);
    const storedAfter = Date.now() - up;
    expect(await streamEndState(scenario.db)).toEqual(expectedEndState(stream.expected));
    const { outbox, missing } = await eventsMissingFromTopic(scenario.db, kafka, config, 60_000);
    expect(outbox).toBeGreaterThan(stream.expected.accepted);
    expect(missing).toEqual([]);
    polling = false;
    await poller;
    console.log(
      `broker down ${((up - down) / 1000).toFixed(1)} s (its start included); after, the whole ` +
        `stream stored in ${(storedAfter / 1000).toFixed(1)} s; /ready polled ${polls} times`,
    );

    // Each process recovered by itself: none exited (its output, if one did), all ready, and
    // each stops cleanly.
    expect(hub.exited()).toEqual([]);
    expect(polls).toBeGreaterThan((up - down) / 1000);
    expect(notReady).toEqual([]);
    for (const url of Object.values(hub.urls)) expect(await statusOf(`${url}/ready`)).toBe(200);
    expect(await hub.stop()).toEqual({ ingest: 0, relay: 0, api: 0 });
  });
});
