import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Persons get the division they live in (golden, by survivorship: see rules/survivorship.json),
 * so that their change events carry a division code. Existing persons take it from their active
 * mentions in the order the rules give today (grid, civil affairs, police; newest among equals,
 * then the longer code), without change events: subscribers learn it from the person's next
 * event, when a record naming the person recomputes it by the rules as they are then.
 */
export class PersonDivision1796049205183 implements MigrationInterface {
  name = 'PersonDivision1796049205183';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "person" ADD "division_code" character varying(12)`);
    await queryRunner.query(
      `CREATE INDEX "IDX_e0ecaad51f891c5de3c8a44684" ON "person" ("division_code") `,
    );
    await queryRunner.query(
      `UPDATE person p SET division_code = d.division
         FROM (SELECT DISTINCT ON (m.entity_id) m.entity_id, m.features->>'division' AS division
                 FROM mention m
                WHERE m.entity_type = 'person' AND m.active AND m.features->>'division' IS NOT NULL
                ORDER BY m.entity_id,
                         CASE m.feed WHEN 'grid' THEN 0 WHEN 'assistance' THEN 1 WHEN 'population' THEN 2 ELSE 3 END,
                         m.observed_at DESC NULLS LAST, length(m.features->>'division') DESC,
                         m.features->>'division') d
        WHERE d.entity_id = p.id AND p.merged_into IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_e0ecaad51f891c5de3c8a44684"`);
    await queryRunner.query(`ALTER TABLE "person" DROP COLUMN "division_code"`);
  }
}
