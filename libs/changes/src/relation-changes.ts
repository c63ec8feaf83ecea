import type { EntityManager } from 'typeorm';
import type { EntityType } from '@hub/model';
import { JSONB_ELEMENTS } from '@hub/persistence';
import { CHANGE_TYPE_PREFIX, divisionOf, type TrailingEvent } from './entity-changes';

/** One relation of a record version, with both ends resolved to entities. */
export interface ResolvedRelation {
  type: string;
  from: { type: EntityType; id: string };
  /** An entity, or a division given by its code (the seeded division place `id`). */
  to: { type: EntityType; id: string | null; code?: string };
  attributes: Record<string, unknown>;
}

export interface RelationChange {
  kind: 'added' | 'ended';
  relation: ResolvedRelation;
  /** The record whose new version (or cancellation) made the change. */
  source: { feed: string; sourceRecordId: string };
}

const identity = (r: ResolvedRelation) =>
  JSON.stringify([r.type, r.from.id, r.to.id ?? r.to.code, r.attributes]);

/**
 * What a record's new version changed in its relations: those only the new version states are
 * added, those only the previous one stated are ended. Pure.
 */
export function diffRelations(
  before: ResolvedRelation[],
  after: ResolvedRelation[],
): { kind: 'added' | 'ended'; relation: ResolvedRelation }[] {
  const old = new Map(before.map((r) => [identity(r), r]));
  const now = new Map(after.map((r) => [identity(r), r]));
  return [
    ...[...old]
      .filter(([k]) => !now.has(k))
      .map(([, relation]) => ({ kind: 'ended' as const, relation })),
    ...[...now]
      .filter(([k]) => !old.has(k))
      .map(([, relation]) => ({ kind: 'added' as const, relation })),
  ];
}

/** The `relation.added` / `relation.ended` event of a change, on the entity it goes from. */
export const relationEvent = (c: RelationChange): TrailingEvent => ({
  id: c.relation.from.id,
  kind: `relation.${c.kind}`,
  data: {
    relation: c.relation.type,
    to: c.relation.to,
    qualifiers: c.relation.attributes,
    source: c.source,
  },
});

/**
 * Writes `<from type>.relation.added` / `.relation.ended` events on the entity the relation goes
 * from, each with the next value of that entity's change counter. Call after lockChangeLog and
 * after the entities' own upserts, so a new entity's `created` comes first. (An entity upserted in
 * the same transaction can take its relation events with its upsert instead: see
 * upsertEntitiesWithEvents.)
 */
export async function insertRelationEvents(
  manager: EntityManager,
  changes: RelationChange[],
): Promise<void> {
  const byType = new Map<EntityType, TrailingEvent[]>();
  for (const c of changes) {
    const list = byType.get(c.relation.from.type);
    if (list) list.push(relationEvent(c));
    else byType.set(c.relation.from.type, [relationEvent(c)]);
  }
  for (const [type, list] of byType)
    await manager.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], ${JSONB_ELEMENTS('$3')}) WITH ORDINALITY AS i(id, kind, data, n)
       ), counts AS (
         SELECT id, count(*) AS c FROM input GROUP BY id
       ), bumped AS (
         UPDATE ${type} t SET change_seq = t.change_seq + counts.c, updated_at = now()
           FROM counts WHERE t.id = counts.id AND t.id = ANY($1::uuid[])
         RETURNING t.id, t.change_seq AS last, counts.c, ${divisionOf(type, 't')} AS division
       )
       INSERT INTO change_event (type, entity_type, entity_id, entity_seq, division_code, data)
       SELECT '${CHANGE_TYPE_PREFIX}${type}.' || i.kind, '${type}', i.id,
              b.last - b.c + row_number() OVER (PARTITION BY i.id ORDER BY i.n), b.division, i.data
         FROM input i JOIN bumped b ON b.id = i.id
        ORDER BY i.id, i.n`,
      [list.map((e) => e.id), list.map((e) => e.kind), JSON.stringify(list.map((e) => e.data))],
    );
}
