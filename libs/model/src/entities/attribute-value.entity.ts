import { ViewColumn, ViewEntity } from 'typeorm';
import type { EntityType } from '../entity-type';

/**
 * The SQL of the `attribute_value` view: one row per value a stored version contributed, with
 * its entity (through the version's mention of the subject at that pointer) and provenance.
 * Each stored value is a [pointer, attribute, value, valid] array (see SourceFact). The
 * migration that last replaced the view (FactTuples) holds a frozen copy of this text: a change
 * here needs a migration of its own.
 */
export const ATTRIBUTE_VALUE_VIEW_SQL = `
  SELECT m.entity_type, m.entity_id, f.fact->>1 AS attribute, f.fact->2 AS value,
         (f.fact->>3)::boolean AS valid, s.id AS source_record_id, f.fact->>0 AS pointer,
         s.observed_at, s.superseded_at AS ended_at, f.position
    FROM source_record s
   CROSS JOIN LATERAL jsonb_array_elements(s.facts) WITH ORDINALITY AS f(fact, position)
    JOIN mention m
      ON m.feed = s.feed AND m.source_record_id = s.source_record_id AND m.pointer = f.fact->>0`;

/**
 * One candidate value of one attribute of one entity, with its provenance: the source record it
 * came from and the JSON Pointer (RFC 6901) of the object inside that record. Read-only: the
 * values are stored on their source record (`source_record.facts`). When entity resolution moves
 * a mention to another entity, its values follow without being rewritten.
 */
@ViewEntity({ name: 'attribute_value', expression: ATTRIBUTE_VALUE_VIEW_SQL, synchronize: false })
export class AttributeValue {
  @ViewColumn()
  entityType!: EntityType;

  @ViewColumn()
  entityId!: string;

  @ViewColumn()
  attribute!: string;

  @ViewColumn()
  value!: unknown;

  /** False when the value failed its check (e.g. an ID number with a wrong check character). */
  @ViewColumn()
  valid!: boolean;

  @ViewColumn()
  sourceRecordId!: string;

  /** JSON Pointer of the object inside the source record; "" for the whole record. */
  @ViewColumn()
  pointer!: string;

  @ViewColumn()
  observedAt!: Date;

  /** Set when the source record was cancelled or superseded: the value is history. */
  @ViewColumn()
  endedAt!: Date | null;

  /** 1-based place of the value among its source record's values (mapping order). */
  @ViewColumn()
  position!: string;
}
