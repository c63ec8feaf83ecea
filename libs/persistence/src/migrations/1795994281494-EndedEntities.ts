import { MigrationInterface, QueryRunner } from 'typeorm';

const ENTITY_TABLES = ['person', 'event', 'object', 'organization', 'place'];

/**
 * Entities remember that they ended because no record named them any more, so that a record
 * naming one again revives it with a `revived` change event. Entities whose latest own event
 * (relation events aside) is such an `ended` one and that no active mention names (before,
 * a record naming one again revived it without an event) are marked as ended from that event's
 * time, except seeded division places, which no longer end.
 */
export class EndedEntities1795994281494 implements MigrationInterface {
  name = 'EndedEntities1795994281494';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ENTITY_TABLES) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD "ended_at" TIMESTAMP WITH TIME ZONE`);
      await queryRunner.query(
        `UPDATE "${table}" t SET ended_at = e.time
           FROM (SELECT DISTINCT ON (entity_id) entity_id, type, data, time FROM change_event
                  WHERE entity_type = $1 AND type NOT LIKE '%.relation.%'
                  ORDER BY entity_id, entity_seq DESC) e
          WHERE e.entity_id = t.id AND e.type = $2 AND e.data ? 'reason'
            AND NOT EXISTS (SELECT FROM mention m WHERE m.entity_type = $1 AND m.entity_id = t.id AND m.active)${table === 'place' ? ' AND t.code IS NULL' : ''}`,
        [table, `cn.gov.hub.${table}.ended`],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ENTITY_TABLES)
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "ended_at"`);
  }
}
