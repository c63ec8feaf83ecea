import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { requireKafka } from '@hub/config';
import { FeedCatalog } from '@hub/feeds';
import { createKafka, ensureTopics, PRODUCER_CONFIG } from '@hub/kafka';
import { createIngestApp, ingestTopics } from '../../apps/ingest/src/ingest-app';
import { feedExamples } from '../support/feed-examples';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait-for';

interface ValueRow {
  pointer: string;
  entity_type: string;
  entity_id: string;
  attribute: string;
  value: unknown;
  valid: boolean;
}

/** The contracts' example messages, produced on the real topics, land with values and provenance. */
describe('feed examples through Kafka into the unified model', () => {
  const config = testConfig({ KAFKA_GROUP_ID: `it-examples-${randomUUID()}` });
  const examples = feedExamples();
  let app: INestApplication;
  let db: DataSource;
  // Fresh record ids so earlier runs on a shared broker or database cannot interfere.
  const suffix = randomUUID().slice(0, 8);
  const ids = {
    // RKBM is exactly 20 characters: keep its division and date, vary its serial.
    population: `${examples[0].key.slice(0, 14)}${String(Date.now()).slice(-6)}`,
    assistance: `${examples[1].key}-${suffix}`,
    grid: `${examples[2].key}-${suffix}`,
  };

  const valuesOf = (feed: string, recordId: string) =>
    db.query<ValueRow[]>(
      `SELECT a.pointer, a.entity_type, a.entity_id, a.attribute, a.value, a.valid
         FROM attribute_value a JOIN source_record s ON s.id = a.source_record_id
        WHERE s.feed = $1 AND s.source_record_id = $2 AND a.ended_at IS NULL ORDER BY a.position`,
      [feed, recordId],
    );
  const pick = (rows: ValueRow[], pointer: string) =>
    Object.fromEntries(
      rows
        .filter((r) => r.pointer === pointer)
        .map((r) => [r.attribute, r.valid ? r.value : { invalid: r.value }]),
    );

  beforeAll(async () => {
    const kafka = createKafka(requireKafka(config));
    await ensureTopics(kafka, ingestTopics(new FeedCatalog()), {
      partitions: 3,
      replicationFactor: 1,
    });
    app = await createIngestApp(config, config.database.url!);
    await app.startAllMicroservices();
    await app.init();
    db = app.get(DataSource);
    const producer = kafka.producer(PRODUCER_CONFIG);
    await producer.connect();
    for (const example of examples) {
      const idField = { population: 'RKBM', assistance: 'recordId', grid: '记录编号' }[
        example.feed
      ];
      const id = ids[example.feed];
      await producer.send({
        topic: example.topic,
        messages: [{ key: id, value: JSON.stringify({ ...example.value, [idField]: id }) }],
      });
    }
    await producer.disconnect();
    await waitFor(
      async () => {
        const [{ n }] = await db.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM source_record WHERE source_record_id = ANY($1)`,
          [Object.values(ids)],
        );
        return n === '3' ? true : undefined;
      },
      { what: 'the three examples' },
    );
  });

  afterAll(async () => {
    await app?.close();
  });

  it('maps the police record: one person described by the whole record (pointer "")', async () => {
    const rows = await valuesOf('population', ids.population);
    expect(pick(rows, '')).toEqual({
      name: '李秀英',
      idNumber: '500381195603022029',
      gender: '2',
      ethnicity: '01',
      birthDate: '1956-03-02',
      residentType: 'registered',
      hukouAddress: {
        divisionCode: '500116005',
        detail: '东门路12号3栋2单元501',
        standard: '东门路12号3栋2单元501室',
      },
      householdNumber: '500116005000231',
      relationToHead: '02',
      phone: '13823456789',
      status: 'normal',
    });
    const [person] = await db.query(`SELECT p.* FROM person p WHERE p.id = $1`, [
      rows[0].entity_id,
    ]);
    expect(person).toMatchObject({
      name: '李秀英',
      id_number: '500381195603022029',
      gender: '2',
      birth_date: '1956-03-02',
    });
    const relations = await db.query(
      `SELECT r.relation_type, p.code FROM relation r JOIN place p ON p.id = r.to_id
        WHERE r.from_id = $1 AND r.valid_to IS NULL
          AND r.source_record_id = (SELECT id FROM source_record WHERE feed = 'population' AND source_record_id = $2)
        ORDER BY r.position`,
      [rows[0].entity_id, ids.population],
    );
    // The division (registered_in) and the standard address inside it (registered_at).
    expect(relations).toEqual([
      { relation_type: 'registered_in', code: '500116005' },
      { relation_type: 'registered_at', code: null },
    ]);
  });

  it('maps the civil-affairs case: the case, its applicant and each member at their own pointers', async () => {
    const rows = await valuesOf('assistance', ids.assistance);
    expect(new Set(rows.map((r) => r.pointer))).toEqual(
      new Set([
        '/payload',
        '/payload/applicant',
        '/payload/applicant/address',
        '/payload/members/0',
      ]),
    );
    expect(pick(rows, '/payload')).toMatchObject({
      caseNumber: 'JJ-DB-2021-0319',
      assistanceType: '城乡低保',
      status: 'active',
      monthlyAmount: '650.00',
      startDate: '2021-05-01',
      division: { divisionCode: '500116005002' },
    });
    expect(pick(rows, '/payload/applicant')).toMatchObject({
      name: '李秀英',
      idNumber: '500381195603022029',
      gender: '2',
      birthDate: '1956-03-02',
      phone: '13823456789',
      residenceAddress: {
        divisionCode: '500116005',
        detail: '东门路12号3-2-501',
        standard: '东门路12号3栋2单元501室',
      },
    });
    expect(pick(rows, '/payload/members/0')).toMatchObject({
      name: '王建国',
      relationToApplicant: '10',
      disabilityLevel: '2',
    });
    const entity = (pointer: string) => rows.find((r) => r.pointer === pointer)!.entity_id;
    const relations = await db.query<{ relation_type: string; from_id: string; to_id: string }[]>(
      `SELECT relation_type, from_id, to_id FROM relation WHERE source_record_id =
         (SELECT id FROM source_record WHERE feed = 'assistance' AND source_record_id = $1) ORDER BY relation_type, to_id`,
      [ids.assistance],
    );
    expect(relations).toEqual(
      expect.arrayContaining([
        {
          relation_type: 'involves',
          from_id: entity('/payload'),
          to_id: entity('/payload/applicant'),
        },
        {
          relation_type: 'involves',
          from_id: entity('/payload'),
          to_id: entity('/payload/members/0'),
        },
        {
          relation_type: 'family_member_of',
          from_id: entity('/payload/members/0'),
          to_id: entity('/payload/applicant'),
        },
      ]),
    );
  });

  it('keeps the grid worker observation, its mistyped ID kept only as a flagged claim', async () => {
    const rows = await valuesOf('grid', ids.grid);
    expect(pick(rows, '')).toMatchObject({
      name: '李秀英',
      idNumber: { invalid: '50038119560302202X' },
      gender: '2',
      birthDate: '1956-03',
      phone: '13823456789',
      // The township the address names, narrowed to the community of the grid code.
      residenceAddress: { divisionCode: '500116005002' },
      tags: ['独居老人', '低保户'],
      relationToHead: '02',
    });
    const [mention] = await db.query(
      `SELECT link FROM mention WHERE feed = 'grid' AND source_record_id = $1 AND pointer = ''`,
      [ids.grid],
    );
    // Not proof, but with name, birth month, gender, phone and township it is the same person.
    expect(mention.link).toMatchObject({ rule: 'score', matchedKey: expect.any(String) });
    expect(mention.link.evidence.map((e: { rule: string }) => e.rule)).toContain(
      'id-number-one-edit-apart',
    );
  });

  it('resolves the police resident, the civil-affairs applicant and the grid observation of 李秀英 to one person', async () => {
    const persons = await db.query(
      `SELECT DISTINCT m.entity_id FROM mention m
        WHERE (m.feed, m.source_record_id, m.pointer) IN
              (('population', $1, ''), ('assistance', $2, '/payload/applicant'), ('grid', $3, ''))`,
      [ids.population, ids.assistance, ids.grid],
    );
    expect(persons).toHaveLength(1);
    const [person] = await db.query(
      `SELECT name, id_number, birth_date, gender, phone, flags, division_code FROM person WHERE id = $1`,
      [persons[0].entity_id],
    );
    // Survivorship: identity from the police, the phone and where she lives from the grid worker,
    // whose address names only 鼎山街道 but whose grid is 东门社区's.
    expect(person).toEqual({
      name: '李秀英',
      id_number: '500381195603022029',
      birth_date: '1956-03-02',
      gender: '2',
      phone: '13823456789',
      flags: [],
      division_code: '500116005002',
    });
  });

  it('resolves the police 户籍 address, the civil-affairs address and the grid residence to one standard-address place', async () => {
    const mentions = await db.query<{ entity_id: string; entity_type: string }[]>(
      `SELECT DISTINCT m.entity_id, m.entity_type FROM mention m
        WHERE (m.feed, m.source_record_id, m.pointer) IN
              (('population', $1, '/HJDZ_QHNXXDZ'), ('assistance', $2, '/payload/applicant/address'),
               ('grid', $3, '/居住地址'))`,
      [ids.population, ids.assistance, ids.grid],
    );
    expect(mentions).toEqual([{ entity_id: expect.any(String), entity_type: 'place' }]);
    const [place] = await db.query(
      `SELECT level, name, division_code, address FROM place WHERE id = $1`,
      [mentions[0].entity_id],
    );
    expect(place).toEqual({
      level: 'address',
      name: '东门路12号3栋2单元501室',
      division_code: '500116005',
      address: {
        community: null,
        group: null,
        road: '东门路',
        number: '12',
        annex: null,
        building: '3',
        unit: '2',
        floor: null,
        room: '501',
        rest: '',
      },
    });
    const relations = await db.query<{ relation_type: string }[]>(
      `SELECT DISTINCT relation_type FROM relation WHERE to_id = $1 AND valid_to IS NULL ORDER BY 1`,
      [mentions[0].entity_id],
    );
    expect(relations.map((r) => r.relation_type)).toEqual(['lives_at', 'registered_at']);
  });
});
