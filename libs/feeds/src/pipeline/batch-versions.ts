import { mentionKeyOf, recordKey, type SourceFact, type SourceRelationFact } from '@hub/model';
import { personContext, personFeatures, type PersonMention } from '@hub/resolution';
import type { MappedRecord } from '../mapping/mapped-record';
import type { IngestPlan, PlannedRecord } from './decide-outcomes';
import { forEachInSlices } from './event-loop-slices';
import type { PreparedRecord } from './prepare-record';

/** What an ingest plan's versions state, worked out without the database. */

/** A version that states facts: not stale, and mapped (a cancellation states none). */
export type FactualVersion = PlannedRecord & { record: PreparedRecord & { mapped: MappedRecord } };

/** Stale versions are history only; cancellations and unmapped versions state no facts. */
export const carriesFacts = (p: PlannedRecord): p is FactualVersion =>
  p.status !== 'stale' && p.record.mapped !== undefined;

/** Worked out once per plan: the ingest asks for it at several steps. */
const newestOfPlan = new WeakMap<IngestPlan, Map<string, PlannedRecord>>();

/** The newest stored, not stale, version of each record in the batch, by recordKey. */
export function newestVersions(plan: IngestPlan): Map<string, PlannedRecord> {
  const known = newestOfPlan.get(plan);
  if (known) return known;
  const newest = new Map<string, PlannedRecord>();
  for (const p of plan.store)
    if (p.status !== 'stale') newest.set(recordKey(p.record.feed, p.record.sourceRecordId), p);
  newestOfPlan.set(plan, newest);
  return newest;
}

/** The records (recordKey) whose newest version in the batch is a cancellation. */
export const cancelledRecords = (plan: IngestPlan): Set<string> =>
  new Set(
    [...newestVersions(plan).entries()]
      .filter(([, p]) => p.status === 'cancelled')
      .map(([key]) => key),
  );

export const mentionKey = (record: PreparedRecord, pointer: string) =>
  mentionKeyOf(record.feed, record.sourceRecordId, pointer);

/** The values a version contributes, each with the pointer of the subject it describes. */
export const factsOf = ({ record }: FactualVersion): SourceFact[] =>
  record.mapped.mentions.flatMap((mention) =>
    mention.values.map((v): SourceFact => [mention.pointer, v.attribute, v.value, v.valid]),
  );

/** The relations a version asserts, between the pointers of its mentions (or a division). */
export const relationsOf = ({ record }: FactualVersion): SourceRelationFact[] => {
  const pointerOf = new Map(record.mapped.mentions.map((m) => [m.key, m.pointer]));
  return record.mapped.relations.map((r) => ({
    type: r.type,
    from: pointerOf.get(r.fromKey)!,
    to: r.toKey ? pointerOf.get(r.toKey)! : null,
    toPlace: r.toDivisionCode ?? null,
    attributes: r.attributes,
  }));
};

/** The person mentions of each record's newest version in the batch, with their match features. */
export async function personMentionsOf(plan: IngestPlan): Promise<Map<string, PersonMention>> {
  const features = new Map<string, PersonMention>();
  await forEachInSlices([...newestVersions(plan).values()], (p) => {
    if (!carriesFacts(p)) return;
    for (const m of p.record.mapped.mentions) {
      if (m.entityType !== 'person') continue;
      features.set(mentionKey(p.record, m.pointer), {
        features: personFeatures(m.values, personContext(p.record.mapped, m.key)),
        observedAt: p.record.observedAt.toISOString(),
      });
    }
  });
  return features;
}
