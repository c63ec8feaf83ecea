import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { type EntityType, recordKey, storedMentionKeyOf } from '@hub/model';
import {
  type KeyedPlacement,
  Mentions,
  type NewMention,
  type PersonMention,
  placeKeyedMentions,
} from '@hub/resolution';
import type { MappedValue } from '../mapping/mapped-record';
import { type FactualVersion, mentionKey } from './batch-versions';
import type { IngestPlan } from './decide-outcomes';

/** Where the mentions of a batch's versions go, before persons are resolved. */
export interface MentionPlacement {
  /** The entity of every mention (a new person mention's is provisional: resolution places it). */
  ids: Map<string, string>;
  /** Keyed places and organizations: the entity of their key, and its columns. */
  keyed: Map<string, KeyedPlacement>;
  /** Keyed mentions whose record changed their key: the entity each left. */
  movedFrom: Map<string, string>;
  /** New person mentions, not written yet: resolution places them (see PendingMentions). */
  newPersons: { key: string; entityId: string }[];
}

/**
 * Entity id of every mention of these versions: a keyed place or organization goes to the
 * entity of its key (moving there when its record changed the key); any other mention keeps the
 * entity it has, or gets a new one. Writes the new mentions other than persons (and revives
 * those a restored record names again); new person mentions are written once resolution has
 * placed them.
 */
export async function placeMentions(
  manager: EntityManager,
  versions: FactualVersion[],
  persons: ReadonlyMap<string, PersonMention>,
  storedBefore: IngestPlan['storedBefore'],
): Promise<MentionPlacement> {
  const wanted = new Map<
    string,
    { feed: string; id: string; type: EntityType; values: MappedValue[] }
  >();
  for (const { record } of versions)
    for (const m of record.mapped.mentions)
      wanted.set(mentionKey(record, m.pointer), {
        feed: record.feed,
        id: record.sourceRecordId,
        type: m.entityType,
        values: m.values,
      });
  const existing = await Mentions.withKeys(
    manager,
    [...wanted].filter(([, m]) => storedBefore.has(recordKey(m.feed, m.id))).map(([key]) => key),
  );
  // Named again by a version after a cancellation (persons: resolvePersonMentions).
  await Mentions.setActive(
    manager,
    existing.filter((e) => !e.active && e.entity_type !== 'person').map(storedMentionKeyOf),
    true,
  );
  const ids = new Map(existing.map((e) => [storedMentionKeyOf(e), e.entity_id]));
  const keyed = await placeKeyedMentions(
    manager,
    [...wanted.entries()].map(([key, m]) => ({ key, entityType: m.type, values: m.values })),
  );
  const movedFrom = new Map<string, string>();
  for (const [key, p] of keyed) {
    const stored = ids.get(key);
    if (stored !== undefined && stored !== p.entityId) movedFrom.set(key, stored);
  }
  await Mentions.moveTo(
    manager,
    [...movedFrom.keys()].map((key) => ({ key, entityId: keyed.get(key)!.entityId })),
  );
  // A person that only a version replaced within this batch names (its first version and its
  // cancellation in one fetch, or a participant the next version drops) was never current: it
  // gets no mention, so no person is made for it and no mention points at a person never made.
  const created = [...wanted.entries()].filter(
    ([key, m]) => !ids.has(key) && (m.type !== 'person' || persons.has(key)),
  );
  for (const [key, p] of keyed) ids.set(key, p.entityId);
  for (const [key] of created) if (!ids.has(key)) ids.set(key, randomUUID());
  const rows: NewMention[] = created.map(([key, m]) => ({
    key,
    type: m.type,
    entityId: ids.get(key)!,
    link: null,
  }));
  await Mentions.insert(
    manager,
    rows.filter((r) => r.type !== 'person'),
    persons,
  );
  return {
    ids,
    keyed,
    movedFrom,
    newPersons: rows.filter((r) => r.type === 'person'),
  };
}
