import type { EntityManager } from 'typeorm';
import { recordKey, storedMentionKeyOf as storedMentionKey } from '@hub/model';
import { blocksOfFeatures, blocksOfStored, placedNameKey } from './block-keys';
import { type PersonMention, Mentions, type StoredPersonMention } from './mention.repository';
import type {
  PendingMentions,
  PersonResolution,
  PersonResolver,
  TouchedMention,
} from './person-resolver';
import {
  familyContextLocked,
  type FamilyContextQuery,
  familyMemberLocks,
  lockResolution,
  rereadWithPersonsLocked,
} from './resolution-locks';

/** What to resolve: the ingest's batch, or stored mentions an operator decided on. */
export type PersonMentionsToResolve =
  | {
      kind: 'batch';
      /**
       * The records of the batch that had versions stored before it: their stored person
       * mentions are resolved again, and those their newest version no longer names withdrawn.
       */
      storedRecords: { feed: string; sourceRecordId: string }[];
      /** The person mentions of the batch's newest versions, with their features now. */
      current: ReadonlyMap<string, PersonMention>;
      /** Records (recordKey) whose newest version is a cancellation. */
      cancelled: ReadonlySet<string>;
      /** The entity of a current mention that is not stored yet (a new one: see `pending`). */
      provisionalId(key: string): string;
      /** The new mentions, written once resolution has placed them. */
      pending: PendingMentions;
    }
  | {
      kind: 'stored';
      /** Stored person mentions (mentionKeyOf), resolved again as they are. */
      keys: string[];
    };

/** Told when the locks are requested and when they are held (see PhaseClock in @hub/feeds). */
export interface LockClock {
  lap(phase: 'records' | 'person_lock_wait'): void;
}

/**
 * Person resolution's one entry point, for the ingest and for operators' decisions alike: takes
 * the resolution locks in their one order, writes the batch's person mentions under them, and
 * resolves every block concerned (PersonResolver.resolve). The protocol:
 * 1. read the stored person mentions concerned, before any lock;
 * 2. lock their blocks, ID numbers and police households and those of the new features, the
 *    persons they are on, and what the batch's family members add (familyMemberLocks), in one
 *    statement;
 * 3. lock the family-context blocks those IDs and households touch (familyContextLocked);
 * 4. read again which person each stored mention is on, locking any new one
 *    (rereadWithPersonsLocked): the transaction this one waited for may have moved it;
 * 5. write the mentions' features (or withdraw them), then resolve.
 * Steps 3 and 4 take locks after the first statement, so they can close a deadlock, which
 * PostgreSQL breaks by aborting one transaction; retriedTransaction runs it again.
 */
export async function resolvePersonMentions(
  manager: EntityManager,
  resolver: PersonResolver,
  what: PersonMentionsToResolve,
  clock?: LockClock,
): Promise<PersonResolution> {
  const before =
    what.kind === 'batch'
      ? await Mentions.personsOfRecords(manager, what.storedRecords)
      : await Mentions.personsWithKeys(manager, what.keys);
  const current = what.kind === 'batch' ? what.current : new Map<string, PersonMention>();
  const family = familyQuery(before, current);
  const members = await familyMemberLocks(manager, family.members);
  clock?.lap('records');
  const locks = {
    blocks: [
      ...before.filter((b) => b.active).flatMap(blocksOfStored),
      ...[...current.values()].flatMap((m) => blocksOfFeatures(m.features)),
      ...members.blocks,
    ],
    idNumbers: [
      ...family.idNumbers,
      ...before.flatMap((b) => (b.id_key ? [b.id_key] : [])),
      ...members.idNumbers,
    ],
    households: family.households,
    familyHouseholds: members.familyHouseholds,
  };
  await lockResolution(manager, { ...locks, persons: before.map((b) => b.entity_id) });
  clock?.lap('person_lock_wait');
  const familyBlocks = await familyContextLocked(manager, family, locks);
  // The person of each stored mention as of now: the transaction that held one of the blocks
  // may have moved it to another person while this one waited.
  const personOf = new Map<string, string>();
  if (before.length > 0) {
    const now = await rereadWithPersonsLocked(
      manager,
      before.map((b) => b.entity_id),
      () => Mentions.entitiesOf(manager, before.map(storedMentionKey)),
    );
    for (const n of now) personOf.set(storedMentionKey(n), n.entity_id);
  }
  const touched =
    what.kind === 'batch'
      ? await refreshBatchMentions(manager, what, before, personOf)
      : before.map((b) => {
          const key = storedMentionKey(b);
          const blocks = blocksOfStored(b);
          return { key, entityId: personOf.get(key)!, oldBlocks: blocks, newBlocks: blocks };
        });
  return resolver.resolve(
    manager,
    touched,
    familyBlocks,
    what.kind === 'batch' ? what.pending : undefined,
  );
}

/**
 * What the family context is looked up by: the valid IDs, police households and (name, place)
 * ties of the persons concerned, now or before, and the family members among the new features.
 */
function familyQuery(
  before: StoredPersonMention[],
  current: ReadonlyMap<string, PersonMention>,
): FamilyContextQuery {
  const idNumbers = new Set<string>();
  const households = new Set<string>();
  // Names and addresses of persons with a valid ID, now or before: family members tied to them.
  const placed = new Map<string, { nameKey: string; place: string }>();
  const addPlaced = (nameKey: string, places: string[] | null | undefined) => {
    for (const place of places ?? []) placed.set(`${nameKey}|${place}`, { nameKey, place });
  };
  for (const b of before) {
    if (!b.active) continue;
    if (b.household) households.add(b.household);
    const tiedName = placedNameKey(b);
    if (tiedName) addPlaced(tiedName, b.places);
  }
  for (const { features: f } of current.values()) {
    if (f.idNumber) idNumbers.add(f.idNumber);
    if (f.household) households.add(f.household);
    if (f.idNumber && f.nameKey) addPlaced(f.nameKey, f.places);
  }
  return {
    idNumbers: [...idNumbers],
    households: [...households],
    placed: [...placed.values()],
    members: [...current.values()].flatMap(({ features: f }) =>
      f.familyOf ? [{ familyOf: f.familyOf, nameKey: f.nameKey, places: f.places ?? [] }] : [],
    ),
  };
}

/**
 * Writes the current features of the batch's stored person mentions (reactivating those of a
 * restored record) and withdraws those its newest versions no longer name (a cancelled record
 * names none); returns them all, with the new ones, as touched.
 */
async function refreshBatchMentions(
  manager: EntityManager,
  batch: Extract<PersonMentionsToResolve, { kind: 'batch' }>,
  before: StoredPersonMention[],
  personOf: Map<string, string>,
): Promise<TouchedMention[]> {
  const previous = new Map(before.filter((b) => b.active).map((b) => [storedMentionKey(b), b]));
  const dormant = new Set(before.filter((b) => !b.active).map(storedMentionKey));
  const touched: TouchedMention[] = [];
  const updates = new Map<string, PersonMention>();
  for (const [key, current] of batch.current) {
    const old = previous.get(key);
    touched.push({
      key,
      entityId: personOf.get(key) ?? batch.provisionalId(key),
      oldBlocks: old ? blocksOfStored(old) : [],
      newBlocks: blocksOfFeatures(current.features),
    });
    if (old || dormant.has(key)) updates.set(key, current);
  }
  const gone = [...previous.entries()].filter(([key]) => !batch.current.has(key));
  for (const [key, old] of gone)
    touched.push({
      key,
      entityId: personOf.get(key) ?? old.entity_id,
      oldBlocks: blocksOfStored(old),
      newBlocks: [],
      withdrawn: batch.cancelled.has(recordKey(old.feed, old.source_record_id))
        ? 'cancelled'
        : 'unnamed',
    });
  await Mentions.refreshPersons(manager, updates);
  await Mentions.withdrawPersons(
    manager,
    gone.map(([key]) => key),
  );
  return touched;
}
