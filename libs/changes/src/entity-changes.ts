import type { EntityManager } from 'typeorm';
import type { EntityType } from '@hub/model';
import { JSON_RECORDS, JSONB_ELEMENTS, jsonRecords } from '@hub/persistence';

/** Golden column values of one entity, by column name. */
export type GoldenColumns = Record<string, unknown>;

/** Golden columns of each entity table the ingest writes, with their SQL types. */
export const ENTITY_COLUMNS: Record<EntityType, Record<string, string>> = {
  person: {
    name: 'text',
    id_number: 'text',
    gender: 'text',
    birth_date: 'text',
    status: 'text',
    phone: 'text',
    flags: 'jsonb',
    division_code: 'text',
  },
  event: { event_type: 'text', status: 'text', occurred_at: 'timestamptz', division_code: 'text' },
  object: { object_type: 'text', name: 'text' },
  organization: { uscc: 'text', name: 'text', org_type: 'text', division_code: 'text' },
  place: {
    level: 'text',
    name: 'text',
    division_code: 'text',
    address: 'jsonb',
    parent_id: 'uuid',
  },
};

/**
 * Entity types whose several mentions each say part of the entity: a null from one mention keeps
 * the value another gave. (Organizations are not: the ingest computes their columns from all
 * their active mentions, so a null there means no source states the value any more.)
 */
const KEEPS_KNOWN_VALUES: ReadonlySet<EntityType> = new Set(['place']);

/** A status that ends the entity's life in the model: its change is an `ended` event. */
const ENDED_STATUSES: Partial<Record<EntityType, string[]>> = {
  person: ['deceased', 'moved_out'],
};

/** CloudEvents `type` prefix of change events. */
export const CHANGE_TYPE_PREFIX = 'cn.gov.hub.';

/**
 * Notified by every transaction that takes the change-log lock, when it commits: the change
 * relay listens, to publish new events at once rather than at its next poll.
 */
export const CHANGES_CHANNEL = 'hub_changes';

/** The two keys of the change-log lock ('hub_', 1); the relay's lease is ('hub_', 2). */
export const CHANGE_LOG_LOCK = [0x6875625f, 1] as const;

/**
 * Serializes the tail of every model-changing transaction (from here to its commit) so that
 * change_event positions are handed out in commit order: a reader that has seen position N
 * can never later see a committed event below N. Two-key advisory lock, apart from the
 * one-key record locks. Also notifies CHANGES_CHANNEL (sent on commit; one per transaction).
 */
export const lockChangeLog = (manager: EntityManager) =>
  manager.query(
    `SELECT pg_advisory_xact_lock(${CHANGE_LOG_LOCK.join(', ')}), pg_notify('${CHANGES_CHANNEL}', '')`,
  );

/** SQL for the division code of an entity row `alias` of this type (NULL for types without one). */
export const divisionOf = (type: EntityType, alias: string) =>
  'division_code' in ENTITY_COLUMNS[type] ? `${alias}.division_code` : 'NULL::text';

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** An event due right after an entity's own change event, such as a relation added to it. */
export interface TrailingEvent {
  id: string;
  /** The event's type after `<prefix><entity type>.`, e.g. `relation.added`. */
  kind: string;
  data: Record<string, unknown>;
}

/**
 * Writes the golden columns of `rows` (inserting new entities) and, in the same statement, one
 * change event for each entity that was created, revived (it had ended: see insertLifecycleEvents)
 * or whose golden values changed: `attributes` holds the values after the change and `changed`
 * the before/after of each changed one. An entity whose values did not change and that had not
 * ended is left alone and gets no event. Set-based, because the
 * ingest calls it for a thousand entities at a time.
 *
 * `trailing` events (each on one of `rows`) follow their entity's own event, with the next values
 * of its change counter: bumped in the same row write, rather than by a second UPDATE of the
 * entity (see insertRelationEvents). Whether an entity's values changed is told from its counter
 * as the statement's snapshot saw it, so nothing may change the entity in between: call after
 * lockChangeLog, under which every entity row is written (persons are also locked by resolution).
 */
export async function upsertEntitiesWithEvents(
  manager: EntityManager,
  type: EntityType,
  rows: { id: string; columns: GoldenColumns }[],
  trailing: TrailingEvent[] = [],
): Promise<void> {
  const ended = ENDED_STATUSES[type];
  await manager.query(
    upsertStatement(type),
    // The ids also as an array, each probed in the primary key (LATERAL … LIMIT 1): the planner
    // cannot see how many rows the JSON holds, and `id = ANY` of a batch's thousands of ids
    // becomes a parallel scan of the whole table once that holds a few hundred thousand rows
    // (docs/measurements-history.md).
    [
      rows.map((r) => r.id),
      jsonRecords(rows.map((r) => ({ ...r.columns, id: r.id }))),
      trailing.map((e) => e.id),
      trailing.map((e) => e.kind),
      JSON.stringify(trailing.map((e) => e.data)),
      ...(ended ? [ended] : []),
    ],
  );
}

/** upsertEntitiesWithEvents' statement of each type, built once. */
const upsertStatements = new Map<EntityType, string>();

/**
 * One statement, so that an entity's row and its events are written together: the input rows
 * and trailing events, the entities' values before, the upsert, then their change events.
 * Parameters: $1 ids, $2 rows (JSON), $3–$5 trailing events, $6 the statuses that end it.
 */
function upsertStatement(type: EntityType): string {
  const known = upsertStatements.get(type);
  if (known) return known;
  const columns = Object.entries(ENTITY_COLUMNS[type]);
  const names = columns.map(([c]) => c);
  const sql = `WITH input AS (
       SELECT * FROM ${JSON_RECORDS('$2', 'i', `id uuid, ${columns.map(([c, t]) => `${c} ${t}`).join(', ')}`)}
     ), trail AS (
       SELECT * FROM unnest($3::uuid[], $4::text[], ${JSONB_ELEMENTS('$5')}) WITH ORDINALITY AS e(id, kind, data, n)
     ), counts AS (
       SELECT id, count(*) AS n FROM trail GROUP BY id
     ), before AS (
       ${valuesBefore(type, names)}
     ), c AS (
       ${upsertReturningValues(type, names)}
     ), own AS (
       SELECT c.*, c.change_seq - coalesce(k.n, 0) AS seq FROM c LEFT JOIN counts k ON k.id = c.id
     ), events AS (
       ${changeEvents(type, names)}
     )
     INSERT INTO change_event (type, entity_type, entity_id, entity_seq, division_code, previous_division_code, data)
     SELECT '${CHANGE_TYPE_PREFIX}${type}.' || kind, '${type}', id, seq, division, previous_division, data
       FROM events
      ORDER BY part, id, n`;
  upsertStatements.set(type, sql);
  return sql;
}

/** The golden values of row `alias` as the event's `attributes` object (camelCase keys). */
const attributesOf = (names: string[], alias: string) =>
  `jsonb_build_object(${names.map((c) => `'${camel(c)}', ${alias}.${c}`).join(', ')})`;

/** The value the upsert writes to a column: a place keeps a known value a mention leaves out. */
const incomingValue = (type: EntityType) => (c: string) =>
  KEEPS_KNOWN_VALUES.has(type) ? `coalesce(EXCLUDED.${c}, t.${c})` : `EXCLUDED.${c}`;

/** The entities' values, whether they had ended and their change counter, before the upsert. */
const valuesBefore = (type: EntityType, names: string[]) =>
  `SELECT t.id, ${attributesOf(names, 't')} AS attrs, t.ended_at IS NOT NULL AS ended, t.change_seq AS seq
         FROM unnest($1::uuid[]) k(id)
        CROSS JOIN LATERAL (SELECT * FROM ${type} t WHERE t.id = k.id LIMIT 1) t`;

/**
 * Inserts new entities and updates those whose values changed (or that had ended, or get
 * trailing events), bumping the change counter once for the values and once per trailing event.
 */
function upsertReturningValues(type: EntityType, names: string[]): string {
  const incoming = incomingValue(type);
  const distinct = `(${names.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${names.map(incoming).join(', ')})
                    OR t.ended_at IS NOT NULL`;
  return `-- The row proposed for insertion carries 1 + the entity's trailing events as its counter,
       -- so an update adds EXCLUDED.change_seq - 1 for them.
       INSERT INTO ${type} AS t (id, ${names.join(', ')}, change_seq)
       SELECT i.id, ${names.map((c) => `i.${c}`).join(', ')}, 1 + coalesce(k.n, 0)
         FROM input i LEFT JOIN counts k ON k.id = i.id
       ON CONFLICT (id) DO UPDATE SET ${names.map((c) => `${c} = ${incoming(c)}`).join(', ')},
                                      updated_at = now(), ended_at = NULL,
                                      change_seq = t.change_seq + EXCLUDED.change_seq - 1
                                                   + CASE WHEN ${distinct} THEN 1 ELSE 0 END
        WHERE ${distinct} OR EXCLUDED.change_seq > 1
       RETURNING t.id, t.change_seq, ${attributesOf(names, 't')} AS attrs`;
}

/**
 * Each entity's own event (created, revived, ended by its status, or updated with what changed),
 * when its counter moved, then its trailing events with the next counter values.
 */
function changeEvents(type: EntityType, names: string[]): string {
  const kind = ENDED_STATUSES[type]
    ? `CASE WHEN b.id IS NULL THEN 'created'
            WHEN c.attrs->>'status' = ANY($6::text[])
             AND (b.attrs->>'status' IS NULL OR b.attrs->>'status' <> ALL($6::text[])) THEN 'ended'
            WHEN b.ended THEN 'revived'
            ELSE 'updated' END`
    : `CASE WHEN b.id IS NULL THEN 'created' WHEN b.ended THEN 'revived' ELSE 'updated' END`;
  const division = names.includes('division_code') ? `c.attrs->>'divisionCode'` : 'NULL';
  // The division an update moved the entity out of (see ChangeEvent.previousDivisionCode).
  const previousDivision = names.includes('division_code')
    ? `CASE WHEN b.attrs->>'divisionCode' IS DISTINCT FROM c.attrs->>'divisionCode'
            THEN b.attrs->>'divisionCode' END`
    : 'NULL';
  return `SELECT 0 AS part, c.id, 0 AS n, ${kind} AS kind, c.seq, ${division} AS division,
              ${previousDivision} AS previous_division,
              jsonb_build_object('attributes', c.attrs, 'changed',
                CASE WHEN b.id IS NOT NULL THEN coalesce(
                  (SELECT jsonb_object_agg(k, jsonb_build_object('before', b.attrs->k, 'after', c.attrs->k))
                     FROM jsonb_object_keys(c.attrs) k WHERE b.attrs->k IS DISTINCT FROM c.attrs->k), '{}') END) AS data
         FROM own c LEFT JOIN before b ON b.id = c.id
        WHERE b.id IS NULL OR c.seq > b.seq
       UNION ALL
       SELECT 1, e.id, e.n, e.kind, c.seq + row_number() OVER (PARTITION BY e.id ORDER BY e.n),
              ${division}, NULL, e.data
         FROM trail e JOIN own c ON c.id = e.id`;
}

/** An entity's life events other than its values changing: merged into another, split, ended. */
export interface LifecycleChange {
  id: string;
  kind: 'merged' | 'split' | 'ended';
  data: Record<string, unknown>;
  /** For a `merged` person: the survivor its tombstone points at (see personLifecycle). */
  mergedInto?: string;
}

/**
 * Writes merged / split / ended events of entities of one type with the next value of their
 * change counter (a merged person keeps its row as a tombstone pointing at the survivor); an
 * ended entity is marked as such until a record names it again (see upsertEntitiesWithEvents).
 * Call after lockChangeLog, like the upsert.
 */
export async function insertLifecycleEvents(
  manager: EntityManager,
  type: EntityType,
  changes: LifecycleChange[],
): Promise<void> {
  if (changes.length === 0) return;
  // Only persons merge (see PersonResolver).
  const mergedInto =
    type === 'person' ? ', merged_into = coalesce(i.merged_into, t.merged_into)' : '';
  await manager.query(
    `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::uuid[]) AS i(id, kind, data, merged_into)
     ), bumped AS (
       UPDATE ${type} t SET change_seq = t.change_seq + 1, updated_at = now()${mergedInto},
                            ended_at = CASE WHEN i.kind = 'ended' THEN now() ELSE t.ended_at END
         FROM input i WHERE t.id = i.id AND t.id = ANY($1::uuid[])
       RETURNING t.id, t.change_seq, i.kind, i.data, ${divisionOf(type, 't')} AS division
     )
     INSERT INTO change_event (type, entity_type, entity_id, entity_seq, division_code, data)
     SELECT '${CHANGE_TYPE_PREFIX}${type}.' || kind, '${type}', id, change_seq, division, data
       FROM bumped ORDER BY id`,
    [
      changes.map((c) => c.id),
      changes.map((c) => c.kind),
      changes.map((c) => JSON.stringify(c.data)),
      changes.map((c) => c.mergedInto ?? null),
    ],
  );
}
