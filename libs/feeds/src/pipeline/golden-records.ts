import type { EntityManager } from 'typeorm';
import type { EntityType } from '@hub/model';
import {
  type GoldenColumns,
  type RelationChange,
  relationEvent,
  lockChangeLog,
  upsertEntitiesWithEvents,
} from '@hub/changes';
import { type PersonResolution, type SurvivorshipRules, writeGoldenPersons } from '@hub/resolution';
import { type FactualVersion, mentionKey } from './batch-versions';
import { goldenColumns } from './golden-columns';
import type { MentionPlacement } from './mention-placement';
import { organizationGoldenColumns } from './organization-golden';

/**
 * The golden columns of the mentioned entities (later versions in the batch win; organizations
 * by survivorship over all their mentions, also those that lost a mention in this batch;
 * persons from their resolution), with a change event for each entity created or changed.
 * An entity's relation changes are written with it (see upsertEntitiesWithEvents), in
 * UPSERT_ORDER; returns the others, whose entities are not written here. Last in the
 * transaction: see lockChangeLog.
 */
export async function writeGoldenRecords(
  manager: EntityManager,
  rules: SurvivorshipRules,
  versions: FactualVersion[],
  placement: Pick<MentionPlacement, 'ids' | 'keyed'>,
  persons: PersonResolution,
  leftOrganizations: string[],
  relationChanges: RelationChange[],
): Promise<RelationChange[]> {
  const entities = new Map<string, { type: EntityType; columns: GoldenColumns }>();
  for (const { record } of versions)
    for (const mention of record.mapped.mentions) {
      if (mention.entityType === 'person') continue;
      const key = mentionKey(record, mention.pointer);
      const keyed = placement.keyed.get(key);
      if (keyed && !keyed.written) continue;
      const id = placement.ids.get(key)!;
      // Several mentions of one keyed entity in a batch: later ones win, except with nulls.
      const before = keyed ? entities.get(id)?.columns : undefined;
      const own = { ...goldenColumns(mention), ...keyed?.columns };
      entities.set(id, {
        type: mention.entityType,
        columns: before ? { ...before, ...withoutNulls(own) } : own,
      });
    }
  // The places above the mentioned addresses (a flat's building), written with them: each
  // names its parent. One a mention of the batch names keeps that mention's columns.
  for (const keyed of placement.keyed.values())
    for (const ancestor of keyed.ancestors)
      if (!entities.has(ancestor.id))
        entities.set(ancestor.id, { type: 'place', columns: ancestor.columns });
  const organizations = [
    ...new Set([
      ...[...entities].filter(([, e]) => e.type === 'organization').map(([id]) => id),
      ...leftOrganizations,
    ]),
  ];
  if (entities.size > 0 || organizations.length > 0) await lockChangeLog(manager);
  // Under the lock: every transaction that committed a mention of them before is seen.
  const survivors = await organizationGoldenColumns(manager, organizations, rules);
  // One that lost its last mention keeps its values (it ends: endOrphanedEntities).
  for (const [id, columns] of survivors) entities.set(id, { type: 'organization', columns });
  let rest = relationChanges;
  for (const type of UPSERT_ORDER) {
    if (type === 'person') {
      const later = rest.filter((c) => !writtenBefore(c));
      rest = [
        ...(await writeGoldenPersons(manager, persons, rest.filter(writtenBefore))),
        ...later,
      ];
      continue;
    }
    const rows = [...entities.entries()].filter(([, e]) => e.type === type);
    if (rows.length === 0) continue;
    const ids = new Set(rows.map(([id]) => id));
    const own = (c: RelationChange) =>
      c.relation.from.type === type && ids.has(c.relation.from.id) && writtenBefore(c);
    await upsertEntitiesWithEvents(
      manager,
      type,
      rows.map(([id, e]) => ({ id, columns: e.columns })),
      rest.filter(own).map(relationEvent),
    );
    rest = rest.filter((c) => !own(c));
  }
  return rest;
}

/**
 * The order the ingest writes entities in, each with the relation events that go from it: a
 * relation's target is written before it (persons live at places, own objects and represent
 * organizations; events involve persons), so a subscriber sees a new target's `created` before
 * the `relation.added` that names it.
 */
const UPSERT_ORDER: EntityType[] = ['place', 'object', 'organization', 'person', 'event'];
/**
 * A relation whose target's type comes later in UPSERT_ORDER (none of today's feeds has one)
 * has its event written after all the upserts instead (insertRelationEvents).
 */
const writtenBefore = (c: RelationChange) =>
  UPSERT_ORDER.indexOf(c.relation.to.type) <= UPSERT_ORDER.indexOf(c.relation.from.type);

const withoutNulls = (columns: GoldenColumns): GoldenColumns =>
  Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== null && v !== undefined));
