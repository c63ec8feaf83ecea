import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replaying every open reject runs as a background job with its progress in a row (issue 38):
 * it outlives the request that asked for it, and any API replica can tell where it is.
 */
export class RejectReplayJobs1796473000000 implements MigrationInterface {
  name = 'RejectReplayJobs1796473000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "reject_replay_job" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "feed" character varying(32), "reason" character varying(32), "status" character varying(16) NOT NULL DEFAULT 'running', "replayed" integer NOT NULL DEFAULT '0', "still_rejected" integer NOT NULL DEFAULT '0', "last_reject_id" bigint, "error" text, "requested_by" character varying(128) NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_e9156d714346b76bba9c467426e" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "reject_replay_job"`);
  }
}
