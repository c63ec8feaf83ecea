import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The standard-address places a person mention's record ties it to, for place-context blocks
 * (a house owner given by name only is compared with the persons tied to that house). GIN, so
 * "the persons of this flat" is an index lookup; written by hand, as TypeORM declares no GIN
 * index (the entity marks it synchronize: false). fastupdate is off: ingest searches the index
 * in every batch, and each search would scan the whole pending list of recent inserts.
 */
export class MentionPlaces1795944784080 implements MigrationInterface {
  name = 'MentionPlaces1795944784080';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "mention" ADD "places" uuid array`);
    await queryRunner.query(
      `CREATE INDEX "IDX_mention_places" ON "mention" USING gin ("places") WITH (fastupdate = off) WHERE "places" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_mention_places"`);
    await queryRunner.query(`ALTER TABLE "mention" DROP COLUMN "places"`);
  }
}
