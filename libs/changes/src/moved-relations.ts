import type { EntityManager } from 'typeorm';
import { type EntityType, mentionKeyOf, recordKey, splitRecordKey } from '@hub/model';
import { diffRelations, type RelationChange, type ResolvedRelation } from './relation-changes';

/** A mention that entity resolution moved in this transaction: its record, pointer and old entity. */
export interface MovedMention {
  feed: string;
  sourceRecordId: string;
  pointer: string;
  /** The entity it was on before the move. */
  from: string;
}

interface CurrentRelation {
  feed: string;
  source_record_id: string;
  type: string;
  from_pointer: string;
  to_pointer: string | null;
  from_type: EntityType;
  from_id: string;
  to_type: EntityType | null;
  to_id: string | null;
  code: string | null;
  attributes: Record<string, unknown>;
}

/**
 * The relation events due because mentions moved to other entities: a relation follows its
 * mentions (the `relation` view joins them), so each relation that the current version of a
 * moved mention's record states, from or to that mention, ends on the old entity and is added
 * on the new one. Records in `skip` are left out: their caller compares their versions itself.
 * Call after the moves were written.
 */
export async function relationChangesOfMoves(
  manager: EntityManager,
  moves: MovedMention[],
  skip: (feed: string, sourceRecordId: string) => boolean = () => false,
): Promise<RelationChange[]> {
  const wanted = moves.filter((m) => !skip(m.feed, m.sourceRecordId));
  if (wanted.length === 0) return [];
  const previous = new Map(
    wanted.map((m) => [mentionKeyOf(m.feed, m.sourceRecordId, m.pointer), m.from]),
  );
  const records = [
    ...new Map(wanted.map((m) => [recordKey(m.feed, m.sourceRecordId), m])).values(),
  ];
  // As the `relation` view, for the current, not cancelled, version of each record; written as
  // LATERAL probes (one index lookup per key), not joins the planner could answer by hashing
  // whole tables (see SourceRecords in @hub/feeds).
  const rows: CurrentRelation[] = await manager.query(
    `SELECT s.feed, s.source_record_id, r.rel->>'type' AS type, r.rel->>'from' AS from_pointer,
            r.rel->>'to' AS to_pointer, fm.entity_type AS from_type, fm.entity_id AS from_id,
            tm.entity_type AS to_type, coalesce(tm.entity_id, p.id) AS to_id, r.rel->>'toPlace' AS code,
            coalesce(r.rel->'attributes', '{}'::jsonb) AS attributes
       FROM unnest($1::text[], $2::text[]) k(feed, id)
      CROSS JOIN LATERAL (SELECT current_id FROM feed_record_head h
                           WHERE h.feed = k.feed AND h.source_record_id = k.id AND NOT h.cancelled LIMIT 1) h
      CROSS JOIN LATERAL (SELECT feed, source_record_id, relations FROM source_record s
                           WHERE s.id = h.current_id LIMIT 1) s
      CROSS JOIN LATERAL jsonb_array_elements(s.relations) r(rel)
      CROSS JOIN LATERAL (SELECT entity_type, entity_id FROM mention fm
                           WHERE fm.feed = s.feed AND fm.source_record_id = s.source_record_id
                             AND fm.pointer = r.rel->>'from' LIMIT 1) fm
       LEFT JOIN LATERAL (SELECT entity_type, entity_id FROM mention tm
                           WHERE tm.feed = s.feed AND tm.source_record_id = s.source_record_id
                             AND tm.pointer = r.rel->>'to' LIMIT 1) tm ON true
       LEFT JOIN LATERAL (SELECT id FROM place p WHERE p.code = r.rel->>'toPlace' LIMIT 1) p ON true
      WHERE coalesce(tm.entity_id, p.id) IS NOT NULL`,
    [records.map((m) => m.feed), records.map((m) => m.sourceRecordId)],
  );
  // Each record's relations before and after, compared as a whole (as diffRelations does for a
  // new version): two mentions that state the same relation and merge give one relation.
  const byRecord = new Map<string, { before: ResolvedRelation[]; after: ResolvedRelation[] }>();
  for (const row of rows) {
    const fromBefore = previous.get(mentionKeyOf(row.feed, row.source_record_id, row.from_pointer));
    const toBefore =
      row.to_pointer === null
        ? undefined
        : previous.get(mentionKeyOf(row.feed, row.source_record_id, row.to_pointer));
    const relation = (from: string, to: string): ResolvedRelation => ({
      type: row.type,
      from: { type: row.from_type, id: from },
      to:
        row.code !== null
          ? { type: 'place', id: to, code: row.code }
          : { type: row.to_type!, id: to },
      attributes: row.attributes,
    });
    const record = recordKey(row.feed, row.source_record_id);
    const lists = byRecord.get(record) ?? { before: [], after: [] };
    lists.before.push(relation(fromBefore ?? row.from_id, toBefore ?? row.to_id!));
    lists.after.push(relation(row.from_id, row.to_id!));
    byRecord.set(record, lists);
  }
  const changes: RelationChange[] = [];
  for (const [record, { before, after }] of byRecord) {
    const { feed, sourceRecordId } = splitRecordKey(record);
    for (const change of diffRelations(before, after))
      changes.push({ ...change, source: { feed, sourceRecordId } });
  }
  return changes;
}
