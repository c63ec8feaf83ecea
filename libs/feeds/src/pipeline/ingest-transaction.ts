import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { mentionKeyOf, recordKey, type SourceRelationFact } from '@hub/model';
import { insertRelationEvents, lockChangeLog, relationChangesOfMoves } from '@hub/changes';
import {
  blocksOfFeatures,
  Mentions,
  PersonResolver,
  resolvePersonMentions,
  SURVIVORSHIP_RULES,
  type SurvivorshipRules,
  writePersonLifecycle,
} from '@hub/resolution';
import type { PhaseClock } from '../ingest-metrics';
import { carriesFacts, cancelledRecords, newestVersions, personMentionsOf } from './batch-versions';
import { decideOutcomes, type IngestPlan, type RecordOutcome } from './decide-outcomes';
import { writeGoldenRecords } from './golden-records';
import { placeMentions } from './mention-placement';
import type { PreparedRecord, RejectedRecord } from './prepare-record';
import { SourceRecords } from './source-record.repository';
import { versionRelationChanges } from './version-relations';
import { endOrphanedEntities, withdrawMentions } from './withdrawals';

/**
 * One batch of prepared records, stored in the caller's transaction, in pipeline order:
 * source records → ordering → mentions → resolution → golden records with their change events
 * (the outbox). Each step is one call to the capability that owns it; every statement is
 * set-based, a few dozen for a batch whatever its size.
 */
@Injectable()
export class IngestTransaction {
  constructor(
    private readonly persons: PersonResolver,
    @Inject(SURVIVORSHIP_RULES) private readonly rules: SurvivorshipRules,
  ) {}

  /** Stores the records and the rejects; returns each record's outcome by message index. */
  async run(
    manager: EntityManager,
    records: PreparedRecord[],
    rejects: RejectedRecord[],
    clock?: PhaseClock,
  ): Promise<Map<number, RecordOutcome>> {
    await SourceRecords.lock(manager, records);
    const { heads, knownVersions } = await SourceRecords.state(manager, records);
    const plan = decideOutcomes(records, heads, knownVersions);
    await this.apply(manager, plan, clock);
    await SourceRecords.insertRejects(manager, rejects);
    return plan.outcomes;
  }

  private async apply(manager: EntityManager, plan: IngestPlan, clock?: PhaseClock) {
    // 1. Versions: the facts of those a newer version (or a cancellation) replaces end.
    const endedRelations: Map<string, SourceRelationFact[]> = await SourceRecords.end(
      manager,
      plan.supersede,
    );
    if (plan.store.length === 0) return;
    const versions = plan.store.filter(carriesFacts);
    const newest = [...newestVersions(plan).values()].map((p) => p.record);

    // 2. Mentions other than persons go on their entities, keyed places and organizations by
    //    key; then the versions and heads. Only the record locks are held so far: other
    //    transactions naming the same residents wait on the person locks taken next.
    const personMentions = await personMentionsOf(plan);
    const placement = await placeMentions(manager, versions, personMentions, plan.storedBefore);
    await SourceRecords.store(manager, plan);

    // 3. Persons: resolution takes its locks, writes the person mentions and re-resolves their
    //    blocks.
    const resolution = await resolvePersonMentions(
      manager,
      this.persons,
      {
        kind: 'batch',
        storedRecords: newest.filter((r) =>
          plan.storedBefore.has(recordKey(r.feed, r.sourceRecordId)),
        ),
        current: personMentions,
        cancelled: cancelledRecords(plan),
        provisionalId: (key) => placement.ids.get(key)!,
        pending: {
          mentions: placement.newPersons.map(({ key, entityId }) => ({
            key,
            entityId,
            features: personMentions.get(key)!.features,
            blocks: blocksOfFeatures(personMentions.get(key)!.features),
          })),
          insert: (placed) =>
            Mentions.insert(
              manager,
              placement.newPersons.map(({ key, entityId }) => ({
                key,
                type: 'person',
                entityId: placed.get(key)?.entityId ?? entityId,
                link: placed.get(key)?.link ?? null,
              })),
              personMentions,
            ),
        },
      },
      clock,
    );

    // 4. What changed besides values: relations (by version, and those that followed a moved
    //    mention) and mentions a version no longer names. Read before the change log is locked:
    //    that lock is held from step 5 to the commit.
    const mentions = await Mentions.ofRecords(manager, newest);
    const leftEntity = new Map(placement.movedFrom);
    for (const m of resolution.moved)
      leftEntity.set(mentionKeyOf(m.feed, m.sourceRecordId, m.pointer), m.from);
    const compared = new Set(newestVersions(plan).keys());
    const relationChanges = [
      ...(await versionRelationChanges(manager, plan, endedRelations, leftEntity, mentions)),
      ...(await relationChangesOfMoves(manager, resolution.moved, (feed, id) =>
        compared.has(recordKey(feed, id)),
      )),
    ];
    const withdrawn = await withdrawMentions(manager, plan, mentions, placement.movedFrom);

    // 5. Golden records with their change events (the outbox), in one order under the
    //    change-log lock; lifecycle events last: a merged person's last event is its `merged`.
    const otherRelationChanges = await writeGoldenRecords(
      manager,
      this.rules,
      versions,
      placement,
      resolution,
      withdrawn.filter((w) => w.type === 'organization').map((w) => w.id),
      relationChanges,
    );
    if (otherRelationChanges.length > 0) {
      await lockChangeLog(manager);
      await insertRelationEvents(manager, otherRelationChanges);
    }
    await writePersonLifecycle(manager, resolution);
    await endOrphanedEntities(manager, withdrawn);
  }
}
