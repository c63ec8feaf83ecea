import type { EntityManager } from 'typeorm';
import { mentionKeyOf, splitMentionKey } from '@hub/model';
import type { MovedMention } from '@hub/changes';
import {
  addFamilyContext,
  addPlaceContext,
  type BlockRow,
  decisionsAbout,
  mentionsOfBlocks,
  pendingRow,
} from './block-candidates';
import { type CandidatePerson, chooseEntities, idNumbersOfClusters } from './choose-entities';
import { type BlockMention, clusterBlock, type MentionLink } from './cluster-block';
import { Mentions } from './mention.repository';
import type { PersonFeatures } from './person-features';
import { personLifecycle, type PersonLifecycle } from './person-lifecycle';
import type { MatchThresholds } from './person-match';
import { lockResolution } from './resolution-locks';
import { keepReviewTasks } from './review-task-writes';
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
    const stored = await mentionsOfBlocks(manager, blocks);
    const householdOf = await addFamilyContext(manager, blocks, pending, stored);
    await addPlaceContext(manager, blocks, stored);
    const pendingKeys = new Set(pending.mentions.map((m) => m.key));
    for (const m of pending.mentions)
      for (const block of m.blocks) stored.push(pendingRow(m, block));
    const byBlock = new Map<string, BlockMention[]>();
    const current = new Map<string, BlockRow>();
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
    const decisions = await decisionsAbout(manager, storedKeys);
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
    await keepReviewTasks(manager, storedKeys, reviews, entityOf, clusters);
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

  /** The entity of each cluster (see chooseEntities), from the persons its mentions are on. */
  private async entitiesOfClusters(
    manager: EntityManager,
    clusters: Map<string, string>,
    current: Map<string, BlockRow>,
  ): Promise<Map<string, string>> {
    const idNumbers = idNumbersOfClusters(clusters);
    const entityIds = [...new Set([...current.values()].map((m) => m.entity_id))];
    const rows: CandidatePerson[] = await manager.query(
      // An index probe per id and per ID number, not one WHERE with an OR of two arrays: that
      // form's cost per batch grows with the person table (docs/measurements-history.md).
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
