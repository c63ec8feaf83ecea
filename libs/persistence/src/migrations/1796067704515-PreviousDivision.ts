import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An event that moves an entity to another division also names the division it left, so that a
 * subscriber filtering by that division sees the entity leave. Earlier events get it from their
 * `changed` before/after values.
 */
export class PreviousDivision1796067704515 implements MigrationInterface {
  name = 'PreviousDivision1796067704515';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "change_event" ADD "previous_division_code" character varying(12)`,
    );
    await queryRunner.query(
      `UPDATE change_event SET previous_division_code = data->'changed'->'divisionCode'->>'before'
        WHERE data->'changed'->'divisionCode'->>'before' IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "change_event" DROP COLUMN "previous_division_code"`);
  }
}
