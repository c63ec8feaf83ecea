import type { EntityManager } from 'typeorm';
import { MENTION_KEY_SQL, MENTION_KEYS_FROM_JSON, mentionKeyOf, splitMentionKey } from '@hub/model';
import { JSON_RECORDS, jsonRecords } from '@hub/persistence';
import {
  insertLifecycleEvents,
  insertRelationEvents,
  lockChangeLog,
  type MovedMention,
  type RelationChange,
  relationChangesOfMoves,
  relationEvent,
  upsertEntitiesWithEvents,
} from '@hub/changes';
import { familyBlock, placeBlock } from './block-keys';
import { type CandidatePerson, chooseEntities, idNumbersOfClusters } from './choose-entities';
import { Mentions } from './mention.repository';
import { lockResolution } from './resolution-locks';
import { BlockMention, clusterBlock, Decision, MentionLink } from './cluster-block';
import type { PersonFeatures } from './person-features';
import { personLifecycle, type PersonLifecycle } from './person-lifecycle';
import type { MatchThresholds } from './person-match';
import { GoldenInput, goldenPerson, GoldenPerson, SurvivorshipRules } from './survivorship';

/** A person mention whose blocks may have changed: its key, and the blocks before and after. */
export interface TouchedMention {
  key: string;
  entityId: string;
  /** Its block and anchor block before the batch, and now (see blockKeys). */
  oldBlocks: string[];
  newBlocks: string[];
  /** Its record was cancelled, or its record's new version no longer names it. */
  withdrawn?: 'cancelled' | 'unnamed';
}

/**
 * New person mentions not written yet: resolution places them, then `insert` writes them once,
 * already on their entity and with their link (instead of a provisional insert and an update).
 */
export interface PendingMentions {
  mentions: { key: string; entityId: string; features: PersonFeatures; blocks: string[] }[];
  insert(placed: Map<string, { entityId: string; link: MentionLink | null }>): Promise<void>;
}

/** What the ingest writes after resolution, in its change-log section of the transaction. */
export interface PersonResolution {
  /** Golden values of every person that has active mentions and may have changed. */
  golden: { id: string; columns: GoldenPerson }[];
  /** Existing persons all of whose mentions went to other persons (see personLifecycle). */
  merged: PersonLifecycle['merged'];
  /** Existing persons that lost some mentions to other persons and go on. */
  split: PersonLifecycle['split'];
  /**
   * Existing persons left with no active mention: their records were cancelled, or their new
   * versions no longer name them (`cancelled` when any of those was a cancellation).
   */
  ended: PersonLifecycle['ended'];
  /** Stored mentions that went to another person, with the one they left. */
  moved: MovedMention[];
}

interface StoredMention {
  feed: string;
  source_record_id: string;
  pointer: string;
  entity_id: string;
  features: PersonFeatures;
  link: MentionLink | null;
}

/** A new mention of the batch as if stored, in one of its blocks. */
function pendingRow(
  m: PendingMentions['mentions'][number],
  block: string,
): StoredMention & { block: string } {
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

/** JSON with object keys sorted: jsonb hands keys back in its own order. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
/**
 * A link equal to the stored one: its evidence is compared as canonical JSON only when the rest
 * agrees (most links have none, and a block is re-resolved whole each time).
 */
const sameLink = (link: MentionLink, stored: MentionLink | null): boolean =>
  stored !== null &&
  link.rule === stored.rule &&
  link.score === stored.score &&
  link.matchedKey === stored.matchedKey &&
  canonicalJson(link.evidence ?? null) === canonicalJson(stored.evidence ?? null);

/**
 * Re-resolves every block a batch touched (the blocks its person mentions are in now and were
 * in before) in the caller's transaction: each block is partitioned again from all its active
 * mentions (clusterBlock), so the outcome depends on the set of records and not on their order;
 * mentions are moved to their cluster's entity, review tasks follow, and the golden record of
 * every person concerned is recomputed from its mentions.
 */
export class PersonResolver {
  constructor(
    private readonly thresholds: MatchThresholds,
    private readonly rules: SurvivorshipRules,
  ) {}

  /** Call after `lock` and after the touched mentions were written. */
  async resolve(
    manager: EntityManager,
    touched: TouchedMention[],
    alsoBlocks: string[] = [],
    pending: PendingMentions = { mentions: [], insert: () => Promise.resolve() },
  ): Promise<PersonResolution> {
    const blocks = [
      ...new Set([...touched.flatMap((t) => [...t.oldBlocks, ...t.newBlocks]), ...alsoBlocks]),
    ].sort();
    const stored: (StoredMention & { block: string })[] = blocks.length
      ? await manager.query(
          `SELECT m.feed, m.source_record_id, m.pointer, m.entity_id, m.features, m.link, b.block
             FROM unnest($1::text[]) b(block)
             JOIN mention m ON (m.block = b.block OR m.anchor_block = b.block) AND m.active`,
          [blocks],
        )
      : [];
    const householdOf = await this.loadFamilyContext(manager, blocks, pending, stored);
    await this.loadPlaceContext(manager, blocks, stored);
    const pendingKeys = new Set(pending.mentions.map((m) => m.key));
    for (const m of pending.mentions)
      for (const block of m.blocks) stored.push(pendingRow(m, block));
    const byBlock = new Map<string, BlockMention[]>();
    const current = new Map<string, StoredMention>();
    const seenIn = new Map<string, Set<string>>();
    for (const row of stored) {
      const key = mentionKeyOf(row.feed, row.source_record_id, row.pointer);
      current.set(key, row);
      const seen = seenIn.get(row.block);
      if (seen?.has(key)) continue;
      if (seen) seen.add(key);
      else seenIn.set(row.block, new Set([key]));
      const list = byBlock.get(row.block) ?? [];
      // In a family-context block, the family member is taken to be of that household.
      const household = householdOf.get(row.block);
      const features =
        household && !row.features.idNumber ? { ...row.features, household } : row.features;
      list.push({ key, features });
      byBlock.set(row.block, list);
    }
    // Decisions and review tasks concern stored mentions only.
    const storedKeys = [...current.keys()].filter((k) => !pendingKeys.has(k));
    const decisions = await this.decisionsAbout(manager, storedKeys);
    const clusters = new Map<string, string>();
    const links = new Map<string, MentionLink>();
    const reviews: {
      key: string;
      candidates: { cluster: string; score: number; matchedKey: string; evidence: unknown }[];
    }[] = [];
    for (const [block, mentions] of [...byBlock].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const r = clusterBlock(mentions, this.thresholds, decisions);
      // Cluster names are per block, except ID clusters, which are one person across blocks.
      for (const [key, c] of r.cluster)
        clusters.set(key, c.startsWith('id:') ? c : `${block}\u001e${c}`);
      for (const [key, l] of r.link) links.set(key, l);
      for (const review of r.reviews)
        reviews.push({
          key: review.key,
          candidates: review.candidates.map((c) => ({
            ...c,
            cluster: c.cluster.startsWith('id:') ? c.cluster : `${block}\u001e${c.cluster}`,
          })),
        });
    }

    const entityOf = await this.entitiesOfClusters(manager, clusters, current);

    // Move mentions and record why they are where they are.
    const moves: { key: string; from: string; to: string }[] = [];
    const updates: { key: string; entityId: string; link: MentionLink }[] = [];
    const placed = new Map<string, { entityId: string; link: MentionLink | null }>();
    for (const [key, cluster] of clusters) {
      const row = current.get(key)!;
      const to = entityOf.get(cluster)!;
      const link = links.get(key)!;
      if (pendingKeys.has(key)) {
        placed.set(key, { entityId: to, link });
        continue;
      }
      if (to !== row.entity_id) moves.push({ key, from: row.entity_id, to });
      if (to !== row.entity_id || !sameLink(link, row.link))
        updates.push({ key, entityId: to, link });
    }
    await Mentions.place(manager, updates);
    await pending.insert(placed);
    await this.keepReviewTasks(manager, storedKeys, reviews, entityOf, clusters);
    moves.push(...(await this.offTombstones(manager, touched)));

    // Persons whose mentions changed, came or went: the others' golden records stand.
    const concerned = new Set<string>([
      ...touched.map((t) => t.entityId),
      ...[...placed.values()].map((p) => p.entityId),
      ...moves.flatMap((m) => [m.from, m.to]),
    ]);
    const withdrawn = new Map<string, 'cancelled' | 'unnamed'>();
    for (const t of touched)
      if (t.withdrawn && withdrawn.get(t.entityId) !== 'cancelled')
        withdrawn.set(t.entityId, t.withdrawn);
    const resolution = await this.outcome(manager, [...concerned], moves, withdrawn, {
      blocks,
      features: current,
    });
    return {
      ...resolution,
      moved: moves.map(({ key, from }) => {
        const [feed, sourceRecordId, pointer] = splitMentionKey(key);
        return { feed, sourceRecordId, pointer, from };
      }),
    };
  }

  /**
   * Moves the touched mentions that are in no block (no name and no valid ID: never clustered)
   * and sit on a person merged away (a restored record's mention) to the person it merged into,
   * locked first (like rereadWithPersonsLocked, a lock statement that can close a deadlock, which
   * runs the transaction again). Returns the moves.
   */
  private async offTombstones(
    manager: EntityManager,
    touched: TouchedMention[],
  ): Promise<{ key: string; from: string; to: string }[]> {
    const unblocked = touched.filter((t) => !t.withdrawn && t.newBlocks.length === 0);
    if (unblocked.length === 0) return [];
    // The end of each merge chain: a survivor may have merged on since.
    const survivors: { id: string; survivor: string }[] = await manager.query(
      `WITH RECURSIVE chain AS (
         SELECT id AS start, merged_into AS id, 1 AS depth
           FROM person WHERE id = ANY($1::uuid[]) AND merged_into IS NOT NULL
         UNION ALL
         SELECT c.start, p.merged_into, c.depth + 1
           FROM chain c JOIN person p ON p.id = c.id
          WHERE p.merged_into IS NOT NULL AND c.depth < 1000
       )
       SELECT DISTINCT ON (start) start AS id, id AS survivor FROM chain ORDER BY start, depth DESC`,
      [[...new Set(unblocked.map((t) => t.entityId))]],
    );
    if (survivors.length === 0) return [];
    const survivorOf = new Map(survivors.map((s) => [s.id, s.survivor]));
    await lockResolution(manager, { persons: [...new Set(survivorOf.values())] });
    const moves = unblocked.flatMap((t) => {
      const to = survivorOf.get(t.entityId);
      return to ? [{ key: t.key, from: t.entityId, to }] : [];
    });
    await Mentions.moveTo(
      manager,
      moves.map((m) => ({ key: m.key, entityId: m.to })),
    );
    return moves;
  }

  /**
   * A place-context block's candidates: the stored persons with a valid ID, under the same name,
   * tied to that address. Those of this batch are in it already (see placeBlocksOf).
   */
  private async loadPlaceContext(
    manager: EntityManager,
    blocks: string[],
    stored: (StoredMention & { block: string })[],
  ): Promise<void> {
    const place = blocks.flatMap((block) => {
      const p = placeBlock(block);
      return p ? [{ block, ...p }] : [];
    });
    stored.push(...(await this.tiedToPlaces(manager, place)));
  }

  /** Stored mentions with a valid ID under this name tied to this place, as rows of `block`. */
  private async tiedToPlaces(
    manager: EntityManager,
    wanted: { block: string; nameKey: string; place: string }[],
  ): Promise<(StoredMention & { block: string })[]> {
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
  private async loadFamilyContext(
    manager: EntityManager,
    blocks: string[],
    pending: PendingMentions,
    stored: (StoredMention & { block: string })[],
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
      for (const block of m.blocks)
        if (familyBlocks.has(block)) addPlaces(block, m.features.places);
    const byPlace = await this.tiedToPlaces(
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
    const rows: (StoredMention & { block: string })[] = await manager.query(
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
  private async decisionsAbout(manager: EntityManager, keys: string[]): Promise<Decision[]> {
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

  /**
   * Writes the persons a resolution concerns, with their change events: golden values changed,
   * the relations that followed a moved mention (ended on the person it left, added on the one it
   * joined), then merged, split, ended, so that a tombstone's last event is its `merged`. The
   * ingest runs the three steps itself, to put its batch's own relation events in the middle.
   * Takes the change-log lock, so call it last in the transaction.
   */
  async write(manager: EntityManager, resolution: PersonResolution): Promise<void> {
    const relations = await relationChangesOfMoves(manager, resolution.moved);
    const rest = await this.writeGolden(manager, resolution, relations);
    if (rest.length > 0) {
      await lockChangeLog(manager);
      await insertRelationEvents(manager, rest);
    }
    await this.writeLifecycle(manager, resolution);
  }

  /**
   * The golden values of the persons concerned, with created / updated / revived / ended events,
   * each followed by the events of `relations` that go from it. Returns the other relations,
   * whose events the caller writes (insertRelationEvents).
   */
  async writeGolden(
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
  async writeLifecycle(manager: EntityManager, resolution: PersonResolution): Promise<void> {
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

  /** The entity of each cluster (see chooseEntities), from the persons its mentions are on. */
  private async entitiesOfClusters(
    manager: EntityManager,
    clusters: Map<string, string>,
    current: Map<string, StoredMention>,
  ): Promise<Map<string, string>> {
    const idNumbers = idNumbersOfClusters(clusters);
    const entityIds = [...new Set([...current.values()].map((m) => m.entity_id))];
    const rows: CandidatePerson[] = await manager.query(
      // An index probe per id and per ID number, not one WHERE with an OR of two arrays: that
      // form's cost per batch grew with the person table (bench:er, by tenth: 6 → 108 µs per
      // record from 100,000 to a million residents, while its rows per call grew 1.75-fold).
      `SELECT p.id, p.id_number, p.merged_into IS NOT NULL AS merged, p.ended_at IS NOT NULL AS ended
           FROM unnest($1::uuid[]) k(id)
          CROSS JOIN LATERAL (SELECT id, id_number, merged_into, ended_at FROM person p
                               WHERE p.id = k.id LIMIT 1) p
         UNION
         SELECT p.id, p.id_number, p.merged_into IS NOT NULL, p.ended_at IS NOT NULL
           FROM unnest($2::text[]) k(id_number)
          CROSS JOIN LATERAL (SELECT id, id_number, merged_into, ended_at FROM person p
                               WHERE p.id_number = k.id_number AND p.merged_into IS NULL OFFSET 0) p`,
      [entityIds, idNumbers],
    );
    return chooseEntities(clusters, (key) => current.get(key)!.entity_id, rows);
  }

  private async keepReviewTasks(
    manager: EntityManager,
    blockKeys: string[],
    reviews: {
      key: string;
      candidates: { cluster: string; score: number; matchedKey: string; evidence: unknown }[];
    }[],
    entityOf: Map<string, string>,
    clusters: Map<string, string>,
  ) {
    const open = reviews.map((r) => {
      const [feed, sourceRecordId, pointer] = splitMentionKey(r.key);
      return {
        feed,
        source_record_id: sourceRecordId,
        pointer,
        entity_id: entityOf.get(clusters.get(r.key)!)!,
        candidates: r.candidates.map((c) => {
          const [mf, mid, mp] = splitMentionKey(c.matchedKey);
          return {
            entityId: entityOf.get(c.cluster) ?? null,
            score: c.score,
            evidence: c.evidence,
            matched: { feed: mf, sourceRecordId: mid, pointer: mp },
          };
        }),
      };
    });
    const stillOpen = new Set(reviews.map((r) => r.key));
    const moot = blockKeys.filter((k) => !stillOpen.has(k));
    if (moot.length > 0)
      await manager.query(
        `UPDATE review_task t SET status = 'moot', decided_at = now()
           FROM ${MENTION_KEYS_FROM_JSON('$1')} k
          WHERE t.status = 'open' AND t.feed = k.feed AND t.source_record_id = k.id AND t.pointer = k.pointer`,
        [JSON.stringify(moot)],
      );
    if (open.length > 0)
      await manager.query(
        `INSERT INTO review_task (feed, source_record_id, pointer, entity_id, candidates)
         SELECT feed, source_record_id, pointer, entity_id, candidates
           FROM ${JSON_RECORDS('$1', 'o', 'feed text, source_record_id text, pointer text, entity_id uuid, candidates jsonb')}
         ON CONFLICT (feed, source_record_id, pointer) WHERE status = 'open'
         DO UPDATE SET entity_id = EXCLUDED.entity_id, candidates = EXCLUDED.candidates`,
        [jsonRecords(open)],
      );
  }

  /**
   * Golden records of the persons concerned, and which ones merged, split or ended. `loaded`:
   * the blocks resolve read whole, with the features of the mentions read: a mention in one of
   * them comes back without its features, which are not sent and parsed a second time.
   */
  private async outcome(
    manager: EntityManager,
    entityIds: string[],
    moves: { key: string; from: string; to: string }[],
    withdrawn: Map<string, 'cancelled' | 'unnamed'>,
    loaded: { blocks: string[]; features: Map<string, { features: PersonFeatures }> },
  ): Promise<Omit<PersonResolution, 'moved'>> {
    const rows: (Omit<GoldenInput, 'features'> & {
      entity_id: string;
      features: PersonFeatures | null;
    })[] = await manager.query(
      `SELECT m.entity_id, m.feed, m.source_record_id AS "sourceRecordId", m.pointer,
              to_char(m.observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS "observedAt",
              CASE WHEN m.block = ANY($2::text[]) OR m.anchor_block = ANY($2::text[]) THEN NULL
                   ELSE m.features END AS features
         FROM (SELECT DISTINCT unnest($1::uuid[]) AS id) e
        CROSS JOIN LATERAL (SELECT * FROM mention m
                             WHERE m.entity_type = 'person' AND m.entity_id = e.id
                               AND m.active AND m.features IS NOT NULL OFFSET 0) m`,
      [entityIds, loaded.blocks],
    );
    const inputs = new Map<string, GoldenInput[]>();
    for (const r of rows) {
      const features =
        r.features ??
        loaded.features.get(mentionKeyOf(r.feed, r.sourceRecordId, r.pointer))?.features;
      // Every active mention of those blocks was read by resolve, under their locks.
      if (!features)
        throw new Error(
          `person mention ${r.feed}/${r.sourceRecordId}${r.pointer} is in a resolved block but was not read with it`,
        );
      const input = { ...r, features };
      const list = inputs.get(r.entity_id);
      if (list) list.push(input);
      else inputs.set(r.entity_id, [input]);
    }
    // One probe per id (see chooseEntities): `id = ANY` of thousands turns into a whole-table scan.
    const persons: { id: string; merged: boolean }[] = await manager.query(
      `SELECT p.id, p.merged_into IS NOT NULL AS merged
         FROM (SELECT DISTINCT unnest($1::uuid[]) AS id) k
        CROSS JOIN LATERAL (SELECT id, merged_into FROM person p WHERE p.id = k.id LIMIT 1) p`,
      [entityIds],
    );
    const existing = new Set(persons.filter((p) => !p.merged).map((p) => p.id));
    // A tombstone stays one: it gets no values, whatever mention is still on it (offTombstones
    // moves those that resolution cannot cluster).
    const tombstones = new Set(persons.filter((p) => p.merged).map((p) => p.id));
    const golden = [...inputs]
      .filter(([id]) => !tombstones.has(id))
      .map(([id, list]) => ({ id, columns: goldenPerson(list, this.rules) }));
    return { golden, ...personLifecycle(existing, new Set(inputs.keys()), moves, withdrawn) };
  }
}
