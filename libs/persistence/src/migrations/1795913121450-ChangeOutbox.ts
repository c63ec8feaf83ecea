import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The change-event outbox, each entity's change counter (the events' per-entity sequence) and
 * the relay's cursor.
 */

export class ChangeOutbox1795913121450 implements MigrationInterface {
  name = 'ChangeOutbox1795913121450';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "change_relay_cursor" ("name" character varying(249) NOT NULL, "position" bigint NOT NULL DEFAULT '0', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b55abb049bd34ec0b6a625dda81" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "change_event" ("position" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "event_id" uuid NOT NULL DEFAULT gen_random_uuid(), "type" character varying(96) NOT NULL, "entity_type" character varying(16) NOT NULL, "entity_id" uuid NOT NULL, "entity_seq" bigint NOT NULL, "division_code" character varying(12), "time" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "data" jsonb NOT NULL, CONSTRAINT "UQ_462af6f0d1b09c1518b3ce1fd6d" UNIQUE ("event_id"), CONSTRAINT "PK_bc3c5defb967f3f8d17ac534877" PRIMARY KEY ("position"))`,
    );
    await queryRunner.query(`ALTER TABLE "event" ADD "change_seq" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "object" ADD "change_seq" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(
      `ALTER TABLE "organization" ADD "change_seq" bigint NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(`ALTER TABLE "person" ADD "change_seq" bigint NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "place" ADD "change_seq" bigint NOT NULL DEFAULT '0'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "place" DROP COLUMN "change_seq"`);
    await queryRunner.query(`ALTER TABLE "person" DROP COLUMN "change_seq"`);
    await queryRunner.query(`ALTER TABLE "organization" DROP COLUMN "change_seq"`);
    await queryRunner.query(`ALTER TABLE "object" DROP COLUMN "change_seq"`);
    await queryRunner.query(`ALTER TABLE "event" DROP COLUMN "change_seq"`);
    await queryRunner.query(`DROP TABLE "change_relay_cursor"`);
    await queryRunner.query(`DROP TABLE "change_event"`);
  }
}
