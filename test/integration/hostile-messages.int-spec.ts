import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { requireKafka } from '@hub/config';
import { FeedCatalog, prepareRecord } from '@hub/feeds';
import { createKafka, ensureTopics, PRODUCER_CONFIG } from '@hub/kafka';
import type { DivisionIndex } from '@hub/normalize';
import { DIVISION_INDEX } from '@hub/places';
import { createIngestApp, ingestTopics } from '../../apps/ingest/src/ingest-app';
import { FEED_TOPICS, FeedName } from '../generators/feed-messages';
import {
  generateHostileMessages,
  HostileMessage,
  interleave,
  sha256,
  Transport,
} from '../generators/hostile-messages';
import { jiangjinDivisions } from '../generators/jiangjin';
import { generateMixedStream, MixedStream } from '../generators/mixed-stream';
import { asDepartments } from '../support/access';
import { feedExamples } from '../support/feed-examples';
import { pushOverHttp } from '../support/http-client';
import { modelSnapshot } from '../support/model-snapshot';
import { startTestApi } from '../support/scenario-api';
import { scenarioDatabase } from '../support/scenario-database';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

const SEED = 38;
/** About half go over Kafka. */
const HOSTILE = 12_000;
/** Below the broker's default message.max.bytes (1 MiB), so that too_large is met over Kafka. */
const KAFKA_MAX_MESSAGE_BYTES = 262_144;
/** The hub's default HUB_MAX_MESSAGE_BYTES, which the API keeps. */
const HTTP_MAX_MESSAGE_BYTES = 1_048_576;
const LINES_PER_PUSH = 500;
const FEED_OF_TOPIC = Object.fromEntries(
  Object.entries(FEED_TOPICS).map(([feed, topic]) => [topic, feed as FeedName]),
);

/** One message as sent, and what became of it. */
interface Sent {
  transport: Transport;
  feed: FeedName;
  topic: string;
  key: string;
  value: Buffer;
  /** Index into the valid stream, for a valid message. */
  valid?: number;
  hostile?: HostileMessage;
  /** For a hostile message: the reason the pipeline's own checks give, null when they pass. */
  expectedReason?: string | null;
  /** For a hostile message those checks pass: its record id. */
  recordId?: string;
  /** What the hub answered (HTTP) or did (Kafka: a dead letter, or a stored record). */
  outcome?: string;
  reason?: string;
}

/**
 * Issue 38: 12,000 hostile messages made from valid ones (test/generators/hostile-messages.ts:
 * wrong types, missing fields, extra nesting, truncation, U+0000, lone surrogates, BOMs, GBK,
 * nesting 20,000 deep, arrays of 100,000 items, 2 MB values, 10 kB keys), interleaved with a
 * valid mixed stream, about half over Kafka and half over HTTP push, into one database. Every
 * valid record ends as in a clean run of the valid stream alone; every hostile message is a
 * reject with the reason the pipeline's checks give (over Kafka also a dead letter), or stored
 * when a mutation left it valid; the lag is back to zero and the consumer never crashed.
 */
describe('hostile messages among valid ones, over Kafka and HTTP push', () => {
  const started = Date.now();
  const divisions = jiangjinDivisions();
  const stream = generateMixedStream({ records: 1200, seed: SEED, invalidRate: 0, divisions });
  const hostile = generateHostileMessages({
    count: HOSTILE,
    seed: SEED,
    divisions,
    examples: feedExamples(),
  });
  const prefix = `hostile-${randomUUID().slice(0, 8)}.`;
  const groupId = `hostile-${randomUUID()}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  const crashes: unknown[] = [];
  const sent = arrange(stream, hostile);
  let fuzzed: DataSource;
  let clean: DataSource;
  let admin: Admin;
  let ingest: INestApplication;
  let deadLetters: DeadLetter[];
  let rejects: RejectRow[];

  beforeAll(async () => {
    const [fuzzedDb, cleanDb] = [await scenarioDatabase(), await scenarioDatabase()];
    cleanups.push(fuzzedDb.drop, cleanDb.drop);
    [fuzzed, clean] = [fuzzedDb.db, cleanDb.db];
    // Thousands of rejects would each log a warning.
    const quiet = { LOG_LEVEL: 'error' };
    const api = await startTestApi(testConfig(quiet), fuzzedDb.url);
    cleanups.push(() => api.close());
    const cleanApi = await startTestApi(testConfig(quiet), cleanDb.url);
    cleanups.push(() => cleanApi.close());
    classify(sent, api.get(FeedCatalog), api.get<DivisionIndex>(DIVISION_INDEX));

    const config = testConfig({
      ...quiet,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_GROUP_ID: groupId,
      HUB_MAX_MESSAGE_BYTES: String(KAFKA_MAX_MESSAGE_BYTES),
    });
    const kafka = createKafka(requireKafka(config));
    const topics = ingestTopics(FeedCatalog.forConfig(config));
    await ensureTopics(kafka, topics, { partitions: 3, replicationFactor: 1 });
    await produce(kafka, prefix, onKafka(sent));
    admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());

    ingest = await createIngestApp(config, fuzzedDb.url);
    cleanups.push(() => ingest.close());
    await ingest.startAllMicroservices();
    await ingest.init();
    const [, consumer] = ingest.getMicroservices()[0].unwrap<[unknown, Consumer]>();
    consumer.on(consumer.events.CRASH, (event) => crashes.push(event.payload));

    // Both to their end, even when one fails: the apps are closed after.
    const pushed = await Promise.allSettled([
      pushNdjson(
        api,
        sent.filter((s) => s.transport === 'http'),
      ),
      pushOverHttp(cleanApi, stream.messages, 1000),
    ]);
    for (const p of pushed) if (p.status === 'rejected') throw p.reason;
    await waitFor(async () => ((await lagOf(admin, groupId, prefix)) === 0 ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: 'the consumer to catch up',
    });
    deadLetters = await readDeadLetters(
      kafka,
      admin,
      topics.filter((t) => t.endsWith('.dlq')),
    );
    await kafkaOutcomes(fuzzed, prefix, onKafka(sent), deadLetters);
    rejects = await fuzzed.query<RejectRow[]>(
      `SELECT feed, reason, encode(sha256(raw), 'hex') AS sha, topic, partition::text AS partition,
              "offset"::text AS offset
         FROM reject`,
    );
    report(sent, rejects, Date.now() - started);
  }, 175_000);

  afterAll(async () => {
    // Every cleanup, the databases' last, even when one fails.
    const failures: unknown[] = [];
    for (const cleanup of cleanups.reverse())
      await cleanup().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  });

  it('sends at least 10,000 hostile messages among a few thousand valid ones, both ways', () => {
    const hostileOver = (t: Transport) => sent.filter((s) => s.hostile && s.transport === t);
    expect(hostileOver('kafka').length + hostileOver('http').length).toBeGreaterThanOrEqual(10_000);
    expect(hostileOver('kafka').length).toBeGreaterThan(4000);
    expect(hostileOver('http').length).toBeGreaterThan(4000);
    expect(sent.filter((s) => s.valid !== undefined).length).toBeGreaterThan(2000);
  });

  it('stores every valid record as a clean run of the valid records alone does', async () => {
    const http = sent.filter((s) => s.valid !== undefined && s.transport === 'http');
    expect(http.map((s) => s.outcome)).toEqual(http.map((s) => stream.outcomes[s.valid!].outcome));
    // A hostile message a mutation left valid is a record of its own, under an id of its own.
    const extra = new Set(sent.filter((s) => s.recordId).map((s) => `${s.feed}:${s.recordId}`));
    expect(stream.records.filter((r) => extra.has(`${r.feed}:${r.key}`))).toEqual([]);
    const withoutExtra = <T extends { feed: string; source_record_id: string }>(rows: T[]) =>
      rows.filter((r) => !extra.has(`${r.feed}:${r.source_record_id}`));
    const [mine, reference] = [await modelSnapshot(fuzzed), await modelSnapshot(clean)];
    expect(reference.versions).toHaveLength(stream.expected.accepted + stream.expected.stale);
    expect(reference.rejects).toEqual([]);
    for (const part of ['versions', 'heads', 'facts', 'relations'] as const)
      expect(withoutExtra(mine[part])).toEqual(reference[part]);

    // Golden persons, but for those an extra record names too (and, in the clean run, those
    // holding one of their mentions).
    const fuzzedPersons = await goldenPersons(fuzzed, [...extra]);
    const cleanPersons = await goldenPersons(clean, [], fuzzedPersons.tainted);
    process.stdout.write(
      `[hostile-messages] golden persons compared: ${fuzzedPersons.persons.length}, left out as named by a stored hostile record: ${fuzzedPersons.left}\n`,
    );
    expect(fuzzedPersons.persons.length).toBeGreaterThan(400);
    expect(fuzzedPersons.persons).toEqual(cleanPersons.persons);
  });

  it('rejects every hostile message with its reason, in PostgreSQL and on the dead-letter topics', () => {
    const unexpected = sent
      .filter((s) => s.hostile)
      .filter((s) =>
        s.expectedReason
          ? s.outcome !== 'rejected' || s.reason !== s.expectedReason
          : // Stored (a mutated record id may name a record twice), or refused by PostgreSQL.
            !['accepted', 'duplicate', 'stale'].includes(s.outcome!) && s.reason !== 'unstorable',
      )
      .map((s) => ({ ...pick(s), detail: s.hostile!.detail }));
    expect(unexpected).toEqual([]);

    const rejected = sent.filter((s) => s.outcome === 'rejected');
    expect(rejected.filter((s) => s.valid !== undefined).map(pick)).toEqual([]);
    // One row per feed and content (the hub keeps a reject once).
    expect(rejects.map((r) => `${r.feed} ${r.reason} ${r.sha}`).sort()).toEqual(
      [...new Set(rejected.map((s) => `${s.feed} ${s.reason} ${sha256(s.value)}`))].sort(),
    );
    // Over Kafka each reject is also a dead letter, with its reason and where it was read.
    const where = (r: DeadLetter | RejectRow) =>
      `${r.topic}/${r.partition}/${r.offset} ${r.reason} ${r.sha}`;
    const kafkaRejects = rejects.filter((r) => r.topic !== null);
    expect(deadLetters.map(where).sort()).toEqual(kafkaRejects.map(where).sort());
    expect(deadLetters).toHaveLength(rejected.filter((s) => s.transport === 'kafka').length);
  });

  it('leaves no lag behind, and the consumer never crashed nor fails its liveness probe', async () => {
    expect(await lagOf(admin, groupId, prefix)).toBe(0);
    expect(crashes).toEqual([]);
    await request(ingest.getHttpServer()).get('/health').expect(200);
  });
});

// ---- sending ---------------------------------------------------------------------------------

/** The valid stream split by key between the transports, each interleaved with hostile ones. */
function arrange(valid: MixedStream, bad: HostileMessage[]): Sent[] {
  const transportOf = (key: string): Transport =>
    parseInt(sha256(Buffer.from(key)).slice(0, 2), 16) % 2 === 0 ? 'kafka' : 'http';
  const good = valid.messages.map((m, i): Sent => ({
    transport: transportOf(m.key),
    feed: FEED_OF_TOPIC[m.topic],
    topic: m.topic,
    key: m.key,
    value: Buffer.from(m.value),
    valid: i,
  }));
  const hostile = bad.map((h): Sent => ({ ...h, hostile: h }));
  const over = (list: Sent[], t: Transport) => list.filter((s) => s.transport === t);
  return [
    ...interleave(over(good, 'kafka'), over(hostile, 'kafka'), SEED),
    ...interleave(over(good, 'http'), over(hostile, 'http'), SEED + 1),
  ];
}

const onKafka = (all: Sent[]) => all.filter((s) => s.transport === 'kafka');

/** The HTTP messages as pushes: per feed, in order, LINES_PER_PUSH lines each. */
function pushes(all: Sent[]): { feed: FeedName; lines: Sent[] }[] {
  return (Object.keys(FEED_TOPICS) as FeedName[]).flatMap((feed) => {
    const lines = all.filter((s) => s.transport === 'http' && s.feed === feed);
    return Array.from({ length: Math.ceil(lines.length / LINES_PER_PUSH) }, (_, i) => ({
      feed,
      lines: lines.slice(i * LINES_PER_PUSH, (i + 1) * LINES_PER_PUSH),
    }));
  });
}

/**
 * What the pipeline's own checks say of each hostile message. Both ways the hub reads the bytes
 * as sent: a Kafka message's value, a line of an NDJSON push (no charset declared: UTF-8).
 */
function classify(all: Sent[], catalog: FeedCatalog, divisions: DivisionIndex) {
  for (const s of all.filter((m) => m.hostile)) {
    const prepared = prepareRecord(0, { value: s.value }, catalog.feed(s.feed), {
      maxMessageBytes: s.transport === 'kafka' ? KAFKA_MAX_MESSAGE_BYTES : HTTP_MAX_MESSAGE_BYTES,
      divisions,
    });
    s.expectedReason = prepared.kind === 'rejected' ? prepared.reason : null;
    if (prepared.kind === 'prepared') s.recordId = prepared.sourceRecordId;
  }
}

/**
 * Produces in stream order, keyed (a record's versions keep their order in its partition). The
 * few messages over 64 kB go alone: a produce request holding several could pass the broker's
 * message.max.bytes. The ingest may read several in one batch (their dead letters go in
 * requests under that limit).
 */
async function produce(kafka: Kafka, prefix: string, messages: Sent[]) {
  const producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
  let batch: Sent[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await producer.sendBatch({
      topicMessages: batch.map((m) => ({
        topic: `${prefix}${m.topic}`,
        messages: [{ key: m.key, value: m.value }],
      })),
    });
    batch = [];
  };
  for (const m of messages) {
    if (m.value.length > 64_000) {
      await flush();
      await producer.send({
        topic: `${prefix}${m.topic}`,
        messages: [{ key: m.key, value: m.value }],
      });
    } else if (batch.push(m) === 500) await flush();
  }
  await flush();
  await producer.disconnect();
}

/** Pushes the HTTP messages as NDJSON bodies (raw bytes), noting each line's outcome. */
async function pushNdjson(api: INestApplication, all: Sent[]) {
  for (const push of pushes(all)) {
    const body = Buffer.concat(push.lines.flatMap((s, i) => (i ? [NEWLINE, s.value] : [s.value])));
    const res = await asDepartments(api)
      .post(`/v1/feeds/${push.feed}/records`)
      .set('content-type', 'application/x-ndjson')
      .send(body)
      .expect(200);
    for (const r of (res.body as { results: { index: number; outcome: string; reason?: string }[] })
      .results)
      Object.assign(push.lines[r.index], { outcome: r.outcome, reason: r.reason });
  }
}

const NEWLINE = Buffer.from('\n');

// ---- reading back ----------------------------------------------------------------------------

interface DeadLetter {
  topic: string;
  partition: string;
  offset: string;
  reason: string;
  sha: string;
}

interface RejectRow {
  feed: string;
  reason: string;
  sha: string;
  topic: string | null;
  partition: string | null;
  offset: string | null;
}

/** Records of the group not read yet, over the feed topics' partitions. */
async function lagOf(admin: Admin, groupId: string, prefix: string): Promise<number> {
  const topics = Object.values(FEED_TOPICS).map((t) => `${prefix}${t}`);
  const committed = await admin.fetchOffsets({ groupId, topics });
  let lag = 0;
  for (const topic of topics) {
    const partitions = committed.find((c) => c.topic === topic)?.partitions ?? [];
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
      const offset = Number(partitions.find((p) => p.partition === partition)?.offset ?? -1);
      lag += Number(high) - Math.max(offset, 0);
    }
  }
  return lag;
}

/** Every message on the dead-letter topics, read up to their ends. */
async function readDeadLetters(kafka: Kafka, admin: Admin, topics: string[]) {
  let total = 0;
  for (const topic of topics)
    for (const p of await admin.fetchTopicOffsets(topic)) total += Number(p.high);
  const letters: DeadLetter[] = [];
  const reader = kafka.consumer({ groupId: `hostile-dlq-${randomUUID()}` });
  await reader.connect();
  try {
    await reader.subscribe({ topics, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const header = (name: string) => message.headers?.[name]?.toString() ?? '';
        letters.push({
          topic: header('hub-source-topic'),
          partition: header('hub-source-partition'),
          offset: header('hub-source-offset'),
          reason: header('hub-reject-reason'),
          sha: sha256(message.value ?? Buffer.alloc(0)),
        });
      },
    });
    await waitFor(async () => (letters.length >= total ? true : undefined), {
      timeoutMs: 60_000,
      what: `${total} dead letters`,
    });
  } finally {
    await reader.disconnect();
  }
  return letters;
}

/** Over Kafka, a hostile message's outcome: its dead letter's reason, or a stored record. */
async function kafkaOutcomes(db: DataSource, prefix: string, kafka: Sent[], dead: DeadLetter[]) {
  const reasons = new Map(dead.map((d) => [`${d.topic} ${d.sha}`, d.reason]));
  const stored = new Set(
    (
      await db.query<{ key: string }[]>(
        `SELECT feed || ' ' || source_record_id AS key FROM source_record`,
      )
    ).map((r) => r.key),
  );
  for (const s of kafka.filter((m) => m.hostile)) {
    const reason = reasons.get(`${prefix}${s.topic} ${sha256(s.value)}`);
    if (reason) Object.assign(s, { outcome: 'rejected', reason });
    else if (s.recordId && stored.has(`${s.feed} ${s.recordId}`)) s.outcome = 'accepted';
  }
}

/**
 * Golden persons with the mentions (feed, record, pointer) that make them, but for persons any
 * of `excludedRecords` names or holding any of `excludedMentions`; and the other mentions of
 * the persons left out (`tainted`). Mentions of cancelled records are left out: whether one
 * still points at its person depends on whether the record's versions came in one batch.
 */
async function goldenPersons(
  db: DataSource,
  excludedRecords: string[],
  excludedMentions: string[] = [],
) {
  const rows = await db.query<{ person: unknown; mentions: string[] }[]>(
    `SELECT json_build_array(p.name, p.id_number, p.gender, p.birth_date, p.status, p.phone,
                             p.division_code, p.flags, p.ended_at IS NULL) AS person,
            array_agg(m.feed || ':' || m.source_record_id || ':' || m.pointer) AS mentions
       FROM person p JOIN mention m ON m.entity_type = 'person' AND m.entity_id = p.id
       JOIN feed_record_head h ON h.feed = m.feed AND h.source_record_id = m.source_record_id
      WHERE p.merged_into IS NULL AND NOT h.cancelled
      GROUP BY p.id`,
  );
  const records = new Set(excludedRecords);
  const mentions = new Set(excludedMentions);
  const tainted = (mentionsOf: string[]) =>
    mentionsOf.some((m) => records.has(m.slice(0, m.lastIndexOf(':'))) || mentions.has(m));
  const kept = rows.filter((r) => !tainted(r.mentions));
  return {
    persons: kept
      .map((r) => ({ ...r, mentions: [...r.mentions].sort() }))
      .sort((a, b) => (a.mentions[0] < b.mentions[0] ? -1 : 1)),
    tainted: rows.filter((r) => tainted(r.mentions)).flatMap((r) => r.mentions),
    left: rows.length - kept.length,
  };
}

const pick = (s: Sent) => ({
  transport: s.transport,
  feed: s.feed,
  kind: s.hostile?.kind ?? 'valid',
  expected: s.expectedReason,
  outcome: s.outcome,
  reason: s.reason,
});

/** The counts per reason and per kind, where CI logs show them. */
function report(all: Sent[], rows: RejectRow[], ms: number) {
  const count = (keys: string[]) =>
    keys.reduce<Record<string, number>>((c, k) => ({ ...c, [k]: (c[k] ?? 0) + 1 }), {});
  const hostile = all.filter((s) => s.hostile);
  const lines = [
    `hostile messages: ${hostile.length} (kafka ${onKafka(hostile).length}, http ${hostile.length - onKafka(hostile).length}); valid: ${all.length - hostile.length}`,
    `accidentally valid (the pipeline's checks pass): ${hostile.filter((s) => s.expectedReason === null).length}, of which stored ${hostile.filter((s) => s.expectedReason === null && s.outcome === 'accepted').length}`,
    'rejects per reason (messages, by transport):',
    ...Object.entries(
      count(
        hostile.filter((s) => s.outcome === 'rejected').map((s) => `${s.reason} ${s.transport}`),
      ),
    )
      .sort()
      .map(([k, n]) => `  ${k.padEnd(28)} ${n}`),
    'reject rows per reason:',
    ...Object.entries(count(rows.map((r) => r.reason)))
      .sort()
      .map(([k, n]) => `  ${k.padEnd(28)} ${n}`),
    'per kind (outcome):',
    ...Object.entries(
      count(
        hostile.map((s) => `${s.hostile!.kind} ${s.outcome === 'rejected' ? s.reason : s.outcome}`),
      ),
    )
      .sort()
      .map(([k, n]) => `  ${k.padEnd(40)} ${n}`),
    `run time so far: ${(ms / 1000).toFixed(1)} s`,
  ];
  process.stdout.write(`\n[hostile-messages]\n${lines.join('\n')}\n`);
}
