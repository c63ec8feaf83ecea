import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { canonicalJson, type GoldenRow, normalizeAttributes } from './kills-end-state';

type Log = (message: string) => void;

interface TopicEvent {
  id: string;
  type: string;
  subject: string;
  entitytype: string;
  entityseq: string;
  data: Record<string, unknown>;
}

/** A subscriber's copy of one entity, folded from its events in entityseq order. */
interface EntityCopy {
  type: string;
  lastSeq: number;
  attributes?: Record<string, unknown>;
  ended: boolean;
  mergedInto: string | null;
  /** Events that came before the ones below their entityseq (held until the gap fills). */
  pending: Map<number, TopicEvent>;
}

export interface TopicCheck {
  /** Messages on hub.changes.v1, duplicates included. */
  delivered: number;
  /** Distinct event ids among them. */
  distinct: number;
  /** Messages whose event id came before (at-least-once delivery: a relay killed, …). */
  duplicates: number;
  /** Delivered messages per event type, duplicates included. */
  deliveredByType: Record<string, number>;
  /** Events committed to the outbox, in all and per type. */
  outbox: number;
  outboxByType: Record<string, number>;
  /** Outbox events never delivered (must be 0), and delivered ids the outbox does not hold. */
  missing: number;
  missingExamples: string[];
  unknown: number;
  /** Replaying the topic: entity copies equal to the golden rows, relations to the relation view. */
  replay: {
    equal: boolean;
    entities: number;
    relations: number;
    /** Two different events of one entity with one entityseq. */
    seqConflicts: number;
    /** Entities whose events skip a number (pending at the end). */
    seqGaps: number;
    rowsWithoutEvents: number;
    copiesWithoutRow: number;
    valuesDiffer: number;
    relationsOnlyInTopic: number;
    relationsOnlyInView: number;
    examples: string[];
  };
  consumeSeconds: number;
}

/**
 * Consumes the run's hub.changes.v1 from its start to its end (a group of its own), checks
 * every event of the outbox arrived (deduplicated by id), and replays the events as a subscriber
 * would: per entity in entityseq order, created/updated/revived carry its golden values,
 * `ended` without values marks it ended, `merged` points it at its survivor, relation events
 * add and end relations. The copy must equal the entity tables and the relation view.
 */
export async function checkChangeTopic(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  db: DataSource,
  rows: GoldenRow[],
  log: Log,
): Promise<TopicCheck> {
  const started = performance.now();
  const seen = new Set<string>();
  const deliveredByType: Record<string, number> = {};
  const copies = new Map<string, EntityCopy>();
  const relations = new Map<string, number>();
  const examples: string[] = [];
  const note = (text: string) => {
    if (examples.length < 10) examples.push(text);
  };
  let delivered = 0;
  let seqConflicts = 0;

  const applyRelation = (event: TopicEvent, kind: string) => {
    const data = event.data as {
      relation: string;
      to: { id: string | null; code?: string };
      qualifiers?: Record<string, unknown>;
      source: { feed: string; sourceRecordId: string };
    };
    const key = canonicalJson([
      event.subject,
      data.relation,
      data.to.id ?? data.to.code,
      data.qualifiers ?? {},
      data.source.feed,
      data.source.sourceRecordId,
    ]);
    const count = (relations.get(key) ?? 0) + (kind === 'added' ? 1 : -1);
    if (count < 0 || count > 1) note(`relation ${kind} makes ${count}: ${key}`);
    if (count === 0) relations.delete(key);
    else relations.set(key, count);
  };
  const apply = (copy: EntityCopy, event: TopicEvent) => {
    const kind = event.type.slice(`cn.gov.hub.${event.entitytype}.`.length);
    const relation = /^relation\.(added|ended)$/.exec(kind)?.[1];
    if (relation) applyRelation(event, relation);
    else if (event.data.attributes) {
      // created, updated, revived, or ended by a status (deceased): the row's values, not ended.
      copy.attributes = event.data.attributes as Record<string, unknown>;
      copy.ended = false;
    } else if (kind === 'ended') copy.ended = true;
    else if (kind === 'merged') copy.mergedInto = event.data.into as string;
    copy.lastSeq++;
  };
  const receive = (event: TopicEvent) => {
    let copy = copies.get(event.subject);
    if (!copy)
      copies.set(
        event.subject,
        (copy = {
          type: event.entitytype,
          lastSeq: 0,
          ended: false,
          mergedInto: null,
          pending: new Map(),
        }),
      );
    const seq = Number(event.entityseq);
    if (seq <= copy.lastSeq || copy.pending.has(seq)) {
      seqConflicts++;
      note(`${event.subject}: a second event ${event.id} with entityseq ${seq}`);
      return;
    }
    copy.pending.set(seq, event);
    for (
      let next = copy.pending.get(copy.lastSeq + 1);
      next;
      next = copy.pending.get(copy.lastSeq + 1)
    ) {
      copy.pending.delete(copy.lastSeq + 1);
      apply(copy, next);
    }
  };

  // The topic's end now: the relay has published everything before this is called.
  const ends = await admin.fetchTopicOffsets(topic);
  const remaining = new Map(
    ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]),
  );
  const consumer = kafka.consumer({ groupId: `kills-check-${randomUUID()}`, maxBytes: 16 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    if (remaining.size === 0) return resolve();
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            delivered++;
            const event = JSON.parse(message.value!.toString()) as TopicEvent;
            deliveredByType[event.type] = (deliveredByType[event.type] ?? 0) + 1;
            if (seen.has(event.id)) continue;
            seen.add(event.id);
            receive(event);
          }
          const last = Number(batch.lastOffset());
          const high = remaining.get(batch.partition);
          if (high !== undefined && last + 1 >= high) remaining.delete(batch.partition);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  log(`  consumed ${delivered} change events (${seen.size} distinct)`);

  // Every event committed to the outbox arrived.
  const outboxIds = await db.query<{ id: string }[]>(`SELECT event_id AS id FROM change_event`);
  let missing = 0;
  const missingExamples: string[] = [];
  const outboxSet = new Set<string>();
  for (const { id } of outboxIds) {
    outboxSet.add(id);
    if (!seen.has(id) && missing++ < 10) missingExamples.push(id);
  }
  let unknown = 0;
  for (const id of seen) if (!outboxSet.has(id)) unknown++;
  const byType = await db.query<{ type: string; n: number }[]>(
    `SELECT type, count(*)::int AS n FROM change_event GROUP BY 1 ORDER BY 1`,
  );

  // The copy against the entity tables.
  let rowsWithoutEvents = 0;
  let valuesDiffer = 0;
  const rowIds = new Set<string>();
  for (const row of rows) {
    rowIds.add(row.id);
    const copy = copies.get(row.id);
    if (!copy) {
      // Seeded divisions have no events.
      if (row.changeSeq > 0) {
        rowsWithoutEvents++;
        note(`${row.type} ${row.id}: change_seq ${row.changeSeq}, no events`);
      }
      continue;
    }
    const want = canonicalJson({
      seq: row.changeSeq,
      attributes: row.attributes,
      ended: row.ended,
      mergedInto: row.mergedInto,
    });
    const got = canonicalJson({
      seq: copy.lastSeq,
      attributes: copy.attributes && normalizeAttributes(copy.attributes),
      ended: copy.ended,
      mergedInto: copy.mergedInto,
    });
    if (want !== got) {
      valuesDiffer++;
      note(`${row.type} ${row.id}: row ${want} / replayed ${got}`);
    }
  }
  let copiesWithoutRow = 0;
  let seqGaps = 0;
  for (const [id, copy] of copies) {
    if (copy.pending.size > 0) {
      seqGaps++;
      note(
        `${copy.type} ${id}: events up to ${copy.lastSeq}, then ${[...copy.pending.keys()].join(',')}`,
      );
    }
    if (!rowIds.has(id)) {
      copiesWithoutRow++;
      note(`${copy.type} ${id}: events, no row`);
    }
  }

  // The relations against the relation view's current rows.
  const current = await db.query<
    { f: string; r: string; t: string; a: Record<string, unknown>; feed: string; s: string }[]
  >(
    `SELECT r.from_id AS f, r.relation_type AS r, r.to_id AS t, r.attributes AS a, s.feed, s.source_record_id AS s
       FROM relation r JOIN source_record s ON s.id = r.source_record_id WHERE r.valid_to IS NULL`,
  );
  let relationsOnlyInView = 0;
  const viewKeys = new Set<string>();
  for (const r of current) {
    const key = canonicalJson([r.f, r.r, r.t, r.a ?? {}, r.feed, r.s]);
    viewKeys.add(key);
    if (!relations.has(key)) {
      relationsOnlyInView++;
      note(`relation in the view only: ${key}`);
    }
  }
  let relationsOnlyInTopic = 0;
  for (const key of relations.keys())
    if (!viewKeys.has(key)) {
      relationsOnlyInTopic++;
      note(`relation replayed only: ${key}`);
    }

  const replay = {
    entities: copies.size,
    relations: relations.size,
    seqConflicts,
    seqGaps,
    rowsWithoutEvents,
    copiesWithoutRow,
    valuesDiffer,
    relationsOnlyInTopic,
    relationsOnlyInView,
  };
  return {
    delivered,
    distinct: seen.size,
    duplicates: delivered - seen.size,
    deliveredByType: sortedKeys(deliveredByType),
    outbox: outboxIds.length,
    outboxByType: Object.fromEntries(byType.map((t) => [t.type, t.n])),
    missing,
    missingExamples,
    unknown,
    replay: {
      equal:
        seqConflicts +
          seqGaps +
          rowsWithoutEvents +
          copiesWithoutRow +
          valuesDiffer +
          relationsOnlyInTopic +
          relationsOnlyInView ===
        0,
      ...replay,
      examples,
    },
    consumeSeconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

const sortedKeys = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
