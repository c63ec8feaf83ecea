import type { EntityManager } from 'typeorm';
import { recordKey, recordVersionKey, type SourceRelationFact } from '@hub/model';
import { JSONB_ELEMENT_ROWS, jsonFromBytes } from '@hub/persistence';
import { carriesFacts, factsOf, relationsOf } from './batch-versions';
import type { IngestPlan, RecordHead } from './decide-outcomes';
import { forEachInSlices } from './event-loop-slices';
import type { PreparedRecord, RejectedRecord } from './prepare-record';

/*
 * Lookups of a batch's keys are written as LATERAL … LIMIT 1 (or OFFSET 0) probes: a plain join
 * with the unnested keys lets the planner hash the whole (often not yet analyzed) table, which
 * costs a scan of it per batch and slows ingest as the model grows; the probes cost one index
 * lookup per key whatever the table size. A LATERAL without LIMIT or OFFSET is flattened into
 * such a join. The other repositories of the ingest follow the same rule.
 */

/**
 * The versions the departments sent, as they came (source_record), the head of each record
 * (feed_record_head: its current version) and the messages refused (reject). All in the
 * caller's transaction.
 */
export const SourceRecords = {
  /** Serializes work on the same records across processes (Kafka and HTTP push may race). */
  async lock(manager: EntityManager, records: PreparedRecord[]): Promise<void> {
    const keys = [...new Set(records.map((r) => recordKey(r.feed, r.sourceRecordId)))];
    if (keys.length === 0) return;
    await manager.query(
      `SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) k ORDER BY 1) locks`,
      [keys],
    );
  },

  /** The head of each record stored before, and which of the batch's versions are stored already. */
  async state(manager: EntityManager, records: PreparedRecord[]) {
    const feeds = records.map((r) => r.feed);
    const ids = records.map((r) => r.sourceRecordId);
    const heads = new Map<string, RecordHead>();
    const headRows: {
      feed: string;
      source_record_id: string;
      version_key: string;
      current_id: string;
    }[] = await manager.query(
      `SELECT k.feed, k.id AS source_record_id, h.version_key, h.current_id
         FROM (SELECT DISTINCT * FROM unnest($1::text[], $2::text[])) k(feed, id)
        CROSS JOIN LATERAL (SELECT version_key, current_id FROM feed_record_head h
                             WHERE h.feed = k.feed AND h.source_record_id = k.id LIMIT 1) h`,
      [feeds, ids],
    );
    for (const h of headRows)
      heads.set(recordKey(h.feed, h.source_record_id), {
        versionKey: h.version_key,
        currentId: h.current_id,
      });
    // A record without a head has no version stored (every stored version gave it one).
    const known = records.filter((r) => heads.has(recordKey(r.feed, r.sourceRecordId)));
    const versionRows: { feed: string; source_record_id: string; version: string }[] =
      known.length === 0
        ? []
        : await manager.query(
            `SELECT k.feed, k.id AS source_record_id, k.version
               FROM (SELECT DISTINCT * FROM unnest($1::text[], $2::text[], $3::text[])) k(feed, id, version)
              CROSS JOIN LATERAL (SELECT FROM source_record s
                                   WHERE s.feed = k.feed AND s.source_record_id = k.id AND s.version = k.version LIMIT 1) s`,
            [
              known.map((r) => r.feed),
              known.map((r) => r.sourceRecordId),
              known.map((r) => r.version),
            ],
          );
    const knownVersions = new Set(
      versionRows.map((v) => recordVersionKey(v.feed, v.source_record_id, v.version)),
    );
    return { heads, knownVersions };
  },

  /**
   * Ends what the given versions contributed: their values and relations end with their source
   * record's superseded_at. The source records stay as history. Returns the relations they
   * stated, by record.
   */
  async end(manager: EntityManager, sourceRecordIds: string[]) {
    const relations = new Map<string, SourceRelationFact[]>();
    if (sourceRecordIds.length === 0) return relations;
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [ended]: [
      { feed: string; source_record_id: string; relations: SourceRelationFact[] | null }[],
      number,
    ] = await manager.query(
      `UPDATE source_record SET superseded_at = now() WHERE id = ANY($1::bigint[])
       RETURNING feed, source_record_id, relations`,
      [sourceRecordIds],
    );
    for (const e of ended) {
      const key = recordKey(e.feed, e.source_record_id);
      relations.set(key, [...(relations.get(key) ?? []), ...(e.relations ?? [])]);
    }
    return relations;
  },

  /**
   * The batch's versions as source records (stale ones as history only), and the newest stored
   * version of each record as its head.
   */
  async store(manager: EntityManager, plan: IngestPlan): Promise<void> {
    // One JSON document for the whole batch, with each payload spliced in as the bytes that
    // arrived (decoded to UTF-8 when they declared another charset): no re-serialization of the payloads and no escaping into PostgreSQL array literals,
    // which together cost more CPU than the rest of the insert. Each row parsed once as jsonb and
    // taken apart with -> / ->>: json_to_recordset re-parses every nested value.
    const pieces: Buffer[] = [];
    await forEachInSlices(plan.store, (p, i) => {
      const facts = carriesFacts(p);
      const row = JSON.stringify({
        feed: p.record.feed,
        id: p.record.sourceRecordId,
        version: p.record.version,
        version_key: p.record.versionKey,
        status: p.status,
        topic: p.record.coordinates?.topic ?? null,
        part: p.record.coordinates?.partition ?? null,
        off: p.record.coordinates?.offset ?? null,
        superseded: p.supersededInBatch,
        observed: p.record.observedAt.toISOString(),
        facts: facts ? factsOf(p) : null,
        relations: facts ? relationsOf(p) : null,
      });
      pieces.push(
        Buffer.from(`${i === 0 ? '[' : ','}${row.slice(0, -1)},"payload":`),
        p.record.payload,
        CLOSING_BRACE,
      );
    });
    const stored: { id: string }[] = await manager.query(
      `INSERT INTO source_record (feed, source_record_id, version, version_key, payload, status, topic, partition, "offset", superseded_at, observed_at, facts, relations)
       SELECT r->>'feed', r->>'id', r->>'version', r->>'version_key', r->'payload', r->>'status', r->>'topic',
              (r->>'part')::int, (r->>'off')::bigint, CASE WHEN (r->>'superseded')::bool THEN now() END,
              (r->>'observed')::timestamptz, nullif(r->'facts', 'null'), nullif(r->'relations', 'null')
         FROM ${JSONB_ELEMENT_ROWS('$1', 'rows(r, n)')}
        ORDER BY n
       RETURNING id`,
      [jsonFromBytes([...pieces, CLOSING_BRACKET])],
    );
    const current = plan.store
      .map((p, i) => ({ ...p, id: stored[i].id }))
      .filter((p) => p.status !== 'stale');
    const heads = [
      ...new Map(
        current.map((p) => [recordKey(p.record.feed, p.record.sourceRecordId), p]),
      ).values(),
    ];
    await manager.query(
      `INSERT INTO feed_record_head (feed, source_record_id, version_key, current_id, cancelled)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bool[])
       ON CONFLICT (feed, source_record_id) DO UPDATE
         SET version_key = EXCLUDED.version_key, current_id = EXCLUDED.current_id, cancelled = EXCLUDED.cancelled`,
      [
        heads.map((p) => p.record.feed),
        heads.map((p) => p.record.sourceRecordId),
        heads.map((p) => p.record.versionKey),
        heads.map((p) => p.id),
        heads.map((p) => p.status === 'cancelled'),
      ],
    );
  },

  /**
   * Keeps the rejects, each once: a Kafka message by its coordinates (a redelivered batch), and
   * any message by its feed and content while an earlier reject of it is open (a department
   * pushing the same bad record again, the demo loaded at each start), whatever the arbiter.
   */
  async insertRejects(manager: EntityManager, rejects: RejectedRecord[]): Promise<void> {
    if (rejects.length === 0) return;
    await manager.query(
      `INSERT INTO reject (feed, reason, detail, raw, content_hash, message_key, topic, partition, "offset")
       SELECT feed, reason, detail, raw, sha256(raw), message_key, topic, partition, "offset"
         FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::bytea[], $5::text[], $6::text[], $7::int[], $8::bigint[])
           AS r(feed, reason, detail, raw, message_key, topic, partition, "offset")
       ON CONFLICT DO NOTHING`,
      [
        rejects.map((r) => r.feed),
        rejects.map((r) => r.reason),
        rejects.map((r) =>
          JSON.stringify({ message: r.message, ...r.detail }, (_k, v: unknown) =>
            typeof v === 'string' ? storableText(v) : v,
          ),
        ),
        rejects.map((r) => r.raw),
        rejects.map((r) => (r.key === null ? null : storableText(r.key))),
        rejects.map((r) => r.coordinates?.topic ?? null),
        rejects.map((r) => r.coordinates?.partition ?? null),
        rejects.map((r) => r.coordinates?.offset ?? null),
      ],
    );
  },
};

const CLOSING_BRACE = Buffer.from('}');
const CLOSING_BRACKET = Buffer.from(']');

/** A UTF-16 surrogate without its other half (JSON.parse takes "\ud800" as one). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, which a reject's message may quote (JSON.parse
 * names the bad character) and a Kafka key may carry, and jsonb refuses a lone surrogate, which
 * a message may quote from a value (an unknown code "\ud800"): a reject must always be storable.
 * Both become U+FFFD in the message, detail and key; the raw message keeps them (bytea).
 */
const storableText = (text: string) =>
  text.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
