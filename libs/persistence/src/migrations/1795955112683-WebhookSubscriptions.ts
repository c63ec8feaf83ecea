import { MigrationInterface, QueryRunner } from 'typeorm';

/** Webhook subscriptions to change events (see WebhookSubscription). */

export class WebhookSubscriptions1795955112683 implements MigrationInterface {
  name = 'WebhookSubscriptions1795955112683';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_subscription" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "url" text NOT NULL, "secret" text NOT NULL, "types" text array, "division" character varying(12), "position" bigint NOT NULL DEFAULT '0', "status" character varying(8) NOT NULL DEFAULT 'active', "failures" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b52cb4811c5ada4f42896c37ba8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_b7ffb950d5e2d2145ac110686e" ON "webhook_subscription" ("status", "next_attempt_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_b7ffb950d5e2d2145ac110686e"`);
    await queryRunner.query(`DROP TABLE "webhook_subscription"`);
  }
}
