import { Inject, Injectable } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EntityType, SourceFact, SourceRelationFact } from '@hub/model';
import { JSON_RECORDS, JSONB_ELEMENT_ROWS, jsonFromBytes, jsonRecords } from '@hub/persistence';
import {
  blockKeys,
  type FamilyContextQuery,
  divisionPlaceIds,
  KeyedPlacement,
  mentionKeyOf,
  PersonFeatures,
  personContext,
  personFeatures,
  placeBlocksOf,
  placeKeyedMentions,
  PersonResolution,
  PersonResolver,
  SURVIVORSHIP_RULES,
  type SurvivorshipRules,
  TouchedMention,
} from '@hub/resolution';
import { IngestPlan, recordKey, RecordHead } from './decide-outcomes';
import {
  diffRelations,
  GoldenColumns,
  insertLifecycleEvents,
  insertRelationEvents,
  lockChangeLog,
  RelationChange,
  relationChangesOfMoves,
  relationEvent,
  ResolvedRelation,
  upsertEntitiesWithEvents,
} from '@hub/changes';
import { forEachInSlices } from './event-loop-slices';
import { goldenColumns } from './golden-columns';
import { organizationGoldenColumns } from './organization-golden';
import type { PhaseClock } from '../ingest-metrics';
import type { MappedValue } from '../mapping/mapped-record';
import type { PreparedRecord, RejectedRecord } from './prepare-record';

/*
 * Lookups of a batch's keys are written as LATERAL … LIMIT 1 (or OFFSET 0) probes: a plain join
 * with the unnested keys lets the planner hash the whole (often not yet analyzed) table, which
 * costs a scan of it per batch and slows ingest as the model grows; the probes cost one index
 * lookup per key whatever the table size. A LATERAL without LIMIT or OFFSET is flattened into
 * such a join.
 */

/**
 * The only code that writes ingest results: source records with their values, relations and
 * provenance, record heads, mentions, entities and rejects. Every statement is set-based, so a
 * batch of a thousand records costs about a dozen round trips, all in the caller's transaction.
 */
@Injectable()
export class IngestStore {
  constructor(
    private readonly persons: PersonResolver,
    @Inject(SURVIVORSHIP_RULES) private readonly rules: SurvivorshipRules,
  ) {}

  /** Serializes work on the same records across processes (Kafka and HTTP push may race). */
  async lockRecords(manager: EntityManager, records: PreparedRecord[]): Promise<void> {
    const keys = [...new Set(records.map((r) => recordKey(r.feed, r.sourceRecordId)))];
    if (keys.length === 0) return;
    await manager.query(
      `SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) k ORDER BY 1) locks`,
      [keys],
    );
  }

  async loadState(manager: EntityManager, records: PreparedRecord[]) {
    const feeds = records.map((r) => r.feed);
    const ids = records.map((r) => r.sourceRecordId);
    const heads = new Map<string, RecordHead>();
    const headRows: {
      feed: string;
      source_record_id: string;
      version_key: string;
      current_id: string;
    }[] = await manager.query(
      `SELECT k.feed, k.id AS source_record_id, h.version_key, h.current_id
         FROM (SELECT DISTINCT * FROM unnest($1::text[], $2::text[])) k(feed, id)
        CROSS JOIN LATERAL (SELECT version_key, current_id FROM feed_record_head h
                             WHERE h.feed = k.feed AND h.source_record_id = k.id LIMIT 1) h`,
      [feeds, ids],
    );
    for (const h of headRows)
      heads.set(recordKey(h.feed, h.source_record_id), {
        versionKey: h.version_key,
        currentId: h.current_id,
      });
    // A record without a head has no version stored (every stored version gave it one).
    const known = records.filter((r) => heads.has(recordKey(r.feed, r.sourceRecordId)));
    const versionRows: { feed: string; source_record_id: string; version: string }[] =
      known.length === 0
        ? []
        : await manager.query(
            `SELECT k.feed, k.id AS source_record_id, k.version
               FROM (SELECT DISTINCT * FROM unnest($1::text[], $2::text[], $3::text[])) k(feed, id, version)
              CROSS JOIN LATERAL (SELECT FROM source_record s
                                   WHERE s.feed = k.feed AND s.source_record_id = k.id AND s.version = k.version LIMIT 1) s`,
            [
              known.map((r) => r.feed),
              known.map((r) => r.sourceRecordId),
              known.map((r) => r.version),
            ],
          );
    const knownVersions = new Set(
      versionRows.map((v) => `${recordKey(v.feed, v.source_record_id)}\u001f${v.version}`),
    );
    return { heads, knownVersions };
  }

  /** `clock` is told when the resolution locks are requested and when they are held. */
  async apply(manager: EntityManager, plan: IngestPlan, clock?: PhaseClock): Promise<void> {
    const endedRelations =
      plan.supersede.length > 0
        ? await this.endFacts(manager, plan.supersede)
        : new Map<string, SourceRelationFact[]>();
    if (plan.store.length === 0) return;
    const factual = plan.store.filter(carriesFacts);
    // Everything up to the heads needs only the record locks: done before the person locks are
    // taken, which other transactions naming the same residents wait on until this one commits.
    const features = await personMentionFeatures(plan);
    const {
      ids: entityIds,
      deferred,
      keyed,
      movedFrom,
    } = await this.resolveMentions(
      manager,
      factual.map((p) => p.record),
      features,
      plan.storedBefore,
    );
    await this.storeVersions(manager, plan);
    const people = await this.preparePersonMentions(manager, plan, features, clock);
    const touched = await this.refreshPersonMentions(manager, people, entityIds);
    const resolution = await this.persons.resolve(manager, touched, people.familyBlocks, {
      mentions: deferred.map(({ key }) => ({
        key,
        entityId: entityIds.get(key)!,
        features: people.features.get(key)!.features,
        blocks: blocksOfFeatures(people.features.get(key)!.features),
      })),
      insert: async (placed) => {
        for (const [key, p] of placed) entityIds.set(key, p.entityId);
        await this.insertMentions(
          manager,
          deferred.map((m) => ({
            ...m,
            entityId: entityIds.get(m.key)!,
            link: placed.get(m.key)?.link ?? null,
          })),
          people.features,
        );
      },
    });
    // Read before the change log is locked: the lock is held from there to the commit.
    const mentions = await this.mentionsOfRecords(manager, [...newestVersions(plan).values()]);
    // The entity each mention left in this batch: keyed ones whose key changed, and persons.
    const leftEntity = new Map(movedFrom);
    for (const m of resolution.moved)
      leftEntity.set(mentionKeyOf(m.feed, m.sourceRecordId, m.pointer), m.from);
    // The batch's records are compared version by version; other records' relations that
    // followed a mention resolution moved are compared before and after the move.
    const compared = new Set(newestVersions(plan).keys());
    const relationChanges = [
      ...(await this.relationChanges(manager, plan, endedRelations, leftEntity, mentions)),
      ...(await relationChangesOfMoves(manager, resolution.moved, (feed, id) =>
        compared.has(recordKey(feed, id)),
      )),
    ];
    const withdrawn = await this.withdrawMentions(manager, plan, mentions, movedFrom);
    const otherRelationChanges = await this.upsertMentionedEntities(
      manager,
      factual.map((p) => p.record),
      entityIds,
      keyed,
      resolution,
      withdrawn.filter((w) => w.type === 'organization').map((w) => w.id),
      relationChanges,
    );
    if (otherRelationChanges.length > 0) {
      await lockChangeLog(manager);
      await insertRelationEvents(manager, otherRelationChanges);
    }
    // Lifecycle events last: a merged person's last event is its `merged`.
    await this.persons.writeLifecycle(manager, resolution);
    if (withdrawn.length > 0) await this.endOrphanedEntities(manager, withdrawn);
  }

  /** Every mention of these records (after this batch's resolution), active or not. */
  private async mentionsOfRecords(
    manager: EntityManager,
    newest: IngestPlan['store'],
  ): Promise<RecordMention[]> {
    if (newest.length === 0) return [];
    return manager.query(
      `SELECT m.feed, m.source_record_id, m.pointer, m.entity_type, m.entity_id, m.active
         FROM unnest($1::text[], $2::text[]) k(feed, id)
        CROSS JOIN LATERAL (SELECT * FROM mention m WHERE m.feed = k.feed AND m.source_record_id = k.id OFFSET 0) m`,
      [newest.map((p) => p.record.feed), newest.map((p) => p.record.sourceRecordId)],
    );
  }

  /**
   * Deactivates the place, event, object and organization mentions that the newest version of
   * a record no longer names (a cancellation names none); person mentions are resolution's
   * (refreshPersonMentions). Returns their entities, with why, and the keyed places and
   * organizations a mention left in this batch (its record changed the key).
   */
  private async withdrawMentions(
    manager: EntityManager,
    plan: IngestPlan,
    mentions: RecordMention[],
    movedFrom: Map<string, string>,
  ): Promise<Withdrawal[]> {
    const left: Withdrawal[] = mentions
      .filter((m) => movedFrom.has(mentionKeyOf(m.feed, m.source_record_id, m.pointer)))
      .map((m) => ({
        type: m.entity_type,
        id: movedFrom.get(mentionKeyOf(m.feed, m.source_record_id, m.pointer))!,
        reason: 'unnamed',
      }));
    const newest = [...newestVersions(plan).values()];
    const named = new Set(
      newest.flatMap((p) =>
        carriesFacts(p)
          ? p.record.mapped!.mentions.map((m) => mentionKey(p.record, m.pointer))
          : [],
      ),
    );
    const active = mentions.filter((m) => m.entity_type !== 'person' && m.active);
    const gone = active.filter(
      (m) => !named.has(mentionKeyOf(m.feed, m.source_record_id, m.pointer)),
    );
    if (gone.length === 0) return left;
    await manager.query(
      `UPDATE mention m SET active = false
         FROM unnest($1::text[], $2::text[], $3::text[]) u(feed, id, pointer)
        WHERE m.feed = u.feed AND m.source_record_id = u.id AND m.pointer = u.pointer`,
      [gone.map((m) => m.feed), gone.map((m) => m.source_record_id), gone.map((m) => m.pointer)],
    );
    const cancelled = cancelledRecords(plan);
    return [
      ...left,
      ...gone.map((m) => ({
        type: m.entity_type,
        id: m.entity_id,
        reason: cancelled.has(recordKey(m.feed, m.source_record_id))
          ? ('cancelled' as const)
          : ('unnamed' as const),
      })),
    ];
  }

  /**
   * An `ended` event for each entity of withdrawn mentions that no active mention names any
   * more, except seeded division places (the division catalog owns them) and entities that had
   * ended already (a restored record that names another place leaves its old, ended one).
   * Checked under the change-log lock, so every transaction that committed before is seen; one
   * that names the entity and commits after this check (it was written concurrently) takes the
   * lock after this transaction's commit, and its upsert sees the entity ended and revives it.
   */
  private async endOrphanedEntities(
    manager: EntityManager,
    withdrawn: Withdrawal[],
  ): Promise<void> {
    await lockChangeLog(manager);
    const orphans: Withdrawal[] = await manager.query(
      `SELECT DISTINCT ON (k.id) k.type, k.id, k.reason
         FROM unnest($1::text[], $2::uuid[], $3::text[]) k(type, id, reason)
        WHERE NOT EXISTS (SELECT FROM mention m
                           WHERE m.entity_type = k.type AND m.entity_id = k.id AND m.active)
          ${WITHDRAWABLE_TYPES.map(
            (type) =>
              `AND NOT EXISTS (SELECT FROM ${type} x WHERE k.type = '${type}' AND x.id = k.id
                                 AND (x.ended_at IS NOT NULL${type === 'place' ? ' OR x.code IS NOT NULL' : ''}))`,
          ).join('\n')}
        ORDER BY k.id, k.reason`,
      [withdrawn.map((e) => e.type), withdrawn.map((e) => e.id), withdrawn.map((e) => e.reason)],
    );
    for (const type of new Set(orphans.map((o) => o.type)))
      await insertLifecycleEvents(
        manager,
        type,
        orphans
          .filter((o) => o.type === type)
          .map((o) => ({ id: o.id, kind: 'ended' as const, data: { reason: o.reason } })),
      );
  }

  /**
   * The batch's versions as source records (stale ones as history only), and the newest stored
   * version of each record as its head.
   */
  private async storeVersions(manager: EntityManager, plan: IngestPlan): Promise<void> {
    // One JSON document for the whole batch, with each payload spliced in as the bytes that
    // arrived: no re-serialization of the payloads and no escaping into PostgreSQL array literals,
    // which together cost more CPU than the rest of the insert. Each row parsed once as jsonb and
    // taken apart with -> / ->>: json_to_recordset re-parses every nested value, half as fast again.
    const pieces: Buffer[] = [];
    await forEachInSlices(plan.store, (p, i) => {
      const facts = carriesFacts(p);
      const row = JSON.stringify({
        feed: p.record.feed,
        id: p.record.sourceRecordId,
        version: p.record.version,
        version_key: p.record.versionKey,
        status: p.status,
        topic: p.record.coordinates?.topic ?? null,
        part: p.record.coordinates?.partition ?? null,
        off: p.record.coordinates?.offset ?? null,
        superseded: p.supersededInBatch,
        observed: p.record.observedAt.toISOString(),
        facts: facts ? factsOf(p.record) : null,
        relations: facts ? relationsOf(p.record) : null,
      });
      pieces.push(
        Buffer.from(`${i === 0 ? '[' : ','}${row.slice(0, -1)},"payload":`),
        utf8Payload(p.record.raw),
        CLOSING_BRACE,
      );
    });
    const stored: { id: string }[] = await manager.query(
      `INSERT INTO source_record (feed, source_record_id, version, version_key, payload, status, topic, partition, "offset", superseded_at, observed_at, facts, relations)
       SELECT r->>'feed', r->>'id', r->>'version', r->>'version_key', r->'payload', r->>'status', r->>'topic',
              (r->>'part')::int, (r->>'off')::bigint, CASE WHEN (r->>'superseded')::bool THEN now() END,
              (r->>'observed')::timestamptz, nullif(r->'facts', 'null'), nullif(r->'relations', 'null')
         FROM ${JSONB_ELEMENT_ROWS('$1', 'rows(r, n)')}
        ORDER BY n
       RETURNING id`,
      [jsonFromBytes([...pieces, CLOSING_BRACKET])],
    );
    const current = plan.store
      .map((p, i) => ({ ...p, id: stored[i].id }))
      .filter((p) => p.status !== 'stale');
    const heads = [
      ...new Map(
        current.map((p) => [recordKey(p.record.feed, p.record.sourceRecordId), p]),
      ).values(),
    ];
    await manager.query(
      `INSERT INTO feed_record_head (feed, source_record_id, version_key, current_id, cancelled)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bool[])
       ON CONFLICT (feed, source_record_id) DO UPDATE
         SET version_key = EXCLUDED.version_key, current_id = EXCLUDED.current_id, cancelled = EXCLUDED.cancelled`,
      [
        heads.map((p) => p.record.feed),
        heads.map((p) => p.record.sourceRecordId),
        heads.map((p) => p.record.versionKey),
        heads.map((p) => p.id),
        heads.map((p) => p.status === 'cancelled'),
      ],
    );
  }

  /**
   * The `relation.added` / `relation.ended` events due for each relation that a record's newest
   * version in the batch states and its previous version did not, or the reverse (a cancellation
   * ends them all). The new version's ends are the entities after this batch's resolution; the
   * previous version's are the entities its mentions were on before the batch (`leftEntity`
   * gives those that moved), so a relation that followed a moved mention is ended and added too.
   * A division code the catalogue does not know is no relation (the `relation` view drops it).
   */
  private async relationChanges(
    manager: EntityManager,
    plan: IngestPlan,
    endedRelations: Map<string, SourceRelationFact[]>,
    leftEntity: Map<string, string>,
    mentions: RecordMention[],
  ): Promise<RelationChange[]> {
    const records = [...newestVersions(plan).values()]
      .map((p) => ({
        record: p.record,
        before: endedRelations.get(recordKey(p.record.feed, p.record.sourceRecordId)) ?? [],
        after: carriesFacts(p) ? relationsOf(p.record) : [],
      }))
      .filter((r) => r.before.length > 0 || r.after.length > 0);
    if (records.length === 0) return [];
    const entities = new Map(
      mentions.map((m) => [
        mentionKeyOf(m.feed, m.source_record_id, m.pointer),
        { type: m.entity_type, id: m.entity_id },
      ]),
    );
    const codes = [
      ...new Set(
        records.flatMap((r) =>
          [...r.before, ...r.after].flatMap((x) => (x.toPlace ? [x.toPlace] : [])),
        ),
      ),
    ];
    const divisions = await divisionPlaceIds(manager, codes);
    const changes: RelationChange[] = [];
    for (const { record, before, after } of records) {
      /** The entity of a mention of this record, as the previous version or the new one saw it. */
      const entityOf = (pointer: string, previous: boolean) => {
        const key = mentionKey(record, pointer);
        const entity = entities.get(key);
        if (!entity) return undefined;
        const left = previous ? leftEntity.get(key) : undefined;
        return left ? { type: entity.type, id: left } : entity;
      };
      const resolve = (relation: SourceRelationFact, previous: boolean): ResolvedRelation[] => {
        const from = entityOf(relation.from, previous);
        if (!from) return [];
        if (relation.toPlace) {
          const id = divisions.get(relation.toPlace);
          if (!id) return [];
          return [
            {
              type: relation.type,
              from,
              to: { type: 'place', id, code: relation.toPlace },
              attributes: relation.attributes,
            },
          ];
        }
        const to = entityOf(relation.to!, previous);
        if (!to) return [];
        return [{ type: relation.type, from, to, attributes: relation.attributes }];
      };
      const source = { feed: record.feed, sourceRecordId: record.sourceRecordId };
      for (const change of diffRelations(
        before.flatMap((r) => resolve(r, true)),
        after.flatMap((r) => resolve(r, false)),
      ))
        changes.push({ ...change, source });
    }
    return changes;
  }

  /**
   * The active person mentions the batch's records had before, those that are inactive (their
   * record was cancelled and may now be restored), and the resolution locks on every block, ID
   * number and police household concerned (those of the active ones and of `features`), on the
   * persons of the stored ones and on the batch's family context (PersonResolver.familyMemberLocks
   * and familyContextLocked),
   * before any of those mentions is written.
   */
  private async preparePersonMentions(
    manager: EntityManager,
    plan: IngestPlan,
    features: Map<string, PersonMention>,
    clock?: PhaseClock,
  ) {
    const records = [...newestVersions(plan).values()]
      .map((p) => p.record)
      .filter((r) => plan.storedBefore.has(recordKey(r.feed, r.sourceRecordId)));
    const before: {
      feed: string;
      source_record_id: string;
      pointer: string;
      entity_id: string;
      block: string | null;
      anchor_block: string | null;
      household: string | null;
      id_key: string | null;
      places: string[] | null;
      active: boolean;
    }[] =
      records.length === 0
        ? []
        : await manager.query(
            `SELECT m.feed, m.source_record_id, m.pointer, m.entity_id, m.block, m.anchor_block, m.household,
                    m.id_key, m.places, m.active
               FROM (SELECT DISTINCT * FROM unnest($1::text[], $2::text[])) k(feed, id)
              CROSS JOIN LATERAL (SELECT * FROM mention m
                                   WHERE m.feed = k.feed AND m.source_record_id = k.id
                                     AND m.entity_type = 'person' OFFSET 0) m`,
            [records.map((r) => r.feed), records.map((r) => r.sourceRecordId)],
          );
    const keyOf = (b: { feed: string; source_record_id: string; pointer: string }) =>
      mentionKeyOf(b.feed, b.source_record_id, b.pointer);
    const previous = new Map(before.filter((b) => b.active).map((b) => [keyOf(b), b]));
    const dormant = new Set(before.filter((b) => !b.active).map(keyOf));
    const blocks = new Set<string>();
    const idNumbers = new Set<string>();
    const households = new Set<string>();
    // Names and addresses of persons with a valid ID, now or before: family members tied to them.
    const placed = new Map<string, { nameKey: string; place: string }>();
    const addPlaced = (nameKey: string, places: string[] | null | undefined) => {
      for (const place of places ?? []) placed.set(`${nameKey}|${place}`, { nameKey, place });
    };
    for (const b of previous.values()) {
      for (const block of blocksOf(b)) blocks.add(block);
      if (b.household) households.add(b.household);
      const tiedName = placedNameKey(b);
      if (tiedName) addPlaced(tiedName, b.places);
    }
    for (const { features: f } of features.values()) {
      for (const block of blocksOfFeatures(f)) blocks.add(block);
      if (f.idNumber) idNumbers.add(f.idNumber);
      if (f.household) households.add(f.household);
      if (f.idNumber && f.nameKey) addPlaced(f.nameKey, f.places);
    }
    const family: FamilyContextQuery = {
      idNumbers: [...idNumbers],
      households: [...households],
      placed: [...placed.values()],
      members: [...features.values()].flatMap(({ features: f }) =>
        f.familyOf ? [{ familyOf: f.familyOf, nameKey: f.nameKey, places: f.places ?? [] }] : [],
      ),
    };
    const members = await this.persons.familyMemberLocks(manager, family.members);
    clock?.lap('records');
    const locks = {
      blocks: [...blocks, ...members.blocks],
      idNumbers: [
        ...idNumbers,
        ...before.flatMap((b) => (b.id_key ? [b.id_key] : [])),
        ...members.idNumbers,
      ],
      households: [...households],
      familyHouseholds: members.familyHouseholds,
    };
    await this.persons.lock(manager, { ...locks, persons: before.map((b) => b.entity_id) });
    clock?.lap('person_lock_wait');
    const familyBlocks = await this.persons.familyContextLocked(manager, family, locks);
    // The person of each stored mention as of now: the transaction that held one of the blocks
    // may have moved it to another person while this one waited.
    const personOf = new Map<string, string>();
    if (before.length > 0) {
      const now = await this.persons.rereadWithPersonsLocked(
        manager,
        before.map((b) => b.entity_id),
        () =>
          manager.query<
            { feed: string; source_record_id: string; pointer: string; entity_id: string }[]
          >(
            `SELECT m.feed, m.source_record_id, m.pointer, m.entity_id
               FROM unnest($1::text[], $2::text[], $3::text[]) k(feed, id, pointer)
              CROSS JOIN LATERAL (SELECT feed, source_record_id, pointer, entity_id FROM mention m
                                   WHERE m.feed = k.feed AND m.source_record_id = k.id AND m.pointer = k.pointer LIMIT 1) m`,
            keyColumns(before.map(keyOf)),
          ),
      );
      for (const n of now) personOf.set(keyOf(n), n.entity_id);
    }
    return {
      features,
      previous,
      dormant,
      personOf,
      familyBlocks,
      cancelled: cancelledRecords(plan),
    };
  }

  /**
   * Writes the current features of the batch's person mentions (reactivating those of a restored
   * record) and deactivates those its newest versions no longer name (a cancelled record names
   * none); returns them all for resolution.
   */
  private async refreshPersonMentions(
    manager: EntityManager,
    people: Awaited<ReturnType<IngestStore['preparePersonMentions']>>,
    entityIds: Map<string, string>,
  ): Promise<TouchedMention[]> {
    const touched: TouchedMention[] = [];
    const updates: string[] = [];
    for (const [key, current] of people.features) {
      const old = people.previous.get(key);
      touched.push({
        key,
        entityId: people.personOf.get(key) ?? entityIds.get(key)!,
        oldBlocks: old ? blocksOf(old) : [],
        newBlocks: blocksOfFeatures(current.features),
      });
      if (old || people.dormant.has(key)) updates.push(key);
    }
    const gone = [...people.previous.entries()].filter(([key]) => !people.features.has(key));
    for (const [key, old] of gone)
      touched.push({
        key,
        entityId: people.personOf.get(key) ?? old.entity_id,
        oldBlocks: blocksOf(old),
        newBlocks: [],
        withdrawn: people.cancelled.has(recordKey(old.feed, old.source_record_id))
          ? 'cancelled'
          : 'unnamed',
      });
    if (updates.length > 0) {
      const rows = updates.map((key) => {
        const [feed, id, pointer] = key.split('\u001f');
        return { feed, id, pointer, ...personColumns(people.features.get(key)!) };
      });
      await manager.query(
        `UPDATE mention m SET block = u.block, anchor_block = u.anchor_block, id_key = u.id_key, household = u.household,
                              family_of = u.family_of, features = u.features, observed_at = u.observed, active = true,
                              places = u.places
           FROM ${JSON_RECORDS('$1', 'u', PERSON_MENTION_ROW)}
          WHERE m.feed = u.feed AND m.source_record_id = u.id AND m.pointer = u.pointer`,
        [jsonRecords(rows)],
      );
    }
    if (gone.length > 0)
      await manager.query(
        `UPDATE mention m SET active = false, block = NULL, anchor_block = NULL, places = NULL
           FROM unnest($1::text[], $2::text[], $3::text[]) u(feed, id, pointer)
          WHERE m.feed = u.feed AND m.source_record_id = u.id AND m.pointer = u.pointer`,
        keyColumns(gone.map(([key]) => key)),
      );
    return touched;
  }

  /**
   * Ends what the given versions contributed: their values and relations end with their source
   * record's superseded_at. The source records stay as history. Returns the relations they
   * stated, by record.
   */
  private async endFacts(manager: EntityManager, sourceRecordIds: string[]) {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [ended]: [
      { feed: string; source_record_id: string; relations: SourceRelationFact[] | null }[],
      number,
    ] = await manager.query(
      `UPDATE source_record SET superseded_at = now() WHERE id = ANY($1::bigint[])
       RETURNING feed, source_record_id, relations`,
      [sourceRecordIds],
    );
    const relations = new Map<string, SourceRelationFact[]>();
    for (const e of ended) {
      const key = recordKey(e.feed, e.source_record_id);
      relations.set(key, [...(relations.get(key) ?? []), ...(e.relations ?? [])]);
    }
    return relations;
  }

  /**
   * The golden columns of the mentioned entities (later versions in the batch win; organizations
   * by survivorship over all their mentions, also those that lost a mention in this batch;
   * persons from their resolution), with a change event for each entity created or changed.
   * An entity's relation changes are written with it (see upsertEntitiesWithEvents), in
   * UPSERT_ORDER; returns the others, whose entities are not written here. Last in the
   * transaction: see lockChangeLog.
   */
  private async upsertMentionedEntities(
    manager: EntityManager,
    records: PreparedRecord[],
    entityIds: Map<string, string>,
    keyed: Map<string, KeyedPlacement>,
    persons: PersonResolution,
    leftOrganizations: string[],
    relationChanges: RelationChange[],
  ): Promise<RelationChange[]> {
    const entities = new Map<string, { type: EntityType; columns: GoldenColumns }>();
    for (const record of records)
      for (const mention of record.mapped!.mentions) {
        if (mention.entityType === 'person') continue;
        const key = mentionKey(record, mention.pointer);
        const placement = keyed.get(key);
        if (placement && !placement.written) continue;
        const id = entityIds.get(key)!;
        // Several mentions of one keyed entity in a batch: later ones win, except with nulls.
        const before = placement ? entities.get(id)?.columns : undefined;
        const own = { ...goldenColumns(mention), ...placement?.columns };
        entities.set(id, {
          type: mention.entityType,
          columns: before ? { ...before, ...withoutNulls(own) } : own,
        });
      }
    const organizations = [
      ...new Set([
        ...[...entities].filter(([, e]) => e.type === 'organization').map(([id]) => id),
        ...leftOrganizations,
      ]),
    ];
    if (entities.size > 0 || organizations.length > 0) await lockChangeLog(manager);
    // Under the lock: every transaction that committed a mention of them before is seen.
    const survivors = await organizationGoldenColumns(manager, organizations, this.rules);
    // One that lost its last mention keeps its values (it ends: endOrphanedEntities).
    for (const [id, columns] of survivors) entities.set(id, { type: 'organization', columns });
    let rest = relationChanges;
    for (const type of UPSERT_ORDER) {
      if (type === 'person') {
        const later = rest.filter((c) => !writtenBefore(c));
        rest = [
          ...(await this.persons.writeGolden(manager, persons, rest.filter(writtenBefore))),
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
   * Entity id of every mention: a keyed place or organization goes to the entity of its key
   * (moving there when its record changed the key); any other mention keeps the entity it has,
   * or gets a new one. New person mentions are placed by resolution later.
   */
  private async resolveMentions(
    manager: EntityManager,
    records: PreparedRecord[],
    people: Map<string, PersonMention>,
    storedBefore: IngestPlan['storedBefore'],
  ) {
    const movedFrom = new Map<string, string>();
    if (records.length === 0)
      return {
        ids: new Map<string, string>(),
        deferred: [],
        keyed: new Map<string, KeyedPlacement>(),
        movedFrom,
      };
    const wanted = new Map<
      string,
      { feed: string; id: string; pointer: string; type: EntityType; values: MappedValue[] }
    >();
    for (const record of records) {
      for (const m of record.mapped!.mentions) {
        wanted.set(mentionKey(record, m.pointer), {
          feed: record.feed,
          id: record.sourceRecordId,
          pointer: m.pointer,
          type: m.entityType,
          values: m.values,
        });
      }
    }
    const list = [...wanted.values()].filter((m) => storedBefore.has(recordKey(m.feed, m.id)));
    const existing: RecordMention[] =
      list.length === 0
        ? []
        : await manager.query(
            `SELECT k.feed, k.id AS source_record_id, k.pointer, m.entity_type, m.entity_id, m.active
         FROM unnest($1::text[], $2::text[], $3::text[]) k(feed, id, pointer)
        CROSS JOIN LATERAL (SELECT entity_type, entity_id, active FROM mention m
                             WHERE m.feed = k.feed AND m.source_record_id = k.id AND m.pointer = k.pointer LIMIT 1) m`,
            [list.map((m) => m.feed), list.map((m) => m.id), list.map((m) => m.pointer)],
          );
    // Named again by a version after a cancellation (persons: refreshPersonMentions).
    const revived = existing.filter((e) => !e.active && e.entity_type !== 'person');
    if (revived.length > 0)
      await manager.query(
        `UPDATE mention m SET active = true
           FROM unnest($1::text[], $2::text[], $3::text[]) u(feed, id, pointer)
          WHERE m.feed = u.feed AND m.source_record_id = u.id AND m.pointer = u.pointer`,
        [
          revived.map((e) => e.feed),
          revived.map((e) => e.source_record_id),
          revived.map((e) => e.pointer),
        ],
      );
    const ids = new Map(
      existing.map((e) => [
        `${recordKey(e.feed, e.source_record_id)}\u001f${e.pointer}`,
        e.entity_id,
      ]),
    );
    const keyed = await placeKeyedMentions(
      manager,
      [...wanted.entries()].map(([key, m]) => ({ key, entityType: m.type, values: m.values })),
    );
    const moved = [...keyed.entries()].filter(
      ([key, p]) => ids.has(key) && ids.get(key) !== p.entityId,
    );
    for (const [key] of moved) movedFrom.set(key, ids.get(key)!);
    if (moved.length > 0)
      await manager.query(
        `UPDATE mention m SET entity_id = u.entity_id
           FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[]) u(feed, id, pointer, entity_id)
          WHERE m.feed = u.feed AND m.source_record_id = u.id AND m.pointer = u.pointer`,
        [...keyColumns(moved.map(([key]) => key)), moved.map(([, p]) => p.entityId)],
      );
    const created = [...wanted.entries()].filter(([key]) => !ids.has(key));
    for (const [key, p] of keyed) ids.set(key, p.entityId);
    for (const [key] of created) if (!ids.has(key)) ids.set(key, randomUUID());
    // New person mentions with features are written once resolution has placed them.
    const deferred = created.filter(([key]) => people.has(key));
    await this.insertMentions(
      manager,
      created
        .filter(([key]) => !people.has(key))
        .map(([key, m]) => ({ key, ...m, entityId: ids.get(key)!, link: null })),
      people,
    );
    return { ids, deferred: deferred.map(([key, m]) => ({ key, ...m })), keyed, movedFrom };
  }

  /** New mention rows; person mentions carry their match features (see personColumns). */
  private async insertMentions(
    manager: EntityManager,
    rows: {
      key: string;
      feed: string;
      id: string;
      pointer: string;
      type: EntityType;
      entityId: string;
      link: unknown;
    }[],
    people: Map<string, PersonMention>,
  ) {
    if (rows.length === 0) return;
    const json = rows.map(({ key, feed, id, pointer, type, entityId, link }) => {
      const p = people.get(key);
      return {
        feed,
        id,
        pointer,
        entity_type: type,
        entity_id: entityId,
        link,
        ...(p && personColumns(p)),
      };
    });
    await manager.query(
      `INSERT INTO mention (feed, source_record_id, pointer, entity_type, entity_id, link, block, anchor_block, id_key, household, family_of, features, observed_at, places, active)
       SELECT feed, id, pointer, entity_type, entity_id, link, block, anchor_block, id_key, household, family_of, features, observed,
              places, NOT (features IS NULL AND entity_type = 'person')
         FROM ${JSON_RECORDS('$1', 'u', `${PERSON_MENTION_ROW}, entity_type text, entity_id uuid, link jsonb`)}`,
      [jsonRecords(json)],
    );
  }

  async insertRejects(manager: EntityManager, rejects: RejectedRecord[]): Promise<void> {
    if (rejects.length === 0) return;
    await manager.query(
      `INSERT INTO reject (feed, reason, detail, raw, message_key, topic, partition, "offset")
       SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::bytea[], $5::text[], $6::text[], $7::int[], $8::bigint[])
       ON CONFLICT (topic, partition, "offset") DO NOTHING`,
      [
        rejects.map((r) => r.feed),
        rejects.map((r) => r.reason),
        rejects.map((r) =>
          JSON.stringify({ message: r.message, ...r.detail }, (_k, v: unknown) =>
            typeof v === 'string' ? withoutNul(v) : v,
          ),
        ),
        rejects.map((r) => r.raw),
        rejects.map((r) => (r.key === null ? null : withoutNul(r.key))),
        rejects.map((r) => r.coordinates?.topic ?? null),
        rejects.map((r) => r.coordinates?.partition ?? null),
        rejects.map((r) => r.coordinates?.offset ?? null),
      ],
    );
  }
}

/**
 * A payload's bytes as they arrived, or, when they are not UTF-8 (JSON.parse read them with
 * U+FFFD in place of the bad bytes, and PostgreSQL would refuse them), as the text that was parsed.
 */
const utf8Payload = (raw: Buffer): Buffer =>
  isUtf8(raw) ? raw : Buffer.from(raw.toString('utf8'));
const CLOSING_BRACE = Buffer.from('}');
const CLOSING_BRACKET = Buffer.from(']');

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, which a reject's message may quote (JSON.parse
 * names the bad character) and a Kafka key may carry: a reject must always be storable. The raw
 * message keeps it (bytea).
 */
const withoutNul = (text: string) => text.replaceAll('\u0000', '\uFFFD');

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

/** Entity types whose mentions a record's new version can withdraw (persons: resolution). */
const WITHDRAWABLE_TYPES = ['place', 'organization', 'event', 'object'] as const;

/** A person mention of the batch: its match features and when its record observed it. */
interface PersonMention {
  features: PersonFeatures;
  observedAt: string;
}

/** A stored mention of a record, with its entity. */
interface RecordMention {
  feed: string;
  source_record_id: string;
  pointer: string;
  entity_type: EntityType;
  entity_id: string;
  active: boolean;
}

/** An entity one of whose mentions was withdrawn: its record was cancelled or no longer names it. */
interface Withdrawal {
  type: EntityType;
  id: string;
  reason: 'cancelled' | 'unnamed';
}

/** Worked out once per plan: apply asks for it at several steps. */
const newestOfPlan = new WeakMap<IngestPlan, Map<string, IngestPlan['store'][number]>>();

/** The newest stored, not stale, version of each record in the batch. */
function newestVersions(plan: IngestPlan): Map<string, IngestPlan['store'][number]> {
  const known = newestOfPlan.get(plan);
  if (known) return known;
  const newest = new Map<string, IngestPlan['store'][number]>();
  for (const p of plan.store)
    if (p.status !== 'stale') newest.set(recordKey(p.record.feed, p.record.sourceRecordId), p);
  newestOfPlan.set(plan, newest);
  return newest;
}

/** The records (recordKey) whose newest version in the batch is a cancellation. */
const cancelledRecords = (plan: IngestPlan): Set<string> =>
  new Set(
    [...newestVersions(plan).entries()]
      .filter(([, p]) => p.status === 'cancelled')
      .map(([key]) => key),
  );

/** The person mentions of each record's newest version in the batch, with their match features. */
async function personMentionFeatures(plan: IngestPlan) {
  const features = new Map<string, PersonMention>();
  await forEachInSlices([...newestVersions(plan).values()], (p) => {
    if (!carriesFacts(p)) return;
    for (const m of p.record.mapped!.mentions) {
      if (m.entityType !== 'person') continue;
      features.set(mentionKey(p.record, m.pointer), {
        features: personFeatures(m.values, personContext(p.record.mapped!, m.key)),
        observedAt: p.record.observedAt.toISOString(),
      });
    }
  });
  return features;
}

/** Stale versions are history only; cancellations and unmapped versions state no facts. */
const carriesFacts = (p: IngestPlan['store'][number]): boolean =>
  p.status !== 'stale' && p.record.mapped !== undefined;

/** The values a version contributes, each with the pointer of the subject it describes. */
const factsOf = (record: PreparedRecord): SourceFact[] =>
  record.mapped!.mentions.flatMap((mention) =>
    mention.values.map((v): SourceFact => [mention.pointer, v.attribute, v.value, v.valid]),
  );

/** The relations a version asserts, between the pointers of its mentions (or a division). */
const relationsOf = (record: PreparedRecord): SourceRelationFact[] => {
  const pointerOf = new Map(record.mapped!.mentions.map((m) => [m.key, m.pointer]));
  return record.mapped!.relations.map((r) => ({
    type: r.type,
    from: pointerOf.get(r.fromKey)!,
    to: r.toKey ? pointerOf.get(r.toKey)! : null,
    toPlace: r.toDivisionCode ?? null,
    attributes: r.attributes,
  }));
};

const mentionKey = (record: PreparedRecord, pointer: string) =>
  mentionKeyOf(record.feed, record.sourceRecordId, pointer);

/** Every block starts with the mention's name key (see blockKeys). */
const nameKeyOfBlock = (block: string) => block.slice(0, block.indexOf('|'));

interface StoredBlocks {
  block: string | null;
  anchor_block: string | null;
  id_key?: string | null;
  places?: string[] | null;
}

/** The name key under which a stored mention with a valid ID is tied to its places, if any. */
const placedNameKey = (m: StoredBlocks): string | null =>
  (m.id_key && m.block && nameKeyOfBlock(m.block)) || null;

/** The blocks a stored person mention is in (its place-context blocks: see placeBlocksOf). */
const blocksOf = (m: StoredBlocks): string[] => {
  const tiedName = placedNameKey(m);
  return [
    ...[m.block, m.anchor_block].filter((b) => b !== null),
    ...(tiedName ? (m.places ?? []).map((p) => `${tiedName}|a${p}`) : []),
  ];
};

/** The blocks a person mention with these features goes in (see blockKeys, placeBlocksOf). */
const blocksOfFeatures = (features: PersonFeatures): string[] => {
  const { block, anchorBlock } = blockKeys(features);
  return [...blocksOf({ block, anchor_block: anchorBlock }), ...placeBlocksOf(features)];
};

const withoutNulls = (columns: GoldenColumns): GoldenColumns =>
  Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== null && v !== undefined));

const keyColumns = (keys: string[]): string[][] => {
  const parts = keys.map((k) => k.split('\u001f'));
  return [parts.map((p) => p[0]), parts.map((p) => p[1]), parts.map((p) => p[2])];
};

/**
 * The mention columns that carry a person mention's match features, as written: rows go to
 * PostgreSQL as one JSON document taken apart by JSON_RECORDS (PERSON_MENTION_ROW), which
 * spares escaping every feature document into an array literal, as storeVersions does payloads.
 */
const personColumns = ({
  features,
  observedAt,
}: {
  features: PersonFeatures;
  observedAt: string;
}) => {
  const { block, anchorBlock } = blockKeys(features);
  return {
    block,
    anchor_block: anchorBlock,
    id_key: features.idNumber,
    household: features.household,
    family_of: features.familyOf,
    features,
    observed: observedAt,
    // NULL without places: the places index skips NULLs, not empty arrays.
    places: features.places?.length ? features.places : null,
  };
};

/** The columns of a mention row in JSON, as personColumns gives them with the mention's key. */
const PERSON_MENTION_ROW = `feed text, id text, pointer text, block text, anchor_block text, id_key text,
  household text, family_of text, features jsonb, observed timestamptz, places uuid[]`;
