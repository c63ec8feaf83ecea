import { MigrationInterface, QueryRunner } from 'typeorm';

export class FeedIngest1795867990717 implements MigrationInterface {
  name = 'FeedIngest1795867990717';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_b160695e3fc28e99e864ead166"`);
    await queryRunner.query(
      `CREATE TABLE "feed_record_head" ("feed" character varying(32) NOT NULL, "source_record_id" character varying(128) NOT NULL, "version_key" character varying(64) NOT NULL, "current_id" bigint NOT NULL, "cancelled" boolean NOT NULL, CONSTRAINT "PK_4863ff02df0ac5dcf1a103fa5c6" PRIMARY KEY ("feed", "source_record_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "mention" ("feed" character varying(32) NOT NULL, "source_record_id" character varying(128) NOT NULL, "pointer" text NOT NULL, "entity_type" character varying(16) NOT NULL, "entity_id" uuid NOT NULL, CONSTRAINT "PK_9c06f1d6548434cd868ad304ad3" PRIMARY KEY ("feed", "source_record_id", "pointer"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_44915ba1af95daa14b91ff9d8b" ON "mention" ("entity_type", "entity_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "reject" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "feed" character varying(32), "reason" character varying(32) NOT NULL, "detail" jsonb NOT NULL, "raw" bytea NOT NULL, "message_key" character varying(256), "topic" character varying(249), "partition" integer, "offset" bigint, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "status" character varying(16) NOT NULL DEFAULT 'open', "replayed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_6c8c3f53fe0f48bc8e2febe1a00" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_dd12a1951eda4e62a50a8956b1" ON "reject" ("feed", "reason", "status") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_e3e916205dfe9e640a8accbc9d" ON "reject" ("topic", "partition", "offset") `,
    );
    await queryRunner.query(
      `ALTER TABLE "source_record" ADD "version_key" character varying(64) NOT NULL DEFAULT ''`,
    );
    await queryRunner.query(
      `ALTER TABLE "source_record" ADD "superseded_at" TIMESTAMP WITH TIME ZONE`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_b160695e3fc28e99e864ead166" ON "organization" ("uscc") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_b160695e3fc28e99e864ead166"`);
    await queryRunner.query(`ALTER TABLE "source_record" DROP COLUMN "superseded_at"`);
    await queryRunner.query(`ALTER TABLE "source_record" DROP COLUMN "version_key"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e3e916205dfe9e640a8accbc9d"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_dd12a1951eda4e62a50a8956b1"`);
    await queryRunner.query(`DROP TABLE "reject"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_44915ba1af95daa14b91ff9d8b"`);
    await queryRunner.query(`DROP TABLE "mention"`);
    await queryRunner.query(`DROP TABLE "feed_record_head"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_b160695e3fc28e99e864ead166" ON "organization" ("uscc") `,
    );
  }
}
