import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { HubConfig } from '@hub/config';
import { PRODUCER_CONFIG } from '@hub/kafka';
import type { ExpectedOutcome, StreamMessage } from '../generators/mixed-stream';
import { subscribeToChanges } from './hub-topics';
import { waitFor } from './wait-for';

/**
 * Sends generated stream messages to their topics under `prefix`, 500 at a time: sequential
 * sends keep each key's messages in stream order within its partition.
 */
export async function produceStream(
  kafka: Kafka,
  prefix: string,
  messages: StreamMessage[],
): Promise<void> {
  const producer = kafka.producer(PRODUCER_CONFIG);
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) {
      await producer.sendBatch({
        topicMessages: messages.slice(i, i + 500).map((m) => ({
          topic: `${prefix}${m.topic}`,
          messages: [{ key: m.key, value: m.value }],
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Source records (every version stored) and rejects so far; undefined while the database is away. */
export async function storedSoFar(
  db: DataSource,
): Promise<{ stored: number; rejects: number } | undefined> {
  try {
    const [row] = await db.query<{ stored: string; rejects: string }[]>(
      `SELECT (SELECT count(*) FROM source_record) AS stored, (SELECT count(*) FROM reject) AS rejects`,
    );
    return { stored: Number(row.stored), rejects: Number(row.rejects) };
  } catch {
    return undefined;
  }
}

/** What a stream's end state must be, in the terms of streamEndState. */
export function expectedEndState(expected: ExpectedOutcome) {
  return {
    accepted: expected.accepted,
    stale: expected.stale,
    rejected: Object.fromEntries(Object.entries(expected.rejected).filter(([, n]) => n > 0)),
    finalVersions: expected.finalVersions,
  };
}

/** Waits until as many versions and rejects are stored as the stream makes. */
export async function streamStored(db: DataSource, expected: ExpectedOutcome, timeoutMs: number) {
  const rejected = Object.values(expected.rejected).reduce((a, b) => a + b, 0);
  await waitFor(
    async () => {
      const so = await storedSoFar(db);
      return so?.stored === expected.accepted + expected.stale && so.rejects === rejected
        ? true
        : undefined;
    },
    { timeoutMs, intervalMs: 250, what: 'the whole stream to be stored' },
  );
}

/**
 * The end state of an ingest run as the mixed-stream generator predicts it (independent of any
 * hub code): versions accepted (cancellations included) and stale, rejects by reason, and each
 * record's newest version and whether it cancels the record.
 */
export async function streamEndState(db: DataSource): Promise<ReturnType<typeof expectedEndState>> {
  const statuses = await db.query<{ status: string; n: string }[]>(
    `SELECT status, count(*) AS n FROM source_record GROUP BY 1`,
  );
  const count = (status: string) => Number(statuses.find((s) => s.status === status)?.n ?? 0);
  const rejects = await db.query<{ reason: string; n: string }[]>(
    `SELECT reason, count(*) AS n FROM reject GROUP BY 1`,
  );
  const heads = await db.query<
    { feed: string; source_record_id: string; version: string; cancelled: boolean }[]
  >(
    `SELECT h.feed, h.source_record_id, s.version, h.cancelled
       FROM feed_record_head h JOIN source_record s ON s.id = h.current_id`,
  );
  return {
    accepted: count('accepted') + count('cancelled'),
    stale: count('stale'),
    rejected: Object.fromEntries(rejects.map((r) => [r.reason, Number(r.n)])),
    finalVersions: Object.fromEntries(
      heads.map((h) => [
        `${h.feed}:${h.source_record_id}`,
        { version: h.version, cancelled: h.cancelled },
      ]),
    ),
  };
}

/**
 * The outbox's events (every change the model recorded) that did not reach the change topic: a
 * subscriber of its own group reads the topic from its start until it has seen them all, or
 * `timeoutMs` passed. Empty when none is missing.
 */
export async function eventsMissingFromTopic(
  db: DataSource,
  kafka: Kafka,
  config: HubConfig,
  timeoutMs: number,
): Promise<{ outbox: number; missing: string[] }> {
  const outbox = (await db.query<{ event_id: string }[]>(`SELECT event_id FROM change_event`)).map(
    (e) => e.event_id,
  );
  const received = new Set<string>();
  const subscriber = await subscribeToChanges(kafka, config, (message) =>
    received.add((JSON.parse(message.value!.toString()) as { id: string }).id),
  );
  try {
    await waitFor(async () => (outbox.every((id) => received.has(id)) ? true : undefined), {
      timeoutMs,
      intervalMs: 250,
      what: 'every outbox event on the change topic',
    }).catch(() => undefined);
  } finally {
    await subscriber.disconnect();
  }
  return { outbox: outbox.length, missing: outbox.filter((id) => !received.has(id)) };
}
