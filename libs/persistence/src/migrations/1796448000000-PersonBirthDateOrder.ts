import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The 80+ roster and its report read a division's persons born by a date, oldest first, a keyset
 * page at a time. Without an index each page sorted the whole person table (a few hundred pages
 * for a district). This one is in the pages' order (birth_date, id) and holds the division code,
 * so a page walks the age group's entries from its cursor and skips other divisions without
 * reading their rows. Partial on unmerged persons, the only ones read. Written by hand: TypeORM
 * declares no INCLUDE or partial index with included columns (the entity marks it
 * synchronize: false).
 */
export class PersonBirthDateOrder1796448000000 implements MigrationInterface {
  name = 'PersonBirthDateOrder1796448000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "IDX_person_birth_date_order" ON "person" ("birth_date", "id") INCLUDE ("division_code") WHERE merged_into IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_person_birth_date_order"`);
  }
}
