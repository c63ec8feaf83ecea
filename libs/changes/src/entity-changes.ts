import type { EntityManager } from 'typeorm';
import type { EntityType } from '@hub/model';
import { JSON_RECORDS, jsonRecords } from '@hub/persistence';

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
  place: { level: 'text', name: 'text', division_code: 'text', address: 'jsonb' },
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

/**
 * Writes the golden columns of `rows` (inserting new entities) and, in the same statement, one
 * change event for each entity that was created, revived (it had ended: see insertLifecycleEvents)
 * or whose golden values changed: `attributes` holds the values after the change and `changed`
 * the before/after of each changed one. An entity whose values did not change and that had not
 * ended is left alone and gets no event. Set-based, because the
 * ingest calls it for a thousand entities at a time.
 */
export async function upsertEntitiesWithEvents(
  manager: EntityManager,
  type: EntityType,
  rows: { id: string; columns: GoldenColumns }[],
): Promise<void> {
  const columns = Object.entries(ENTITY_COLUMNS[type]);
  const names = columns.map(([c]) => c);
  const incoming = (c: string) =>
    KEEPS_KNOWN_VALUES.has(type) ? `coalesce(EXCLUDED.${c}, t.${c})` : `EXCLUDED.${c}`;
  const attrs = (alias: string) =>
    `jsonb_build_object(${names.map((c) => `'${camel(c)}', ${alias}.${c}`).join(', ')})`;
  const ended = ENDED_STATUSES[type];
  const kind = ended
    ? `CASE WHEN b.id IS NULL THEN 'created'
            WHEN c.attrs->>'status' = ANY($3::text[])
             AND (b.attrs->>'status' IS NULL OR b.attrs->>'status' <> ALL($3::text[])) THEN 'ended'
            WHEN b.ended THEN 'revived'
            ELSE 'updated' END`
    : `CASE WHEN b.id IS NULL THEN 'created' WHEN b.ended THEN 'revived' ELSE 'updated' END`;
  const division = names.includes('division_code') ? `c.attrs->>'divisionCode'` : 'NULL';
  // The division an update moved the entity out of (see ChangeEvent.previousDivisionCode).
  const previousDivision = names.includes('division_code')
    ? `CASE WHEN b.attrs->>'divisionCode' IS DISTINCT FROM c.attrs->>'divisionCode'
            THEN b.attrs->>'divisionCode' END`
    : 'NULL';
  await manager.query(
    `WITH input AS (
       SELECT * FROM ${JSON_RECORDS('$2', 'i', `id uuid, ${columns.map(([c, t]) => `${c} ${t}`).join(', ')}`)}
     ), before AS (
       SELECT t.id, ${attrs('t')} AS attrs, t.ended_at IS NOT NULL AS ended FROM ${type} t WHERE t.id = ANY($1::uuid[])
     ), c AS (
       INSERT INTO ${type} AS t (id, ${names.join(', ')}, change_seq)
       SELECT id, ${names.join(', ')}, 1 FROM input
       ON CONFLICT (id) DO UPDATE SET ${names.map((c) => `${c} = ${incoming(c)}`).join(', ')},
                                      updated_at = now(), change_seq = t.change_seq + 1, ended_at = NULL
        WHERE (${names.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${names.map(incoming).join(', ')})
           OR t.ended_at IS NOT NULL
       RETURNING t.id, t.change_seq, ${attrs('t')} AS attrs
     )
     INSERT INTO change_event (type, entity_type, entity_id, entity_seq, division_code, previous_division_code, data)
     SELECT '${CHANGE_TYPE_PREFIX}${type}.' || (${kind}), '${type}', c.id, c.change_seq, ${division}, ${previousDivision},
            jsonb_build_object('attributes', c.attrs, 'changed',
              CASE WHEN b.id IS NOT NULL THEN coalesce(
                (SELECT jsonb_object_agg(k, jsonb_build_object('before', b.attrs->k, 'after', c.attrs->k))
                   FROM jsonb_object_keys(c.attrs) k WHERE b.attrs->k IS DISTINCT FROM c.attrs->k), '{}') END)
       FROM c LEFT JOIN before b ON b.id = c.id
      ORDER BY c.id`,
    // The ids also as an array: `= ANY` of an array probes the primary key; the planner cannot
    // see how few rows the JSON holds.
    [
      rows.map((r) => r.id),
      jsonRecords(rows.map((r) => ({ ...r.columns, id: r.id }))),
      ...(ended ? [ended] : []),
    ],
  );
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
