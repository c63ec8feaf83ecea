import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Person search by a part of the name (李秀 and 秀英 find 李秀英), ranked by pg_trgm's
 * similarity(). Names are two to four characters: a one- or two-character query has no trigram
 * without the padding of a word's ends, so a trigram index cannot narrow `name LIKE '%秀英%'`
 * and the planner scans the table. A GIN index on the name's characters can, for queries of any
 * length: the names holding every character of the query, then LIKE keeps those holding them in
 * order. fastupdate is off: a name has a few keys, cheap to insert, while every search would
 * scan the whole pending list of recent inserts. Written by hand: TypeORM declares no GIN or
 * expression index (the entity marks it synchronize: false). down leaves pg_trgm installed: it
 * may have been there before.
 */
export class PersonNameSearch1796447706240 implements MigrationInterface {
  name = 'PersonNameSearch1796447706240';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(
      `CREATE INDEX "IDX_person_name_chars" ON "person" USING gin ((string_to_array("name", NULL))) WITH (fastupdate = off)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_person_name_chars"`);
  }
}
