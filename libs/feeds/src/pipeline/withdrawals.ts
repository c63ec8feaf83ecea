import type { EntityManager } from 'typeorm';
import { type EntityType, recordKey, storedMentionKeyOf } from '@hub/model';
import { insertLifecycleEvents, lockChangeLog } from '@hub/changes';
import { Mentions, type RecordMention } from '@hub/resolution';
import { cancelledRecords, carriesFacts, mentionKey, newestVersions } from './batch-versions';
import type { IngestPlan } from './decide-outcomes';

/** An entity one of whose mentions was withdrawn: its record was cancelled or no longer names it. */
export interface Withdrawal {
  type: EntityType;
  id: string;
  reason: 'cancelled' | 'unnamed';
}

/** Entity types whose mentions a record's new version can withdraw (persons: resolution). */
const WITHDRAWABLE_TYPES = ['place', 'organization', 'event', 'object'] as const;

/**
 * Deactivates the place, event, object and organization mentions that the newest version of
 * a record no longer names (a cancellation names none); person mentions are resolution's
 * (resolvePersonMentions). Returns their entities, with why, and the keyed places and
 * organizations a mention left in this batch (its record changed the key: `movedFrom`).
 */
export async function withdrawMentions(
  manager: EntityManager,
  plan: IngestPlan,
  mentions: RecordMention[],
  movedFrom: ReadonlyMap<string, string>,
): Promise<Withdrawal[]> {
  const left: Withdrawal[] = mentions
    .filter((m) => movedFrom.has(storedMentionKeyOf(m)))
    .map((m) => ({
      type: m.entity_type,
      id: movedFrom.get(storedMentionKeyOf(m))!,
      reason: 'unnamed',
    }));
  const named = new Set(
    [...newestVersions(plan).values()].flatMap((p) =>
      carriesFacts(p) ? p.record.mapped.mentions.map((m) => mentionKey(p.record, m.pointer)) : [],
    ),
  );
  const gone = mentions.filter(
    (m) => m.entity_type !== 'person' && m.active && !named.has(storedMentionKeyOf(m)),
  );
  if (gone.length === 0) return left;
  await Mentions.setActive(manager, gone.map(storedMentionKeyOf), false);
  const cancelled = cancelledRecords(plan);
  return [
    ...left,
    ...gone.map((m) => ({
      type: m.entity_type,
      id: m.entity_id,
      reason: cancelled.has(recordKey(m.feed, m.source_record_id))
        ? ('cancelled' as const)
        : ('unnamed' as const),
    })),
  ];
}

/** A place without mentions that stays: a seeded division, or an address with a child place. */
const PLACE_STAYS = ` OR x.code IS NOT NULL
                        OR EXISTS (SELECT FROM place c WHERE c.parent_id = x.id AND c.ended_at IS NULL)`;

/**
 * An `ended` event for each entity of withdrawn mentions that no active mention names any
 * more, except seeded division places (the division catalog owns them), addresses with a place
 * below them (a building whose flats remain) and entities that had
 * ended already (a restored record that names another place leaves its old, ended one).
 * Checked under the change-log lock, so every transaction that committed before is seen; one
 * that names the entity and commits after this check (it was written concurrently) takes the
 * lock after this transaction's commit, and its upsert sees the entity ended and revives it.
 */

export async function endOrphanedEntities(
  manager: EntityManager,
  withdrawn: Withdrawal[],
): Promise<void> {
  if (withdrawn.length === 0) return;
  await lockChangeLog(manager);
  const orphans: Withdrawal[] = await manager.query(
    `SELECT DISTINCT ON (k.id) k.type, k.id, k.reason
       FROM unnest($1::text[], $2::uuid[], $3::text[]) k(type, id, reason)
      WHERE NOT EXISTS (SELECT FROM mention m
                         WHERE m.entity_type = k.type AND m.entity_id = k.id AND m.active)
        ${WITHDRAWABLE_TYPES.map(
          (type) =>
            `AND NOT EXISTS (SELECT FROM ${type} x WHERE k.type = '${type}' AND x.id = k.id
                               AND (x.ended_at IS NOT NULL${type === 'place' ? PLACE_STAYS : ''}))`,
        ).join('\n')}
      ORDER BY k.id, k.reason`,
    [withdrawn.map((e) => e.type), withdrawn.map((e) => e.id), withdrawn.map((e) => e.reason)],
  );
  for (const type of new Set(orphans.map((o) => o.type)))
    await insertLifecycleEvents(
      manager,
      type,
      orphans
        .filter((o) => o.type === type)
        .map((o) => ({ id: o.id, kind: 'ended' as const, data: { reason: o.reason } })),
    );
  await endEmptiedParents(
    manager,
    orphans.filter((o) => o.type === 'place'),
  );
}

/**
 * The places above an address (its house number, building, unit) are written with it and no
 * record names them: each ends with the last live place below it, for the same reason, up the
 * chain, unless a record names it too. Under the change-log lock, as endOrphanedEntities.
 */
async function endEmptiedParents(manager: EntityManager, ended: Withdrawal[]): Promise<void> {
  while (ended.length > 0) {
    const parents: Withdrawal[] = await manager.query(
      `SELECT DISTINCT ON (x.id) 'place' AS type, x.id, k.reason
         FROM unnest($1::uuid[], $2::text[]) k(id, reason)
         JOIN place c ON c.id = k.id
         JOIN place x ON x.id = c.parent_id
        WHERE x.ended_at IS NULL AND x.code IS NULL
          AND NOT EXISTS (SELECT FROM mention m
                           WHERE m.entity_type = 'place' AND m.entity_id = x.id AND m.active)
          AND NOT EXISTS (SELECT FROM place y WHERE y.parent_id = x.id AND y.ended_at IS NULL)
        ORDER BY x.id, k.reason`,
      [ended.map((e) => e.id), ended.map((e) => e.reason)],
    );
    await insertLifecycleEvents(
      manager,
      'place',
      parents.map((p) => ({ id: p.id, kind: 'ended' as const, data: { reason: p.reason } })),
    );
    ended = parents;
  }
}
