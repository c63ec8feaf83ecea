import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook subscriptions belong to the subscriber client that registered them (`client_id`, gone
 * with the client), and `secret` now holds the signing secret sealed by HubSecrets (AES-256-GCM),
 * no longer in plain text.
 *
 * Existing subscriptions are deleted: they were created before access control, so they have no
 * owner to belong to (and no jurisdiction to scope their events by), and their secrets were
 * chosen by the caller and stored in plain text. Their subscribers register again as clients.
 * `down` deletes the subscriptions as well: their sealed secrets are no HMAC keys for the code
 * before this migration.
 */
export class WebhookOwnership1796436683265 implements MigrationInterface {
  name = 'WebhookOwnership1796436683265';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "webhook_subscription"`);
    await queryRunner.query(`ALTER TABLE "webhook_subscription" ADD "client_id" uuid NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "IDX_0124637be067eec9fa4197bbd6" ON "webhook_subscription" ("client_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_subscription" ADD CONSTRAINT "FK_0124637be067eec9fa4197bbd66" FOREIGN KEY ("client_id") REFERENCES "api_client"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "webhook_subscription"`);
    await queryRunner.query(
      `ALTER TABLE "webhook_subscription" DROP CONSTRAINT "FK_0124637be067eec9fa4197bbd66"`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_0124637be067eec9fa4197bbd6"`);
    await queryRunner.query(`ALTER TABLE "webhook_subscription" DROP COLUMN "client_id"`);
  }
}
