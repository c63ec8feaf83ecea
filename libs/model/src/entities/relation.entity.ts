import { ViewColumn, ViewEntity } from 'typeorm';
import type { EntityType } from '../entity-type';

/**
 * The SQL of the `relation` view: one row per relation a stored version asserted, between the
 * entities its mentions resolve to (or a division-level place, by code). A division code the
 * catalogue does not know yields no row; the value stays flagged among the record's facts.
 * The migration that created the view (FactsOnSourceRecord) holds a frozen copy of this text:
 * a change here needs a migration of its own.
 */
export const RELATION_VIEW_SQL = `
  SELECT r.rel->>'type' AS relation_type, fm.entity_type AS from_type, fm.entity_id AS from_id,
         coalesce(tm.entity_type, 'place') AS to_type, coalesce(tm.entity_id, p.id) AS to_id,
         coalesce(r.rel->'attributes', '{}'::jsonb) AS attributes, s.id AS source_record_id,
         coalesce(s.observed_at, s.received_at) AS valid_from, s.superseded_at AS valid_to, r.position
    FROM source_record s
   CROSS JOIN LATERAL jsonb_array_elements(s.relations) WITH ORDINALITY AS r(rel, position)
    JOIN mention fm
      ON fm.feed = s.feed AND fm.source_record_id = s.source_record_id AND fm.pointer = r.rel->>'from'
    LEFT JOIN mention tm
      ON tm.feed = s.feed AND tm.source_record_id = s.source_record_id AND tm.pointer = r.rel->>'to'
    LEFT JOIN place p ON p.code = r.rel->>'toPlace'
   WHERE coalesce(tm.entity_id, p.id) IS NOT NULL`;

/**
 * A typed relation between two entities: person lives_at place, person member_of household,
 * person represents organization, event involves person, object located_at place, ...
 * Read-only: relations are stored on the source record that asserts them
 * (`source_record.relations`, between mention pointers), so they end with that version and
 * follow a mention when entity resolution moves it to another entity.
 */
@ViewEntity({ name: 'relation', expression: RELATION_VIEW_SQL, synchronize: false })
export class Relation {
  @ViewColumn()
  relationType!: string;

  @ViewColumn()
  fromType!: EntityType;

  @ViewColumn()
  fromId!: string;

  @ViewColumn()
  toType!: EntityType;

  @ViewColumn()
  toId!: string;

  /** Qualifiers of the relation, e.g. the relation-to-head code of a household membership. */
  @ViewColumn()
  attributes!: Record<string, unknown>;

  @ViewColumn()
  sourceRecordId!: string;

  @ViewColumn()
  validFrom!: Date;

  /** Set when the source record was cancelled or superseded. */
  @ViewColumn()
  validTo!: Date | null;

  /** 1-based place of the relation among its source record's relations. */
  @ViewColumn()
  position!: string;
}
