import { MigrationInterface, QueryRunner } from 'typeorm';

// Both views as this migration created them, frozen here: the live ones in @hub/model change
// only through later migrations, never by rewriting what this one ran.

/**
 * The `attribute_value` view over facts stored as objects ({pointer, attribute, value, valid});
 * FactTuples stores them as arrays and replaces the view.
 */
const OBJECT_FACTS_VIEW_SQL = `
  SELECT m.entity_type, m.entity_id, f.fact->>'attribute' AS attribute, f.fact->'value' AS value,
         (f.fact->>'valid')::boolean AS valid, s.id AS source_record_id, f.fact->>'pointer' AS pointer,
         s.observed_at, s.superseded_at AS ended_at, f.position
    FROM source_record s
   CROSS JOIN LATERAL jsonb_array_elements(s.facts) WITH ORDINALITY AS f(fact, position)
    JOIN mention m
      ON m.feed = s.feed AND m.source_record_id = s.source_record_id AND m.pointer = f.fact->>'pointer'`;

/** The `relation` view: relations stored on their source record, between mention pointers. */
const RELATION_VIEW_SQL = `
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
 * Values and relations move from one row each onto their source record (`facts`, `relations`),
 * and `attribute_value` and `relation` become views over them: storing a version is one row
 * instead of about fifteen, and ending a version's facts no longer rewrites them. Relations
 * point at mentions, so they follow a mention that entity resolution moves. Existing rows are
 * kept; a relation with no source record cannot be expressed and stops the migration.
 */
export class FactsOnSourceRecord1795910481968 implements MigrationInterface {
  name = 'FactsOnSourceRecord1795910481968';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "source_record" ADD "observed_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(`ALTER TABLE "source_record" ADD "facts" jsonb`);
    await queryRunner.query(
      `UPDATE source_record s SET observed_at = v.observed_at, facts = v.facts
         FROM (SELECT source_record_id, max(observed_at) AS observed_at,
                      jsonb_agg(jsonb_build_object('pointer', pointer, 'attribute', attribute,
                                                   'value', value, 'valid', valid) ORDER BY id) AS facts
                 FROM attribute_value GROUP BY source_record_id) v
        WHERE s.id = v.source_record_id`,
    );
    await queryRunner.query(`DROP TABLE "attribute_value"`);
    await queryRunner.query(`CREATE VIEW "attribute_value" AS ${OBJECT_FACTS_VIEW_SQL}`);

    await queryRunner.query(`ALTER TABLE "source_record" ADD "relations" jsonb`);
    const [{ orphans }] = (await queryRunner.query(
      `SELECT count(*)::int AS orphans FROM relation WHERE source_record_id IS NULL`,
    )) as { orphans: number }[];
    if (orphans > 0)
      throw new Error(`${orphans} relations have no source record; move them to one first`);
    await queryRunner.query(
      `UPDATE source_record s SET relations = x.relations
         FROM (SELECT r.source_record_id,
                      jsonb_agg(jsonb_build_object('type', r.relation_type, 'from', fm.pointer, 'to', tm.pointer,
                                                   'toPlace', p.code, 'attributes', r.attributes)
                                ORDER BY r.valid_from, r.id) AS relations
                 FROM relation r
                 JOIN source_record s2 ON s2.id = r.source_record_id
                 JOIN mention fm ON fm.feed = s2.feed AND fm.source_record_id = s2.source_record_id AND fm.entity_id = r.from_id
                 LEFT JOIN mention tm ON tm.feed = s2.feed AND tm.source_record_id = s2.source_record_id AND tm.entity_id = r.to_id
                 LEFT JOIN place p ON r.to_type = 'place' AND p.id = r.to_id
                GROUP BY r.source_record_id) x
        WHERE s.id = x.source_record_id`,
    );
    await queryRunner.query(`DROP TABLE "relation"`);
    await queryRunner.query(`CREATE VIEW "relation" AS ${RELATION_VIEW_SQL}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "relation_table" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "relation_type" character varying(64) NOT NULL, "from_type" character varying(16) NOT NULL, "from_id" uuid NOT NULL, "to_type" character varying(16) NOT NULL, "to_id" uuid NOT NULL, "attributes" jsonb NOT NULL DEFAULT '{}'::jsonb, "source_record_id" bigint, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "valid_to" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f241e9a7450751f8703be09c9e9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `INSERT INTO relation_table (relation_type, from_type, from_id, to_type, to_id, attributes, source_record_id, valid_from, valid_to)
       SELECT relation_type, from_type, from_id, to_type, to_id, attributes, source_record_id, valid_from, valid_to
         FROM relation ORDER BY source_record_id, position`,
    );
    await queryRunner.query(`DROP VIEW "relation"`);
    await queryRunner.query(`ALTER TABLE "relation_table" RENAME TO "relation"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_23387dc7b07a05226b23b33a7b" ON "relation" ("source_record_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_55c521140802200ee379667ad4" ON "relation" ("to_type", "to_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_8816dd2239e741b6597dc2c8e4" ON "relation" ("from_type", "from_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "relation" ADD CONSTRAINT "FK_23387dc7b07a05226b23b33a7b3" FOREIGN KEY ("source_record_id") REFERENCES "source_record"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "source_record" DROP COLUMN "relations"`);

    await queryRunner.query(
      `CREATE TABLE "attribute_value_table" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "entity_type" character varying(16) NOT NULL, "entity_id" uuid NOT NULL, "attribute" character varying(64) NOT NULL, "value" jsonb NOT NULL, "valid" boolean NOT NULL DEFAULT true, "source_record_id" bigint NOT NULL, "pointer" text NOT NULL, "observed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_dff76d9cc1db2684732acdb9ca7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `INSERT INTO attribute_value_table (entity_type, entity_id, attribute, value, valid, source_record_id, pointer, observed_at, ended_at)
       SELECT entity_type, entity_id, attribute, value, valid, source_record_id, pointer, coalesce(observed_at, now()), ended_at
         FROM attribute_value ORDER BY source_record_id`,
    );
    await queryRunner.query(`DROP VIEW "attribute_value"`);
    await queryRunner.query(`ALTER TABLE "attribute_value_table" RENAME TO "attribute_value"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_64c9e23d04d726939cb12ebd06" ON "attribute_value" ("source_record_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_a346aa82dcabf54b1e2e36734f" ON "attribute_value" ("entity_type", "entity_id", "attribute") `,
    );
    await queryRunner.query(
      `ALTER TABLE "attribute_value" ADD CONSTRAINT "FK_64c9e23d04d726939cb12ebd067" FOREIGN KEY ("source_record_id") REFERENCES "source_record"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "source_record" DROP COLUMN "facts"`);
    await queryRunner.query(`ALTER TABLE "source_record" DROP COLUMN "observed_at"`);
  }
}
