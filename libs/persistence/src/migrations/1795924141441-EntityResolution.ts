import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Person resolution: each mention's blocks, ID key, household, family context, match features
 * and link evidence; golden phone, conflict flags and merge tombstones on person; review tasks
 * and operators' decisions. Mentions stored before this migration have no features and stay on
 * the entities they have.
 */

export class EntityResolution1795924141441 implements MigrationInterface {
  name = 'EntityResolution1795924141441';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "resolution_decision" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "verdict" character varying(9) NOT NULL, "feed_a" character varying(32) NOT NULL, "source_record_id_a" character varying(128) NOT NULL, "pointer_a" text NOT NULL, "feed_b" character varying(32) NOT NULL, "source_record_id_b" character varying(128) NOT NULL, "pointer_b" text NOT NULL, "origin" jsonb NOT NULL, "decided_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6528d3f5899e589ebf086dd7229" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_487e47ba09858294acacfce989" ON "resolution_decision" ("feed_b", "source_record_id_b", "pointer_b") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_9338f5e4e01ea71c6726f79276" ON "resolution_decision" ("feed_a", "source_record_id_a", "pointer_a") `,
    );
    await queryRunner.query(
      `CREATE TABLE "review_task" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "feed" character varying(32) NOT NULL, "source_record_id" character varying(128) NOT NULL, "pointer" text NOT NULL, "entity_id" uuid NOT NULL, "candidates" jsonb NOT NULL, "status" character varying(8) NOT NULL DEFAULT 'open', "decision" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "decided_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_417cdf7a6b912e03d40c5f03518" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_5f3caf66c8a282f033143cee3c" ON "review_task" ("status") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_6d16973c46dea3aa7047388052" ON "review_task" ("feed", "source_record_id", "pointer") WHERE status = 'open'`,
    );
    await queryRunner.query(`ALTER TABLE "mention" ADD "block" text`);
    await queryRunner.query(`ALTER TABLE "mention" ADD "anchor_block" text`);
    await queryRunner.query(`ALTER TABLE "mention" ADD "id_key" character varying(18)`);
    await queryRunner.query(`ALTER TABLE "mention" ADD "family_of" character varying(18)`);
    await queryRunner.query(`ALTER TABLE "mention" ADD "household" character varying(32)`);
    await queryRunner.query(`ALTER TABLE "mention" ADD "features" jsonb`);
    await queryRunner.query(`ALTER TABLE "mention" ADD "observed_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "mention" ADD "active" boolean NOT NULL DEFAULT true`);
    await queryRunner.query(`ALTER TABLE "mention" ADD "link" jsonb`);
    await queryRunner.query(`ALTER TABLE "person" ADD "phone" character varying(11)`);
    await queryRunner.query(`ALTER TABLE "person" ADD "flags" jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`ALTER TABLE "person" ADD "merged_into" uuid`);
    await queryRunner.query(
      `CREATE INDEX "IDX_89bea603c8b07ad7858c7b35e8" ON "mention" ("block") WHERE block IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_3b529169170b7f46eb80c0d407" ON "mention" ("anchor_block") WHERE anchor_block IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_fcd35ef89476c320127d5c4da0" ON "mention" ("id_key") WHERE id_key IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_4fd840fa700f86e2e3ede28b7c" ON "mention" ("family_of") WHERE family_of IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_208fb63256f39f0780ebee3e85" ON "mention" ("household") WHERE household IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_27c811883af9f3fefe79892f02" ON "person" ("name") `);
    await queryRunner.query(`CREATE INDEX "IDX_ed9d5dea665e5d266ed2c592de" ON "person" ("phone") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_ed9d5dea665e5d266ed2c592de"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_27c811883af9f3fefe79892f02"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_208fb63256f39f0780ebee3e85"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_4fd840fa700f86e2e3ede28b7c"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_fcd35ef89476c320127d5c4da0"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_3b529169170b7f46eb80c0d407"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_89bea603c8b07ad7858c7b35e8"`);
    await queryRunner.query(`ALTER TABLE "person" DROP COLUMN "merged_into"`);
    await queryRunner.query(`ALTER TABLE "person" DROP COLUMN "flags"`);
    await queryRunner.query(`ALTER TABLE "person" DROP COLUMN "phone"`);
    await queryRunner.query(`ALTER TABLE "mention" DROP COLUMN "link"`);
    await queryRunner.query(`ALTER TABLE "mention" DROP COLUMN "active"`);
    await queryRunner.query(`ALTER TABLE "mention" DROP COLUMN "observed_at"`);
    await queryRunner.query(`ALTER TABLE "mention" DROP COLUMN "features"`);
    await queryRunner.query(`ALTER TABLE "mention" DROP COLUMN "household"`);
    await queryRunner.query(`ALTER TABLE "mention" DROP COLUMN "family_of"`);
    await queryRunner.query(`ALTER TABLE "mention" DROP COLUMN "id_key"`);
    await queryRunner.query(`ALTER TABLE "mention" DROP COLUMN "anchor_block"`);
    await queryRunner.query(`ALTER TABLE "mention" DROP COLUMN "block"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_6d16973c46dea3aa7047388052"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_5f3caf66c8a282f033143cee3c"`);
    await queryRunner.query(`DROP TABLE "review_task"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_9338f5e4e01ea71c6726f79276"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_487e47ba09858294acacfce989"`);
    await queryRunner.query(`DROP TABLE "resolution_decision"`);
  }
}
