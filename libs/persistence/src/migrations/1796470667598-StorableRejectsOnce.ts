import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rejects are always storable, and stored once while open (issue 38).
 *
 * `message_key` becomes text: a Kafka key longer than 256 characters failed the reject's insert,
 * which failed its whole batch, redelivered for ever (the partition stalled). The key is kept
 * whole rather than as a prefix and a hash: operators read it and a replay passes it on, no
 * index holds it, and varchar to text changes only the catalogue (no table rewrite).
 *
 * `content_hash` (SHA-256 of `raw`) with a unique index on open rejects by (feed, content_hash):
 * the same bad record pushed again over HTTP (which has no coordinates to tell a repeat by), or
 * the demo data set loaded at each start, is not stored again while the first waits for an
 * operator. Not by reason: a replay rewrites an open reject's reason in place. Rejects already
 * kept are not deleted: copies of an earlier open reject of the same feed and bytes keep a null
 * hash (outside the index) and stay listed as before.
 *
 * `reason` has no CHECK constraint or enum to extend for the new `internal_error` (varchar(32)).
 */
export class StorableRejectsOnce1796470667598 implements MigrationInterface {
  name = 'StorableRejectsOnce1796470667598';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reject" ALTER COLUMN "message_key" TYPE text`);
    await queryRunner.query(`ALTER TABLE "reject" ADD "content_hash" bytea`);
    await queryRunner.query(`UPDATE "reject" SET "content_hash" = sha256("raw")`);
    await queryRunner.query(
      `UPDATE "reject" SET "content_hash" = NULL WHERE "id" IN (
         SELECT "id" FROM (
           SELECT "id", row_number() OVER (PARTITION BY "feed", "content_hash" ORDER BY "id") AS nth
             FROM "reject" WHERE "status" = 'open' AND "feed" IS NOT NULL
         ) copies WHERE nth > 1)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_reject_open_content" ON "reject" ("feed", "content_hash") WHERE status = 'open'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_reject_open_content"`);
    await queryRunner.query(`ALTER TABLE "reject" DROP COLUMN "content_hash"`);
    // Longer keys are cut to what the column held before.
    await queryRunner.query(
      `ALTER TABLE "reject" ALTER COLUMN "message_key" TYPE character varying(256) USING left("message_key", 256)`,
    );
  }
}
