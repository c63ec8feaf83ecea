import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How far the change-event outbox was deleted by retention (issue 38): one row, the last
 * position deleted. The change feed answers 410 to a cursor below it (events after the cursor
 * are gone), which the outbox alone cannot tell: positions are an identity, so a rolled-back
 * transaction leaves a gap below the first event as well. Only the relay writes it, in the
 * statement that deletes (ChangeLogRepository.deletePublished); no entity maps it.
 */
export class ChangeRetention1796480000000 implements MigrationInterface {
  name = 'ChangeRetention1796480000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "change_retention" ("id" boolean NOT NULL DEFAULT true, "deleted_through" bigint NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "CHK_change_retention_one_row" CHECK ("id"), CONSTRAINT "PK_change_retention" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`INSERT INTO "change_retention" DEFAULT VALUES`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "change_retention"`);
  }
}
