import type { EntityManager } from 'typeorm';
import { type EntityType, mentionKeyColumns, splitMentionKey } from '@hub/model';
import { JSON_RECORDS, jsonRecords } from '@hub/persistence';
import type { MentionLink } from './cluster-block';
import type { PersonFeatures } from './person-features';
import { blockKeys } from './block-keys';

/*
 * The mention table: which entity each subject of a source record is on, and for person
 * mentions their match features and blocks. Lookups by key are LATERAL probes (one index lookup
 * per key: see SourceRecords in @hub/feeds for why not joins).
 */

/** A stored mention of a record, with its entity. */
export interface RecordMention {
  feed: string;
  source_record_id: string;
  pointer: string;
  entity_type: EntityType;
  entity_id: string;
  active: boolean;
}

/** A stored person mention, with what resolution locks and compares it by. */
export interface StoredPersonMention {
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
}

/** A person mention of a batch: its match features and when its record observed it. */
export interface PersonMention {
  features: PersonFeatures;
  observedAt: string;
}

/** A new mention row; person mentions carry their match features (see personColumns). */
export interface NewMention {
  key: string;
  type: EntityType;
  entityId: string;
  link: MentionLink | null;
}

export const Mentions = {
  /** Every mention of these records, active or not. */
  ofRecords(
    manager: EntityManager,
    records: { feed: string; sourceRecordId: string }[],
  ): Promise<RecordMention[]> {
    if (records.length === 0) return Promise.resolve([]);
    return manager.query(
      `SELECT m.feed, m.source_record_id, m.pointer, m.entity_type, m.entity_id, m.active
         FROM unnest($1::text[], $2::text[]) k(feed, id)
        CROSS JOIN LATERAL (SELECT * FROM mention m WHERE m.feed = k.feed AND m.source_record_id = k.id OFFSET 0) m`,
      [records.map((r) => r.feed), records.map((r) => r.sourceRecordId)],
    );
  },

  /** The stored mentions among these keys. */
  withKeys(manager: EntityManager, keys: string[]): Promise<RecordMention[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return manager.query(
      `SELECT k.feed, k.id AS source_record_id, k.pointer, m.entity_type, m.entity_id, m.active
         FROM unnest($1::text[], $2::text[], $3::text[]) k(feed, id, pointer)
        CROSS JOIN LATERAL (SELECT entity_type, entity_id, active FROM mention m
                             WHERE m.feed = k.feed AND m.source_record_id = k.id AND m.pointer = k.pointer LIMIT 1) m`,
      mentionKeyColumns(keys),
    );
  },

  /** The person mentions of these records, active or not, with their blocks. */
  personsOfRecords(
    manager: EntityManager,
    records: { feed: string; sourceRecordId: string }[],
  ): Promise<StoredPersonMention[]> {
    if (records.length === 0) return Promise.resolve([]);
    return manager.query(
      `SELECT m.feed, m.source_record_id, m.pointer, m.entity_id, m.block, m.anchor_block, m.household,
              m.id_key, m.places, m.active
         FROM (SELECT DISTINCT * FROM unnest($1::text[], $2::text[])) k(feed, id)
        CROSS JOIN LATERAL (SELECT * FROM mention m
                             WHERE m.feed = k.feed AND m.source_record_id = k.id
                               AND m.entity_type = 'person' OFFSET 0) m`,
      [records.map((r) => r.feed), records.map((r) => r.sourceRecordId)],
    );
  },

  /** These person mentions, with their blocks. */
  personsWithKeys(manager: EntityManager, keys: string[]): Promise<StoredPersonMention[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return manager.query(
      `SELECT m.feed, m.source_record_id, m.pointer, m.entity_id, m.block, m.anchor_block, m.household,
              m.id_key, m.places, m.active
         FROM unnest($1::text[], $2::text[], $3::text[]) k(feed, id, pointer)
        CROSS JOIN LATERAL (SELECT * FROM mention m
                             WHERE m.feed = k.feed AND m.source_record_id = k.id AND m.pointer = k.pointer
                               AND m.entity_type = 'person' LIMIT 1) m`,
      mentionKeyColumns(keys),
    );
  },

  /** The entity each of these mentions is on now. */
  entitiesOf(
    manager: EntityManager,
    keys: string[],
  ): Promise<{ feed: string; source_record_id: string; pointer: string; entity_id: string }[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return manager.query(
      `SELECT m.feed, m.source_record_id, m.pointer, m.entity_id
         FROM unnest($1::text[], $2::text[], $3::text[]) k(feed, id, pointer)
        CROSS JOIN LATERAL (SELECT feed, source_record_id, pointer, entity_id FROM mention m
                             WHERE m.feed = k.feed AND m.source_record_id = k.id AND m.pointer = k.pointer LIMIT 1) m`,
      mentionKeyColumns(keys),
    );
  },

  /**
   * Sets columns of the mentions given by key. `set` is the SET list, over the row `u` whose
   * typed `columns` each row carries besides its key: one statement for every mention update.
   */
  async update(
    manager: EntityManager,
    rows: ({ key: string } & Record<string, unknown>)[],
    set: string,
    columns = '',
  ): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `UPDATE mention m SET ${set}
         FROM ${JSON_RECORDS('$1', 'u', `feed text, id text, pointer text${columns ? `, ${columns}` : ''}`)}
        WHERE m.feed = u.feed AND m.source_record_id = u.id AND m.pointer = u.pointer`,
      [
        jsonRecords(
          rows.map(({ key, ...values }) => {
            const [feed, id, pointer] = splitMentionKey(key);
            return { feed, id, pointer, ...values };
          }),
        ),
      ],
    );
  },

  /** Marks these mentions active or not (a person mention withdrawn also leaves its blocks). */
  setActive(manager: EntityManager, keys: string[], active: boolean): Promise<void> {
    return Mentions.update(
      manager,
      keys.map((key) => ({ key })),
      `active = ${active}`,
    );
  },

  /** Puts these mentions on other entities. */
  moveTo(manager: EntityManager, moves: { key: string; entityId: string }[]): Promise<void> {
    return Mentions.update(
      manager,
      moves.map((m) => ({ key: m.key, entity_id: m.entityId })),
      'entity_id = u.entity_id',
      'entity_id uuid',
    );
  },

  /** Puts these person mentions on their entities, with why (their link). */
  place(
    manager: EntityManager,
    placed: { key: string; entityId: string; link: MentionLink }[],
  ): Promise<void> {
    return Mentions.update(
      manager,
      placed.map((p) => ({ key: p.key, entity_id: p.entityId, link: p.link })),
      'entity_id = u.entity_id, link = u.link',
      'entity_id uuid, link jsonb',
    );
  },

  /** Writes the current features of stored person mentions, active again if they were not. */
  refreshPersons(manager: EntityManager, mentions: Map<string, PersonMention>): Promise<void> {
    return Mentions.update(
      manager,
      [...mentions].map(([key, mention]) => ({ key, ...personColumns(mention) })),
      `block = u.block, anchor_block = u.anchor_block, id_key = u.id_key, household = u.household,
       family_of = u.family_of, features = u.features, observed_at = u.observed, active = true,
       places = u.places`,
      PERSON_COLUMNS,
    );
  },

  /** Withdraws these person mentions: inactive, and out of every block. */
  withdrawPersons(manager: EntityManager, keys: string[]): Promise<void> {
    return Mentions.update(
      manager,
      keys.map((key) => ({ key })),
      'active = false, block = NULL, anchor_block = NULL, places = NULL',
    );
  },

  /** New mention rows; a person mention is active when it has features (see personColumns). */
  async insert(
    manager: EntityManager,
    rows: NewMention[],
    persons: ReadonlyMap<string, PersonMention>,
  ): Promise<void> {
    if (rows.length === 0) return;
    const json = rows.map(({ key, type, entityId, link }) => {
      const [feed, id, pointer] = splitMentionKey(key);
      const p = persons.get(key);
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
         FROM ${JSON_RECORDS('$1', 'u', `feed text, id text, pointer text, ${PERSON_COLUMNS}, entity_type text, entity_id uuid, link jsonb`)}`,
      [jsonRecords(json)],
    );
  },
};

/**
 * The mention columns that carry a person mention's match features, as written: rows go to
 * PostgreSQL as one JSON document taken apart by JSON_RECORDS (PERSON_COLUMNS), which spares
 * escaping every feature document into an array literal.
 */
const personColumns = ({ features, observedAt }: PersonMention) => {
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

/** The types of personColumns' columns in a JSON row. */
const PERSON_COLUMNS = `block text, anchor_block text, id_key text, household text, family_of text,
  features jsonb, observed timestamptz, places uuid[]`;
