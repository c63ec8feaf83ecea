import type { EntityManager } from 'typeorm';
import {
  insertLifecycleEvents,
  insertRelationEvents,
  lockChangeLog,
  type RelationChange,
  relationChangesOfMoves,
  relationEvent,
  upsertEntitiesWithEvents,
} from '@hub/changes';
import type { PersonResolution } from './person-resolver';

/*
 * A resolution's persons written with their change events (the outbox), under the change-log
 * lock: call last in the transaction (see lockChangeLog).
 */

/**
 * Writes the persons a resolution concerns, with their change events: golden values changed,
 * the relations that followed a moved mention (ended on the person it left, added on the one it
 * joined), then merged, split, ended, so that a tombstone's last event is its `merged`. The
 * ingest runs the three steps itself, to put its batch's own relation events in the middle.
 * Takes the change-log lock, so call it last in the transaction.
 */
export async function writePersons(
  manager: EntityManager,
  resolution: PersonResolution,
): Promise<void> {
  const relations = await relationChangesOfMoves(manager, resolution.moved);
  const rest = await writeGoldenPersons(manager, resolution, relations);
  if (rest.length > 0) {
    await lockChangeLog(manager);
    await insertRelationEvents(manager, rest);
  }
  await writePersonLifecycle(manager, resolution);
}

/**
 * The golden values of the persons concerned, with created / updated / revived / ended events,
 * each followed by the events of `relations` that go from it. Returns the other relations,
 * whose events the caller writes (insertRelationEvents).
 */
export async function writeGoldenPersons(
  manager: EntityManager,
  resolution: PersonResolution,
  relations: RelationChange[] = [],
): Promise<RelationChange[]> {
  if (resolution.golden.length === 0) return relations;
  const golden = new Set(resolution.golden.map((g) => g.id));
  const own = (c: RelationChange) =>
    c.relation.from.type === 'person' && golden.has(c.relation.from.id);
  await lockChangeLog(manager);
  await upsertEntitiesWithEvents(
    manager,
    'person',
    resolution.golden.map((g) => ({ id: g.id, columns: { ...g.columns } })),
    relations.filter(own).map(relationEvent),
  );
  return relations.filter((c) => !own(c));
}

/** The merged, split and ended events of the persons concerned. */
export async function writePersonLifecycle(
  manager: EntityManager,
  resolution: PersonResolution,
): Promise<void> {
  const lifecycle = [
    ...resolution.merged.map((m) => ({
      id: m.id,
      kind: 'merged' as const,
      data: m.alsoInto ? { into: m.into, alsoInto: m.alsoInto } : { into: m.into },
      mergedInto: m.into,
    })),
    ...resolution.split.map((s) => ({
      id: s.id,
      kind: 'split' as const,
      data: { into: s.into },
    })),
    ...resolution.ended.map((e) => ({
      id: e.id,
      kind: 'ended' as const,
      data: { reason: e.reason },
    })),
  ];
  if (lifecycle.length === 0) return;
  await lockChangeLog(manager);
  await insertLifecycleEvents(manager, 'person', lifecycle);
}
