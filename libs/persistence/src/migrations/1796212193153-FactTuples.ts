import { MigrationInterface, QueryRunner } from 'typeorm';

// The `attribute_value` view as this migration created it and as its down restores it, frozen
// here: the live one in @hub/model changes only through later migrations.

/** Over facts stored as [pointer, attribute, value, valid] arrays. */
const TUPLE_FACTS_VIEW_SQL = `
  SELECT m.entity_type, m.entity_id, f.fact->>1 AS attribute, f.fact->2 AS value,
         (f.fact->>3)::boolean AS valid, s.id AS source_record_id, f.fact->>0 AS pointer,
         s.observed_at, s.superseded_at AS ended_at, f.position
    FROM source_record s
   CROSS JOIN LATERAL jsonb_array_elements(s.facts) WITH ORDINALITY AS f(fact, position)
    JOIN mention m
      ON m.feed = s.feed AND m.source_record_id = s.source_record_id AND m.pointer = f.fact->>0`;

/** Over facts stored as objects, as FactsOnSourceRecord created it. */
const OBJECT_FACTS_VIEW_SQL = `
  SELECT m.entity_type, m.entity_id, f.fact->>'attribute' AS attribute, f.fact->'value' AS value,
         (f.fact->>'valid')::boolean AS valid, s.id AS source_record_id, f.fact->>'pointer' AS pointer,
         s.observed_at, s.superseded_at AS ended_at, f.position
    FROM source_record s
   CROSS JOIN LATERAL jsonb_array_elements(s.facts) WITH ORDINALITY AS f(fact, position)
    JOIN mention m
      ON m.feed = s.feed AND m.source_record_id = s.source_record_id AND m.pointer = f.fact->>'pointer'`;

/**
 * A version's facts are stored as [pointer, attribute, value, valid] arrays instead of objects
 * with those four keys (see SourceFact): 40 % less JSON per record to send, parse and store.
 * Rewrites every stored version that has facts, in order, and replaces the `attribute_value`
 * view to read the arrays; its columns stay as they were.
 */
export class FactTuples1796212193153 implements MigrationInterface {
  name = 'FactTuples1796212193153';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE source_record
          SET facts = (SELECT coalesce(jsonb_agg(jsonb_build_array(f->'pointer', f->'attribute', f->'value', f->'valid')
                                                 ORDER BY n), '[]')
                         FROM jsonb_array_elements(facts) WITH ORDINALITY x(f, n))
        WHERE facts IS NOT NULL`,
    );
    await queryRunner.query(`CREATE OR REPLACE VIEW "attribute_value" AS ${TUPLE_FACTS_VIEW_SQL}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE source_record
          SET facts = (SELECT coalesce(jsonb_agg(jsonb_build_object('pointer', f->0, 'attribute', f->1,
                                                                    'value', f->2, 'valid', f->3)
                                                 ORDER BY n), '[]')
                         FROM jsonb_array_elements(facts) WITH ORDINALITY x(f, n))
        WHERE facts IS NOT NULL`,
    );
    await queryRunner.query(`CREATE OR REPLACE VIEW "attribute_value" AS ${OBJECT_FACTS_VIEW_SQL}`);
  }
}
