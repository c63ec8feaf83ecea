import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Is this person waiting for review?": every form and person read asks it, as open tasks whose
 * mention sits on the person or that name the person as a candidate. Without these indexes each
 * question scanned every open task (a few per thousand mentions: thousands in a district). The
 * GIN index (jsonb_path_ops, which serves @>) is written by hand, as TypeORM declares no GIN
 * index; both are partial on open tasks, the only ones asked about, and marked synchronize: false
 * on the entity.
 */
export class OpenReviewTasksByPerson1796446168970 implements MigrationInterface {
  name = 'OpenReviewTasksByPerson1796446168970';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "IDX_review_task_open_entity" ON "review_task" ("entity_id") WHERE status = 'open'`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_review_task_open_candidates" ON "review_task" USING gin ("candidates" jsonb_path_ops) WHERE status = 'open'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_review_task_open_candidates"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_review_task_open_entity"`);
  }
}
