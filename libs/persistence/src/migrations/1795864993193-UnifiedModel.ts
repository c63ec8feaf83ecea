import { MigrationInterface, QueryRunner } from 'typeorm';

export class UnifiedModel1795864993193 implements MigrationInterface {
  name = 'UnifiedModel1795864993193';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "source_record" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "feed" character varying(32) NOT NULL, "source_record_id" character varying(128) NOT NULL, "version" character varying(64) NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "payload" jsonb NOT NULL, "status" character varying(16) NOT NULL, "topic" character varying(249), "partition" integer, "offset" bigint, CONSTRAINT "PK_23f4fc80099215aaafd658cb88b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_e959e2a85412c7379c7e5d21fd" ON "source_record" ("feed", "source_record_id", "version") `,
    );
    await queryRunner.query(
      `CREATE TABLE "attribute_value" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "entity_type" character varying(16) NOT NULL, "entity_id" uuid NOT NULL, "attribute" character varying(64) NOT NULL, "value" jsonb NOT NULL, "valid" boolean NOT NULL DEFAULT true, "source_record_id" bigint NOT NULL, "pointer" text NOT NULL, "observed_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_dff76d9cc1db2684732acdb9ca7" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_64c9e23d04d726939cb12ebd06" ON "attribute_value" ("source_record_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_a346aa82dcabf54b1e2e36734f" ON "attribute_value" ("entity_type", "entity_id", "attribute") `,
    );
    await queryRunner.query(
      `CREATE TABLE "event" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "event_type" character varying(64) NOT NULL, "status" character varying(32), "occurred_at" TIMESTAMP WITH TIME ZONE, "division_code" character varying(12), CONSTRAINT "PK_30c2f3bbaf6d34a55f8ae6e4614" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_a2d9eb86b2df80b6f18aafaf8c" ON "event" ("division_code") `,
    );
    await queryRunner.query(
      `CREATE TABLE "object" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "object_type" character varying(64) NOT NULL, "name" character varying(256), CONSTRAINT "PK_663a4b1f68bb085286e638a38f3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "organization" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "uscc" character varying(18), "name" character varying(256) NOT NULL, "org_type" character varying(64), "division_code" character varying(12), CONSTRAINT "PK_472c1f99a32def1b0abb219cd67" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_b160695e3fc28e99e864ead166" ON "organization" ("uscc") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_bdf98017e9bce0b723c95063cc" ON "organization" ("division_code") `,
    );
    await queryRunner.query(
      `CREATE TABLE "person" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" character varying(64), "id_number" character varying(18), "gender" character varying(1), "birth_date" character varying(10), "status" character varying(16) NOT NULL DEFAULT 'normal', CONSTRAINT "PK_5fdaf670315c4b7e70cce85daa3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_73cff2575bbb056e9773c43e4c" ON "person" ("id_number") `,
    );
    await queryRunner.query(
      `CREATE TABLE "place" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "level" character varying(16) NOT NULL, "code" character varying(16), "name" character varying(256) NOT NULL, "parent_id" uuid, CONSTRAINT "PK_96ab91d43aa89c5de1b59ee7cca" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "IDX_65b07d0905a0f43e4befd9b20b" ON "place" ("code") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_e8f42244c2d9143a42b13bd1d0" ON "place" ("parent_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "relation" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "relation_type" character varying(64) NOT NULL, "from_type" character varying(16) NOT NULL, "from_id" uuid NOT NULL, "to_type" character varying(16) NOT NULL, "to_id" uuid NOT NULL, "attributes" jsonb NOT NULL DEFAULT '{}'::jsonb, "source_record_id" bigint, "valid_from" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "valid_to" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_f241e9a7450751f8703be09c9e9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_23387dc7b07a05226b23b33a7b" ON "relation" ("source_record_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_55c521140802200ee379667ad4" ON "relation" ("to_type", "to_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_8816dd2239e741b6597dc2c8e4" ON "relation" ("from_type", "from_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "attribute_value" ADD CONSTRAINT "FK_64c9e23d04d726939cb12ebd067" FOREIGN KEY ("source_record_id") REFERENCES "source_record"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "place" ADD CONSTRAINT "FK_e8f42244c2d9143a42b13bd1d0c" FOREIGN KEY ("parent_id") REFERENCES "place"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "relation" ADD CONSTRAINT "FK_23387dc7b07a05226b23b33a7b3" FOREIGN KEY ("source_record_id") REFERENCES "source_record"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "relation" DROP CONSTRAINT "FK_23387dc7b07a05226b23b33a7b3"`,
    );
    await queryRunner.query(`ALTER TABLE "place" DROP CONSTRAINT "FK_e8f42244c2d9143a42b13bd1d0c"`);
    await queryRunner.query(
      `ALTER TABLE "attribute_value" DROP CONSTRAINT "FK_64c9e23d04d726939cb12ebd067"`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_8816dd2239e741b6597dc2c8e4"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_55c521140802200ee379667ad4"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_23387dc7b07a05226b23b33a7b"`);
    await queryRunner.query(`DROP TABLE "relation"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e8f42244c2d9143a42b13bd1d0"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_65b07d0905a0f43e4befd9b20b"`);
    await queryRunner.query(`DROP TABLE "place"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_73cff2575bbb056e9773c43e4c"`);
    await queryRunner.query(`DROP TABLE "person"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_bdf98017e9bce0b723c95063cc"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_b160695e3fc28e99e864ead166"`);
    await queryRunner.query(`DROP TABLE "organization"`);
    await queryRunner.query(`DROP TABLE "object"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_a2d9eb86b2df80b6f18aafaf8c"`);
    await queryRunner.query(`DROP TABLE "event"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_a346aa82dcabf54b1e2e36734f"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_64c9e23d04d726939cb12ebd06"`);
    await queryRunner.query(`DROP TABLE "attribute_value"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e959e2a85412c7379c7e5d21fd"`);
    await queryRunner.query(`DROP TABLE "source_record"`);
  }
}
