import type { EntityManager } from 'typeorm';
import { familyBlock, placeContextBlock } from './block-keys';

/*
 * The advisory locks of person resolution, and the protocol that takes them (see
 * resolvePersonMentions, their one caller): every write of a person mention happens under the
 * lock of its blocks, so two transactions never decide the same person each without the other.
 */

/** The advisory locks of resolution (see lockResolution). */
export interface ResolutionLocks {
  blocks?: string[];
  idNumbers?: string[];
  persons?: string[];
  /** Police households the batch's persons are in: locked shared. */
  households?: string[];
  /** Police households the batch's family members are compared with: locked exclusive. */
  familyHouseholds?: string[];
}

/** The locks a batch's family members add (see familyMemberLocks). */
export type FamilyMemberLocks = Required<
  Pick<ResolutionLocks, 'blocks' | 'idNumbers' | 'familyHouseholds'>
>;

/** What a batch's family context is looked up by (see familyContextLocked). */
export interface FamilyContextQuery {
  /** Valid IDs, police households and (name key, place) of the batch's persons, now or before. */
  idNumbers: string[];
  households: string[];
  placed: { nameKey: string; place: string }[];
  /** The batch's family members: the valid ID each is family of, its name key and its places. */
  members: { familyOf: string; nameKey: string | null; places: string[] }[];
}

/**
 * Serializes resolution of the same blocks, ID numbers and persons across processes. Take it
 * before writing any of the mentions concerned: every write of a mention then happens under
 * the lock of its block, so two batches cannot wait on each other's rows. The persons are those
 * the batch's stored mentions are on: two batches that change mentions of one person in
 * different blocks (one cancels a record, the other restores another) must not decide that
 * person's end or golden values each without the other. Police households: see
 * familyMemberLocks. All in one order (by hash), so that one statement never deadlocks.
 */
export async function lockResolution(manager: EntityManager, keys: ResolutionLocks): Promise<void> {
  const exclusive = [
    ...(keys.blocks ?? []).map((b) => `person-block\u001f${b}`),
    ...(keys.idNumbers ?? []).map((i) => `person-id\u001f${i}`),
    ...(keys.persons ?? []).map((p) => `person\u001f${p}`),
    ...(keys.familyHouseholds ?? []).map((h) => `person-household\u001f${h}`),
  ];
  const shared = (keys.households ?? []).map((h) => `person-household\u001f${h}`);
  if (exclusive.length + shared.length === 0) return;
  // A key wanted both ways is taken exclusive (false sorts first).
  await manager.query(
    `SELECT CASE WHEN shared THEN pg_advisory_xact_lock_shared(h) ELSE pg_advisory_xact_lock(h) END
       FROM (SELECT DISTINCT ON (h) h, shared
               FROM (SELECT hashtextextended(k, 0) AS h, s AS shared
                       FROM unnest($1::text[], $2::bool[]) u(k, s)) keys
              ORDER BY h, shared) locks
      ORDER BY h`,
    [
      [...exclusive, ...shared],
      [...exclusive.map(() => false), ...shared.map(() => true)],
    ],
  );
}

/**
 * The locks a batch's new family members add. A family member of the person with ID X is
 * compared with the persons with a valid ID in X's police household, and with those under its
 * name tied to its places (see loadFamilyContext); a batch that brings such a person must not
 * run at the same time, or each could read the other's mentions as not there yet. So the
 * member's batch locks X's ID (X's household changes only under it), the place-context blocks
 * of its name and places (locked by every batch with a person with a valid ID there: see
 * placeBlocksOf) and, exclusively, X's households, which every batch with a person in one of
 * them locks shared: batches that only add household members still run side by side.
 */
export async function familyMemberLocks(
  manager: EntityManager,
  members: FamilyContextQuery['members'],
): Promise<FamilyMemberLocks> {
  const idNumbers = [...new Set(members.map((m) => m.familyOf))];
  return {
    idNumbers,
    blocks: members.flatMap((m) =>
      m.nameKey ? m.places.map((place) => placeContextBlock(m.nameKey!, place)) : [],
    ),
    familyHouseholds: await householdsOf(manager, idNumbers),
  };
}

/** Every police household the persons with these valid IDs were ever recorded in. */
async function householdsOf(manager: EntityManager, idNumbers: string[]): Promise<string[]> {
  if (idNumbers.length === 0) return [];
  const rows: { household: string }[] = await manager.query(
    `SELECT DISTINCT h.household FROM unnest($1::text[]) k(id)
      CROSS JOIN LATERAL (SELECT household FROM mention h
                           WHERE h.id_key = k.id AND h.household IS NOT NULL OFFSET 0) h`,
    [idNumbers],
  );
  return rows.map((r) => r.household);
}

/**
 * After `lock` with the batch's keys and familyMemberLocks: the family-context blocks to
 * resolve (familyBlocksTouchedBy), locked. The members' households are read again first (one
 * of the batches this one waited for may have moved X), and any new one locked. Once those are
 * held, every batch that could add to the family context has committed, and is seen, or waits
 * for this one: the blocks are looked up once, and those not held yet are locked. Like
 * rereadWithPersonsLocked, these later lock statements can close a deadlock, which runs the
 * transaction again.
 */
export async function familyContextLocked(
  manager: EntityManager,
  of: FamilyContextQuery,
  held: ResolutionLocks,
): Promise<string[]> {
  const households = new Set(held.familyHouseholds);
  const memberIds = [...new Set(of.members.map((m) => m.familyOf))];
  for (;;) {
    const moved = (await householdsOf(manager, memberIds)).filter((h) => !households.has(h));
    if (moved.length === 0) break;
    await lockResolution(manager, { familyHouseholds: moved });
    for (const h of moved) households.add(h);
  }
  const blocks = await familyBlocksTouchedBy(manager, of.idNumbers, of.households, of.placed);
  const locked = new Set(held.blocks);
  await lockResolution(manager, { blocks: blocks.filter((b) => !locked.has(b)) });
  return blocks;
}

/**
 * After `lock`: the rows `read` gives (mentions with their person as of now), with the lock of
 * every person among them held. The transaction that held one of this one's blocks may have
 * moved a mention to another person while this one waited; this one then decides that
 * person's golden values and end too, so it takes that person's lock, and reads again, until
 * no new person comes up (each round locks at least one more, so it ends). This second lock
 * statement can close a cycle with a transaction that holds such a person and waits for a
 * lock of this one: PostgreSQL then aborts one of the two (SQLSTATE 40P01), which runs again
 * (see retriedTransaction).
 */
export async function rereadWithPersonsLocked<Row extends { entity_id: string }>(
  manager: EntityManager,
  locked: Iterable<string>,
  read: () => Promise<Row[]>,
): Promise<Row[]> {
  const held = new Set(locked);
  for (;;) {
    const rows = await read();
    const moved = [...new Set(rows.map((r) => r.entity_id))].filter((id) => !held.has(id));
    if (moved.length === 0) return rows;
    await lockResolution(manager, { persons: moved });
    for (const id of moved) held.add(id);
  }
}

/**
 * Family-context blocks (see blockKeys) whose candidates these mentions may be: those of
 * family members of a person with one of these valid IDs (its police household may just have
 * become known), those tied to anyone in one of these police households, and those of family
 * members under one of these names tied to one of these addresses.
 */
// The LATERAL probes here end in OFFSET 0: without it the planner flattens a probe into a
// join and may hash the whole mention table, a scan per batch that grows with the model.
// Probes by place keep their other conditions outside the fence: inside, the planner ANDs
// the GIN lookup with a partial index (family_of, id_key) that it then reads whole per probe.
export async function familyBlocksTouchedBy(
  manager: EntityManager,
  idNumbers: string[],
  households: string[],
  placed: { nameKey: string; place: string }[] = [],
): Promise<string[]> {
  if (idNumbers.length === 0 && households.length === 0 && placed.length === 0) return [];
  const rows: { block: string }[] = await manager.query(
    `WITH ids AS (
       SELECT unnest($1::text[]) AS id
       UNION
       SELECT a.id_key FROM unnest($2::text[]) h(household)
        CROSS JOIN LATERAL (SELECT id_key FROM mention a
                             WHERE a.household = h.household AND a.id_key IS NOT NULL OFFSET 0) a
     )
     SELECT f.block FROM ids
      CROSS JOIN LATERAL (SELECT block FROM mention f
                           WHERE f.family_of = ids.id AND f.active AND f.block IS NOT NULL OFFSET 0) f
     UNION
     SELECT f.block FROM unnest($3::text[], $4::uuid[]) k(name_key, place)
      CROSS JOIN LATERAL (SELECT block, active FROM mention f
                           WHERE f.places @> ARRAY[k.place] OFFSET 0) f
      WHERE f.active AND starts_with(f.block, k.name_key || '|f')`,
    [idNumbers, households, placed.map((p) => p.nameKey), placed.map((p) => p.place)],
  );
  return rows.map((r) => r.block).filter((b) => familyBlock(b) !== null);
}
