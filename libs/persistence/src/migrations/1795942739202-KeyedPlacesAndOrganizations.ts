import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Standard-address places (their keying division and parsed parts) and organizations known
 * only by a code (no name yet). Both are resolved by key; see libs/resolution/keyed-entities.
 */

export class KeyedPlacesAndOrganizations1795942739202 implements MigrationInterface {
  name = 'KeyedPlacesAndOrganizations1795942739202';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "place" ADD "division_code" character varying(12)`);
    await queryRunner.query(`ALTER TABLE "place" ADD "address" jsonb`);
    await queryRunner.query(`ALTER TABLE "organization" ALTER COLUMN "name" DROP NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "IDX_914c66d4fb0d922f49f8226b52" ON "place" ("division_code") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_914c66d4fb0d922f49f8226b52"`);
    await queryRunner.query(`ALTER TABLE "organization" ALTER COLUMN "name" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "place" DROP COLUMN "address"`);
    await queryRunner.query(`ALTER TABLE "place" DROP COLUMN "division_code"`);
  }
}
