import { MigrationInterface, QueryRunner } from 'typeorm';

/** Entity tables whose rows the ingest updates again in the transaction that wrote them. */
const COUNTED_ENTITIES = ['person', 'event', 'object', 'organization', 'place'];

/**
 * Fewer index writes per ingested record.
 * - change_event.event_id loses its unique index: the id is unique by construction
 *   (gen_random_uuid) and nothing looks an event up by it, while the index cost a random B-tree
 *   insert per event, about four per record.
 * - Entity tables keep 30% of each page free. Each relation event bumps its entity's change_seq,
 *   usually right after the entity's own upsert; on full pages that new row version went to
 *   another page and into every index of the table, on a page with room it is a HOT update
 *   (fillfactor by hand: TypeORM does not declare it). Applies to pages written from now on.
 */
export class LeanerWrites1795963976866 implements MigrationInterface {
  name = 'LeanerWrites1795963976866';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "change_event" DROP CONSTRAINT "UQ_462af6f0d1b09c1518b3ce1fd6d"`,
    );
    for (const table of COUNTED_ENTITIES)
      await queryRunner.query(`ALTER TABLE "${table}" SET (fillfactor = 70)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of COUNTED_ENTITIES)
      await queryRunner.query(`ALTER TABLE "${table}" RESET (fillfactor)`);
    await queryRunner.query(
      `ALTER TABLE "change_event" ADD CONSTRAINT "UQ_462af6f0d1b09c1518b3ce1fd6d" UNIQUE ("event_id")`,
    );
  }
}
