import type { EntityManager } from 'typeorm';
import { recordKey, storedMentionKeyOf, type SourceRelationFact } from '@hub/model';
import { diffRelations, type RelationChange, type ResolvedRelation } from '@hub/changes';
import { divisionPlaceIds, type RecordMention } from '@hub/resolution';
import { carriesFacts, mentionKey, newestVersions, relationsOf } from './batch-versions';
import type { IngestPlan } from './decide-outcomes';

/**
 * The `relation.added` / `relation.ended` events due for each relation that a record's newest
 * version in the batch states and its previous version did not, or the reverse (a cancellation
 * ends them all). The new version's ends are the entities after this batch's resolution; the
 * previous version's are the entities its mentions were on before the batch (`leftEntity`
 * gives those that moved), so a relation that followed a moved mention is ended and added too.
 * A division code the catalogue does not know is no relation (the `relation` view drops it).
 */
export async function versionRelationChanges(
  manager: EntityManager,
  plan: IngestPlan,
  endedRelations: ReadonlyMap<string, SourceRelationFact[]>,
  leftEntity: ReadonlyMap<string, string>,
  mentions: RecordMention[],
): Promise<RelationChange[]> {
  const records = [...newestVersions(plan).values()]
    .map((p) => ({
      record: p.record,
      before: endedRelations.get(recordKey(p.record.feed, p.record.sourceRecordId)) ?? [],
      after: carriesFacts(p) ? relationsOf(p) : [],
    }))
    .filter((r) => r.before.length > 0 || r.after.length > 0);
  if (records.length === 0) return [];
  const entities = new Map(
    mentions.map((m) => [storedMentionKeyOf(m), { type: m.entity_type, id: m.entity_id }]),
  );
  const codes = [
    ...new Set(
      records.flatMap((r) =>
        [...r.before, ...r.after].flatMap((x) => (x.toPlace ? [x.toPlace] : [])),
      ),
    ),
  ];
  const divisions = await divisionPlaceIds(manager, codes);
  const changes: RelationChange[] = [];
  for (const { record, before, after } of records) {
    /** The entity of a mention of this record, as the previous version or the new one saw it. */
    const entityOf = (pointer: string, previous: boolean) => {
      const key = mentionKey(record, pointer);
      const entity = entities.get(key);
      if (!entity) return undefined;
      const left = previous ? leftEntity.get(key) : undefined;
      return left ? { type: entity.type, id: left } : entity;
    };
    const resolve = (relation: SourceRelationFact, previous: boolean): ResolvedRelation[] => {
      const from = entityOf(relation.from, previous);
      if (!from) return [];
      if (relation.toPlace) {
        const id = divisions.get(relation.toPlace);
        if (!id) return [];
        return [
          {
            type: relation.type,
            from,
            to: { type: 'place', id, code: relation.toPlace },
            attributes: relation.attributes,
          },
        ];
      }
      const to = entityOf(relation.to!, previous);
      if (!to) return [];
      return [{ type: relation.type, from, to, attributes: relation.attributes }];
    };
    const source = { feed: record.feed, sourceRecordId: record.sourceRecordId };
    for (const change of diffRelations(
      before.flatMap((r) => resolve(r, true)),
      after.flatMap((r) => resolve(r, false)),
    ))
      changes.push({ ...change, source });
  }
  return changes;
}
