import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { cloudEventJson, type ChangeEventRow } from '@hub/changes';
import { CHANGES_TOPIC } from '@hub/config';
import { PRODUCER_CONFIG } from '@hub/kafka';
import { normalizeIdNumber } from '@hub/normalize';
import { dataSourceOptions, runMigrationsLocked } from '@hub/persistence';
import { generateMixedStream } from '../test/generators/mixed-stream';
import { AppProcess } from '../test/support/app-process';
import { freePort } from '../test/support/free-port';
import { createRunDatabase } from '../test/support/test-services';
import { BOOTSTRAP_TOKEN, TEST_PURPOSE, TEST_SECRETS_KEY } from '../test/support/access';
import { benchKafka, benchRelay, hubSettingsFromEnvironment } from './bench-kafka';
import { type Arrivals, subscribeToChangeFeed } from './change-feed-subscribers';
import { dropUnlessKept } from './bench-services';
import { metricSums } from './ingest-metrics-scrape';

/** Change events at one steady rate. */
export interface ChangeLatencyStep {
  /** Department records produced per second, steadily, across the three feeds. */
  rate: number;
  seconds: number;
  /** Police records (with an ID number no other message has) whose person event was timed. */
  matched: number;
  /** From producing the record to consuming its change event from hub.changes.v1. */
  latencyMs: Latency;
  /**
   * The same events through the API's HTTP change feed: a subscriber long-polling
   * (`?wait=30`) and one reading the Server-Sent Events stream, each from its own connection.
   */
  longPollMs: Latency;
  sseMs: Latency;
  /** The largest latency of the records produced in each 5 s of the step. */
  maxMsBy5Seconds: number[];
  /** Records produced and not yet committed by the ingest, every 5 s of the step. */
  ingestLagBy5Seconds: number[];
  /** The backlog grew by more than a second's worth of records over the step: the rate is more than the ingest takes. */
  backlogGrew: boolean;
  /** After the step, until the ingest had caught up again (the next step starts then). */
  drainSeconds: number;
}

export interface Latency {
  p50: number;
  p99: number;
  max: number;
  /** Probe events timed (those that did not arrive are left out and counted in `missing`). */
  matched: number;
  missing?: number;
}

export interface ChangeLatency {
  /** Before the timed steps, at the first step's rate: the ingest's code and caches warm up. */
  warmUpSeconds: number;
  /** One per offered rate, in the order run. */
  steps: ChangeLatencyStep[];
  /** The highest rate offered whose backlog did not grow (null: even the lowest grew). */
  sustainedRate: number | null;
  /**
   * Over the whole stream: batch transactions PostgreSQL aborted to break a deadlock, and the
   * seconds those attempts took. PostgreSQL looks for a deadlock only after a lock wait of
   * deadlock_timeout, so each adds that much to its records' latency.
   */
  deadlocks: { retries: number; seconds: number };
  /** A backlog of outbox events published by a relay that starts with them waiting. */
  relay: { events: number; seconds: number; eventsPerSecond: number };
  /** Raw kafkajs produce of the same events (same sizes, batches of 500, acks from all). */
  produceCeiling: { messages: number; seconds: number; messagesPerSecond: number };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** p50, p99 and max of sorted milliseconds, rounded. */
const percentiles = (sorted: number[]): Latency => ({
  p50: Math.round(percentile(sorted, 50) ?? NaN),
  p99: Math.round(percentile(sorted, 99) ?? NaN),
  max: Math.round(sorted[sorted.length - 1] ?? NaN),
  matched: sorted.length,
});

/** Whether the API answers /ready. */
const ready = (url: string) =>
  fetch(`${url}/ready`).then(
    (r) => r.ok,
    () => false,
  );

/**
 * Change events end to end, as a curve: the built ingest process and the relay (its own process
 * as deployed, or inside the ingest: see benchRelay) take department records at each of `rates`
 * in turn, steadily for `seconds`, each step starting once the ingest has caught up with the one
 * before; a subscriber on hub.changes.v1 matches each population record's person event by ID
 * number. The first `warmUpSeconds` (at the first rate) are not timed: at the start the ingest
 * runs unoptimized code against cold caches and falls behind for a while. Then the relay's own
 * rate on a backlog, beside plain produce of the same events.
 */
export async function measureChangeLatency(
  serverUrl: string,
  brokers: string,
  {
    rates = [50, 200, 400, 600, 800, 1000],
    warmUpSeconds = 10,
    seconds = 30,
    log = (_: string): void => undefined,
  } = {},
): Promise<ChangeLatency> {
  const prefix = `lat-${randomUUID().slice(0, 8)}.`;
  const changes = `${prefix}${CHANGES_TOPIC}`;
  const { kafka, admin, topics } = await benchKafka(brokers, prefix, 6);
  const database = await createRunDatabase(serverUrl);
  const ds = await new DataSource(dataSourceOptions(database.url, 2)).initialize();
  await runMigrationsLocked(ds);

  const warmUpRecords = rates[0] * warmUpSeconds;
  /** Where each step's records start in the stream (after the warm-up), and where they end. */
  const bounds = rates.reduce<number[]>(
    (b, rate) => [...b, b[b.length - 1] + rate * seconds],
    [warmUpRecords],
  );
  const total = bounds[bounds.length - 1];
  const stepOf = (i: number) => bounds.findIndex((end) => i < end) - 1;
  const stream = generateMixedStream({
    records: Math.ceil(total / 2),
    seed: 7,
    redeliveryRate: 0,
    outOfOrderRate: 0,
    invalidRate: 0,
  });
  const messages = stream.messages.slice(0, total);
  const warmUp = generateMixedStream({ records: 50, seed: 8, redeliveryRate: 0, invalidRate: 0 });
  // Probes: police records whose ID number occurs in no other message, so exactly one person
  // event (its creation) carries it.
  // (Legacy 15-digit forms count as their 18-digit upgrade.)
  const occurrences = new Map<string, number>();
  for (const m of [...warmUp.messages, ...messages])
    for (const raw of m.value.match(/(?<![0-9])([0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9])/g) ?? []) {
      const id = normalizeIdNumber(raw)?.value ?? raw;
      occurrences.set(id, (occurrences.get(id) ?? 0) + 1);
    }
  const probes = new Map<(typeof messages)[number], { id: string; step: number }>();
  const seenKeys = new Set(warmUp.messages.map((m) => m.key));
  for (const [i, m] of messages.entries()) {
    if (!m.topic.startsWith('ps.') || seenKeys.has(m.key)) continue;
    seenKeys.add(m.key);
    if (i < warmUpRecords) continue;
    const record = JSON.parse(m.value) as { GMSFHM: string; BDLX: string };
    const id = normalizeIdNumber(record.GMSFHM);
    // The record's first message creates its person, whose creation event carries the ID.
    if (record.BDLX !== 'ZX' && id?.valid && occurrences.get(id.value) === 1)
      probes.set(m, { id: id.value, step: stepOf(i) });
  }
  const sentAt = new Map<string, { at: number; step: number }>();
  /** Each probe: its step, when its record was produced, and how long its event took. */
  const timed: { step: number; at: number; ms: number; eventId: string }[] = [];
  const consumer = kafka.consumer({ groupId: `lat-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: changes, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString()) as {
        id: string;
        type: string;
        data: { attributes?: { idNumber?: string } };
      };
      // Merged, split and cancelled-ended events carry no attributes.
      const id = event.data.attributes?.idNumber;
      const sent = id === undefined ? undefined : sentAt.get(id);
      if (sent !== undefined && event.type.startsWith('cn.gov.hub.person.')) {
        timed.push({ ...sent, ms: performance.now() - sent.at, eventId: event.id });
        sentAt.delete(id!);
      }
    },
  });

  const groupId = `lat-${randomUUID()}`;
  const feedTopics = topics.filter((t) => t !== changes && !t.endsWith('.dlq'));
  const ingestLag = async () => {
    let lag = 0;
    for (const topic of feedTopics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const end of ends) {
        const committed = Number(
          partitions.find((p) => p.partition === end.partition)?.offset ?? -1,
        );
        lag += Number(end.high) - Math.max(0, committed);
      }
    }
    return lag;
  };
  const env = {
    DATABASE_URL: database.url,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_GROUP_ID: groupId,
    KAFKA_TOPIC_PARTITIONS: '0',
    LOG_LEVEL: 'error',
    ...hubSettingsFromEnvironment(),
  };
  let relay = await benchRelay.start(env);
  const ingestPort = await freePort();
  let ingest = AppProcess.start(
    'ingest',
    { ...env, ...benchRelay.ingestSettings(), INGEST_HTTP_PORT: String(ingestPort) },
    // as in ingest-throughput: BENCH_INGEST_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"
    process.env.BENCH_INGEST_NODE_ARGS?.split(' ').filter(Boolean),
  );
  // The API on the same database, for the HTTP change feed's subscribers.
  const apiUrl = `http://127.0.0.1:${await freePort()}`;
  const api = AppProcess.start('api', {
    DATABASE_URL: database.url,
    PORT: new URL(apiUrl).port,
    HUB_BOOTSTRAP_ADMIN_TOKEN: BOOTSTRAP_TOKEN,
    HUB_SECRETS_KEY: TEST_SECRETS_KEY,
    // Its long-poll returns at each new event: up to ten requests a second at the low rates.
    HUB_RATE_LIMIT_PER_MINUTE: '100000',
    LOG_LEVEL: 'error',
  });
  let subscribers: ReturnType<typeof subscribeToChangeFeed> | undefined;
  const producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
  const send = (slice: typeof messages) =>
    producer.sendBatch({
      topicMessages: slice.map((m) => ({
        topic: `${prefix}${m.topic}`,
        messages: [{ key: m.key, value: m.value }],
      })),
    });
  try {
    // Warm-up (not measured): the ingest joins its group and the relay takes its lease.
    await send(warmUp.messages);
    let events = 0;
    const counting = kafka.consumer({ groupId: `lat-warm-${randomUUID()}` });
    await counting.connect();
    await counting.subscribe({ topic: changes, fromBeginning: true });
    await counting.run({ eachBatch: async ({ batch }) => void (events += batch.messages.length) });
    for (const deadline = Date.now() + 90_000; events === 0;) {
      if (Date.now() > deadline) throw new Error(`no change event in 90 s:\n${ingest.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await counting.disconnect();
    for (const deadline = Date.now() + 90_000; !(await ready(apiUrl));) {
      if (Date.now() > deadline || api.child.exitCode !== null)
        throw new Error(`the API did not get ready:\n${api.output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    subscribers = subscribeToChangeFeed({
      url: apiUrl,
      token: BOOTSTRAP_TOKEN,
      purpose: TEST_PURPOSE,
    });
    /** Produces `slice` steadily at `rate` records/s; samples the ingest's lag every 5 s. */
    const produceAt = async (slice: typeof messages, rate: number) => {
      const tick = 100; // ms: rate / 10 records per tick, on a schedule that does not drift
      const perTick = Math.max(1, Math.round((rate * tick) / 1000));
      const start = performance.now();
      const lags: Promise<number>[] = [];
      for (let i = 0, n = 0; i < slice.length; i += perTick, n++) {
        if (n % 50 === 0) lags.push(ingestLag());
        const wait = start + n * tick - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const part = slice.slice(i, i + perTick);
        const now = performance.now();
        for (const m of part) {
          const probe = probes.get(m);
          if (probe) sentAt.set(probe.id, { at: now, step: probe.step });
        }
        await send(part);
      }
      lags.push(ingestLag());
      return { start, lags: await Promise.all(lags) };
    };
    /** Waits until every probe sent has its event and the ingest's lag is under `records`. */
    const drain = async (records: number) => {
      const started = performance.now();
      const deadline = Date.now() + 180_000;
      while ((sentAt.size > 0 || (await ingestLag()) > records) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      if (sentAt.size > 0) {
        const missing = [...probes].filter(([, p]) => sentAt.has(p.id));
        const persons = await ds.query<unknown[]>(
          `SELECT p.id_number, p.change_seq, (SELECT count(*) FROM change_event e WHERE e.entity_id = p.id) AS events
             FROM person p WHERE p.id_number = ANY($1)`,
          [missing.map(([, p]) => p.id)],
        );
        throw new Error(
          `${sentAt.size} person events did not arrive: ${JSON.stringify(missing.slice(0, 3).map(([m]) => m.value))} ${JSON.stringify(persons)}`,
        );
      }
      // The HTTP subscribers too (a probe they never get counts as missing).
      const probeEvents = () => timed.map((t) => t.eventId);
      const httpDeadline = Date.now() + 60_000;
      while (
        Date.now() < httpDeadline &&
        probeEvents().some((id) => !subscribers!.longPoll.has(id) || !subscribers!.sse.has(id))
      )
        await new Promise((r) => setTimeout(r, 200));
      return Number(((performance.now() - started) / 1000).toFixed(1));
    };
    /** The latencies of step `s`'s probes as one subscriber received them. */
    const latencyThrough = (s: number, arrivals: Arrivals): Latency => {
      const probes = timed.filter((t) => t.step === s);
      const sorted = probes
        .filter((t) => arrivals.has(t.eventId))
        .map((t) => arrivals.get(t.eventId)! - t.at)
        .sort((x, y) => x - y);
      return {
        ...percentiles(sorted),
        missing: probes.length - sorted.length,
      };
    };
    log(`warm-up: ${warmUpRecords} records at ${rates[0]}/s, not timed`);
    await produceAt(messages.slice(0, warmUpRecords), rates[0]);
    await drain(rates[0]);
    const steps: ChangeLatencyStep[] = [];
    for (const [s, rate] of rates.entries()) {
      log(`step ${s + 1} of ${rates.length}: ${rate} records/s for ${seconds} s`);
      const { start, lags } = await produceAt(messages.slice(bounds[s], bounds[s + 1]), rate);
      const drainSeconds = await drain(rate);
      const sorted = timed
        .filter((t) => t.step === s)
        .map((t) => t.ms)
        .sort((x, y) => x - y);
      steps.push({
        rate,
        seconds,
        matched: sorted.length,
        latencyMs: percentiles(sorted),
        longPollMs: latencyThrough(s, subscribers.longPoll),
        sseMs: latencyThrough(s, subscribers.sse),
        maxMsBy5Seconds: Array.from({ length: Math.ceil(seconds / 5) }, (_, w) =>
          Math.round(
            Math.max(
              0,
              ...timed
                .filter((t) => t.step === s && Math.floor((t.at - start) / 5000) === w)
                .map((t) => t.ms),
            ),
          ),
        ),
        ingestLagBy5Seconds: lags,
        backlogGrew: lags[lags.length - 1] > lags[0] + rate,
        drainSeconds,
      });
      log(`step ${s + 1}: ${JSON.stringify(steps[steps.length - 1])}`);
    }

    const deadlocks = {
      retries: (await metricSums([ingestPort], 'hub_batch_retries_total{')).get('') ?? 0,
      seconds: Number(
        (
          (await metricSums([ingestPort], 'hub_batch_phase_seconds_sum{', /phase="(\w+)"/)).get(
            'retry',
          ) ?? 0
        ).toFixed(1),
      ),
    };

    // The relay alone: a backlog written with the relay off, published by a relay that starts.
    await subscribers.stop();
    await api.stop('SIGTERM');
    await ingest.stop('SIGTERM');
    await relay?.stop('SIGTERM');
    const [{ published }] = await ds.query<{ published: string }[]>(
      `SELECT position::text AS published FROM change_relay_cursor`,
    );
    await ds.query(`UPDATE change_relay_cursor SET position = 0`);
    const [{ backlog }] = await ds.query<{ backlog: number }[]>(
      `SELECT count(*)::int AS backlog FROM change_event`,
    );
    log(`relay: publishing a backlog of ${backlog} events (${published} were live)`);
    let received = 0;
    await consumer.stop();
    await consumer.disconnect();
    const counter = kafka.consumer({ groupId: `lat-count-${randomUUID()}` });
    await counter.connect();
    await counter.subscribe({ topic: changes, fromBeginning: false });
    // Timed from the first event received to the last: the process start is not the relay's.
    let firstAt = 0;
    let lastAt = 0;
    await counter.run({
      eachBatch: async ({ batch }) => {
        if (received === 0) firstAt = performance.now();
        received += batch.messages.length;
        lastAt = performance.now();
      },
    });
    await new Promise((r) => setTimeout(r, 3000)); // joined and at the end of the topic
    // The relay process, or an ingest process with its relay: it finds nothing to consume.
    relay = await benchRelay.start(env);
    const publisher =
      relay ?? AppProcess.start('ingest', { ...env, INGEST_HTTP_PORT: String(await freePort()) });
    if (!relay) ingest = publisher;
    while (received < backlog) {
      if (publisher.child.exitCode !== null)
        throw new Error(`the relay exited:\n${publisher.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const relaySeconds = (lastAt - firstAt) / 1000;
    await counter.disconnect();

    // The same events produced by plain kafkajs.
    const rows = await ds.query<ChangeEventRow[]>(
      `SELECT position, event_id, type, entity_type, entity_id, entity_seq, division_code, previous_division_code, time, data::text AS data
         FROM change_event ORDER BY position`,
    );
    const plainTopic = `${prefix}plain-produce`;
    await admin.createTopics({
      topics: [{ topic: plainTopic, numPartitions: 6 }],
      waitForLeaders: true,
    });
    const plainStart = performance.now();
    for (let i = 0; i < rows.length; i += 500)
      await producer.send({
        topic: plainTopic,
        messages: rows
          .slice(i, i + 500)
          .map((r) => ({ key: r.entity_id, value: cloudEventJson(r) })),
      });
    const plainSeconds = (performance.now() - plainStart) / 1000;

    const sustained = steps.filter((step) => !step.backlogGrew).map((step) => step.rate);
    return {
      warmUpSeconds,
      steps,
      sustainedRate: sustained.length > 0 ? Math.max(...sustained) : null,
      deadlocks,
      relay: {
        events: backlog,
        seconds: relaySeconds,
        eventsPerSecond: Math.round(backlog / relaySeconds),
      },
      produceCeiling: {
        messages: rows.length,
        seconds: plainSeconds,
        messagesPerSecond: Math.round(rows.length / plainSeconds),
      },
    };
  } finally {
    await subscribers?.stop();
    await api.stop('SIGTERM');
    await ingest.stop('SIGTERM');
    await relay?.stop('SIGTERM');
    await producer.disconnect();
    await admin
      .deleteTopics({ topics: [...topics, `${prefix}plain-produce`] })
      .catch(() => undefined);
    await admin.disconnect();
    await ds.destroy();
    await dropUnlessKept(database);
  }
}
