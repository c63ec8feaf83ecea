import { MigrationInterface, QueryRunner } from 'typeorm';
import { ATTRIBUTE_VALUE_VIEW_SQL } from '@hub/model';

/**
 * Values move from one `attribute_value` row each onto their source record (`facts`), and
 * `attribute_value` becomes a view over them: storing a version is one row instead of about
 * ten, and ending a version's facts no longer rewrites its values. Existing values are kept.
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
    await queryRunner.query(`CREATE VIEW "attribute_value" AS ${ATTRIBUTE_VALUE_VIEW_SQL}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
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
