import type { EntityManager } from 'typeorm';
import { MENTION_KEY_SQL, MENTION_KEYS_FROM_JSON, splitMentionKey } from '@hub/model';
import { familyBlock, placeBlock } from './block-keys';
import type { Decision, MentionLink } from './cluster-block';
import type { PersonFeatures } from './person-features';
import type { PendingMentions } from './person-resolver';

/*
 * What resolution compares a block's mentions with, read under the resolution locks: the block's
 * own active mentions, the persons of a family- or place-context block, and operators' decisions.
 */

/** A stored person mention in one of the blocks being resolved (or a pending one, as if stored). */
export interface BlockRow {
  feed: string;
  source_record_id: string;
  pointer: string;
  entity_id: string;
  features: PersonFeatures;
  link: MentionLink | null;
  block: string;
}

/** The active mentions of these blocks, one row per block a mention is in. */
export function mentionsOfBlocks(manager: EntityManager, blocks: string[]): Promise<BlockRow[]> {
  if (blocks.length === 0) return Promise.resolve([]);
  return manager.query(
    `SELECT m.feed, m.source_record_id, m.pointer, m.entity_id, m.features, m.link, b.block
       FROM unnest($1::text[]) b(block)
       JOIN mention m ON (m.block = b.block OR m.anchor_block = b.block) AND m.active`,
    [blocks],
  );
}

/** A new mention of the batch as if stored, in one of its blocks. */
export function pendingRow(m: PendingMentions['mentions'][number], block: string): BlockRow {
  const [feed, source_record_id, pointer] = splitMentionKey(m.key);
  return {
    feed,
    source_record_id,
    pointer,
    entity_id: m.entityId,
    features: m.features,
    link: null,
    block,
  };
}

/**
 * A place-context block's candidates: the stored persons with a valid ID, under the same name,
 * tied to that address. Those of this batch are in it already (see placeBlocksOf).
 */
export async function addPlaceContext(
  manager: EntityManager,
  blocks: string[],
  stored: BlockRow[],
): Promise<void> {
  const place = blocks.flatMap((block) => {
    const p = placeBlock(block);
    return p ? [{ block, ...p }] : [];
  });
  stored.push(...(await tiedToPlaces(manager, place)));
}

/** Stored mentions with a valid ID under this name tied to this place, as rows of `block`. */
async function tiedToPlaces(
  manager: EntityManager,
  wanted: { block: string; nameKey: string; place: string }[],
): Promise<BlockRow[]> {
  if (wanted.length === 0) return [];
  return manager.query(
    `SELECT m.feed, m.source_record_id, m.pointer, m.entity_id, m.features, m.link, b.block
       FROM unnest($1::text[], $2::text[], $3::uuid[]) b(block, name_key, place)
      CROSS JOIN LATERAL (SELECT * FROM mention m WHERE m.places @> ARRAY[b.place] OFFSET 0) m
      WHERE m.id_key IS NOT NULL AND m.active AND starts_with(m.block, b.name_key || '|')`,
    [wanted.map((p) => p.block), wanted.map((p) => p.nameKey), wanted.map((p) => p.place)],
  );
}

/**
 * A family-context block's candidates: the persons with a valid ID in the police household of
 * the one its mentions are family of, under the same name; stored ones, and new ones of this
 * batch (not written yet). Returns each such block's household.
 */
export async function addFamilyContext(
  manager: EntityManager,
  blocks: string[],
  pending: PendingMentions,
  stored: BlockRow[],
): Promise<Map<string, string>> {
  const family = blocks.flatMap((block) => {
    const f = familyBlock(block);
    return f ? [{ block, ...f }] : [];
  });
  const householdOf = new Map<string, string>();
  if (family.length === 0) return householdOf;
  // Also the persons tied to the addresses the family members' records give (the person they
  // are listed with may have no police household, e.g. floating population).
  const memberPlaces = new Map<string, Set<string>>();
  const addPlaces = (block: string, places: string[] | undefined) => {
    for (const place of places ?? [])
      memberPlaces.set(block, (memberPlaces.get(block) ?? new Set()).add(place));
  };
  const familyBlocks = new Set(family.map((f) => f.block));
  for (const row of stored)
    if (familyBlocks.has(row.block)) addPlaces(row.block, row.features.places);
  for (const m of pending.mentions)
    for (const block of m.blocks) if (familyBlocks.has(block)) addPlaces(block, m.features.places);
  const byPlace = await tiedToPlaces(
    manager,
    family.flatMap((f) =>
      [...(memberPlaces.get(f.block) ?? [])].map((place) => ({
        block: f.block,
        nameKey: f.nameKey,
        place,
      })),
    ),
  );
  // The batch's new persons with a valid ID, by name key: looked up per family block.
  const pendingWithId = new Map<string, PendingMentions['mentions']>();
  for (const m of pending.mentions)
    if (m.features.idNumber && m.features.nameKey) {
      const list = pendingWithId.get(m.features.nameKey);
      if (list) list.push(m);
      else pendingWithId.set(m.features.nameKey, [m]);
    }
  for (const f of family)
    for (const m of pendingWithId.get(f.nameKey) ?? [])
      if (m.features.places?.some((p) => memberPlaces.get(f.block)?.has(p)))
        byPlace.push(pendingRow(m, f.block));
  stored.push(...byPlace);
  const known: { family_of: string; household: string }[] = await manager.query(
    `SELECT k.family_of, h.household
       FROM (SELECT DISTINCT unnest($1::text[])) k(family_of)
      CROSS JOIN LATERAL (SELECT household FROM mention h
                           WHERE h.id_key = k.family_of AND h.household IS NOT NULL AND h.active
                           ORDER BY h.observed_at DESC NULLS LAST LIMIT 1) h`,
    [family.map((f) => f.familyOf)],
  );
  const householdOfId = new Map(known.map((k) => [k.family_of, k.household]));
  for (const m of pending.mentions)
    if (m.features.idNumber && m.features.household)
      householdOfId.set(m.features.idNumber, m.features.household);
  for (const f of family) {
    const household = householdOfId.get(f.familyOf);
    if (household) householdOf.set(f.block, household);
  }
  const wanted = family.filter((f) => householdOf.has(f.block));
  if (wanted.length === 0) return householdOf;
  const rows: BlockRow[] = await manager.query(
    `SELECT m.feed, m.source_record_id, m.pointer, m.entity_id, m.features, m.link, b.block
       FROM unnest($1::text[], $2::text[], $3::text[]) b(block, name_key, household)
      CROSS JOIN LATERAL (SELECT * FROM mention m
                           WHERE m.household = b.household AND m.id_key IS NOT NULL AND m.active
                             AND starts_with(m.block, b.name_key || '|') OFFSET 0) m`,
    [
      wanted.map((f) => f.block),
      wanted.map((f) => f.nameKey),
      wanted.map((f) => householdOf.get(f.block)!),
    ],
  );
  stored.push(...rows);
  for (const f of wanted)
    for (const m of pendingWithId.get(f.nameKey) ?? [])
      if (m.features.household === householdOf.get(f.block)) stored.push(pendingRow(m, f.block));
  return householdOf;
}

/** Operators' decisions on any of these mentions; for a pair decided twice, the later one. */
export async function decisionsAbout(manager: EntityManager, keys: string[]): Promise<Decision[]> {
  if (keys.length === 0) return [];
  const rows: { verdict: 'same' | 'different'; a: string; b: string }[] = await manager.query(
    `WITH k AS ${MENTION_KEYS_FROM_JSON('$1')},
          d AS (SELECT d.* FROM k JOIN resolution_decision d
                  ON d.feed_a = k.feed AND d.source_record_id_a = k.id AND d.pointer_a = k.pointer
                UNION
                SELECT d.* FROM k JOIN resolution_decision d
                  ON d.feed_b = k.feed AND d.source_record_id_b = k.id AND d.pointer_b = k.pointer)
     SELECT verdict, ${MENTION_KEY_SQL('feed_a', 'source_record_id_a', 'pointer_a')} AS a,
            ${MENTION_KEY_SQL('feed_b', 'source_record_id_b', 'pointer_b')} AS b
       FROM d ORDER BY decided_at, id`,
    [JSON.stringify(keys)],
  );
  const latest = new Map<string, Decision>();
  for (const r of rows) latest.set(r.a < r.b ? `${r.a}\u001d${r.b}` : `${r.b}\u001d${r.a}`, r);
  return [...latest.values()];
}
