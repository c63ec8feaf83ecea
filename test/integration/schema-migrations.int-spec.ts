import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrationsLocked } from '@hub/persistence';
import { createRunDatabase } from '../support/test-services';
import { testConfig } from '../support/test-config';

const MIGRATION_COUNT = (dataSourceOptions('postgres://unused').migrations as unknown[]).length;

describe('unified model schema (migrated by global setup)', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await new DataSource(dataSourceOptions(testConfig().database.url!, 2)).initialize();
  });

  afterAll(async () => {
    await db?.destroy();
  });

  it('has no entity change without its migration', async () => {
    const pending = await db.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('has every migration applied', async () => {
    expect(await db.showMigrations()).toBe(false);
  });

  it('reverts every migration with its down and applies them again', async () => {
    const scratch = await createRunDatabase(testConfig().database.url!);
    const other = await new DataSource(dataSourceOptions(scratch.url, 1)).initialize();
    try {
      await runMigrationsLocked(other);
      for (let i = 0; i < MIGRATION_COUNT; i++) await other.undoLastMigration();
      const tables = await other.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
      );
      expect(tables[0].n).toBe('0');
      expect((await runMigrationsLocked(other)).length).toBe(MIGRATION_COUNT);
    } finally {
      await other.destroy();
      await scratch.drop();
    }
  });

  it('moves stored values and relations onto their source records and back without losing one', async () => {
    const scratch = await createRunDatabase(testConfig().database.url!);
    const other = await new DataSource(dataSourceOptions(scratch.url, 1)).initialize();
    const valuesOf = () =>
      other.query(
        `SELECT s.source_record_id, a.entity_type, a.attribute, a.value, a.valid, a.pointer, a.ended_at IS NULL AS current
           FROM attribute_value a JOIN source_record s ON s.id = a.source_record_id
          ORDER BY a.attribute`,
      );
    try {
      await runMigrationsLocked(other);
      // Back to one row per value: undo FactsOnSourceRecord and every migration after it.
      const undoFacts = async () => {
        for (;;) {
          const [{ name }] = await other.query<{ name: string }[]>(
            `SELECT name FROM migrations ORDER BY id DESC LIMIT 1`,
          );
          await other.undoLastMigration();
          if (name.startsWith('FactsOnSourceRecord')) return;
        }
      };
      await undoFacts();
      const [{ id: personId }] = await other.query(
        `INSERT INTO person (name) VALUES ('王建国') RETURNING id`,
      );
      await other.query(
        `INSERT INTO mention (feed, source_record_id, pointer, entity_type, entity_id)
         VALUES ('population', 'R1', '', 'person', $1)`,
        [personId],
      );
      const [{ id: sourceId }] = await other.query(
        `INSERT INTO source_record (feed, source_record_id, version, payload, status)
         VALUES ('population', 'R1', '1', '{}', 'accepted') RETURNING id`,
      );
      await other.query(
        `INSERT INTO attribute_value (entity_type, entity_id, attribute, value, valid, source_record_id, pointer, observed_at)
         VALUES ('person', $1, 'name', '"王建国"', true, $2, '', now()),
                ('person', $1, 'idNumber', '"500381199001011234"', false, $2, '', now())`,
        [personId, sourceId],
      );
      await other.query(
        `INSERT INTO relation (relation_type, from_type, from_id, to_type, to_id, attributes, source_record_id)
         SELECT 'registered_in', 'person', $1, 'place', id, '{"since":"2020"}', $2 FROM place WHERE code = '500116005'`,
        [personId, sourceId],
      );
      const relationsOf = () =>
        other.query(
          `SELECT r.relation_type, r.from_id, p.code, r.attributes, r.valid_to IS NULL AS current
             FROM relation r JOIN place p ON p.id = r.to_id`,
        );
      const before = { values: await valuesOf(), relations: await relationsOf() };
      expect(before.values).toHaveLength(2);
      expect(before.relations).toHaveLength(1);
      await runMigrationsLocked(other);
      expect({ values: await valuesOf(), relations: await relationsOf() }).toEqual(before);
      await undoFacts();
      expect({ values: await valuesOf(), relations: await relationsOf() }).toEqual(before);
    } finally {
      await other.destroy();
      await scratch.drop();
    }
  });

  it('holds the real divisions of Jiangjin: 30 townships and 301 villages and communities', async () => {
    const [counts] = await db.query<{ townships: string; villages: string }[]>(
      `SELECT count(*) FILTER (WHERE t.level = 'township') AS townships,
              (SELECT count(*) FROM place v JOIN place tw ON v.parent_id = tw.id
                JOIN place c ON tw.parent_id = c.id WHERE c.code = '500116') AS villages
         FROM place t JOIN place county ON t.parent_id = county.id
        WHERE county.code = '500116'`,
    );
    expect(counts).toEqual({ townships: '30', villages: '301' });
  });

  it('keeps every value with its source record and JSON Pointer', async () => {
    const recordId = `R-prov-${Date.now()}`;
    const [{ id: personId }] = await db.query<{ id: string }[]>(
      `INSERT INTO person (name) VALUES ('王建国') RETURNING id`,
    );
    await db.query(
      `INSERT INTO mention (feed, source_record_id, pointer, entity_type, entity_id)
       VALUES ('assistance', $1, '/payload/members/0', 'person', $2)`,
      [recordId, personId],
    );
    await db.query(
      `INSERT INTO source_record (feed, source_record_id, version, payload, status, observed_at, facts)
       VALUES ('assistance', $1, '1', '{"payload":{"members":[{"name":"王建国"}]}}', 'accepted', now(),
               '[["/payload/members/0","name","王建国",true]]')`,
      [recordId],
    );

    const values = await db.query(
      `SELECT s.feed, s.source_record_id, a.pointer, a.value, a.ended_at FROM attribute_value a
         JOIN source_record s ON s.id = a.source_record_id WHERE a.entity_id = $1`,
      [personId],
    );
    expect(values).toEqual([
      {
        feed: 'assistance',
        source_record_id: recordId,
        pointer: '/payload/members/0',
        value: '王建国',
        ended_at: null,
      },
    ]);
    // The view is read-only: values are written with their source record.
    await expect(
      db.query(`INSERT INTO attribute_value (attribute) VALUES ('name')`),
    ).rejects.toThrow(/attribute_value/);
  });
});
