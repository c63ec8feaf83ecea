import { Client } from 'pg';
import { CHANGE_LOG_LOCK } from '@hub/changes';
import { idCheckCharacter } from '@hub/normalize';
import { hubHttp } from '../support/access';
import { readChangeFeed } from '../support/http-client';
import { apiOnScenarioDatabase } from '../support/scenario-api';
import { waitFor } from '../support/wait-for';

const withCheck = (first17: string) => first17 + idCheckCharacter(first17);

/**
 * An entity that ended because no record named it any more comes back with a `revived` event
 * when a record names it again, also when that record commits just after the end was decided.
 */
describe('revival of ended entities', () => {
  const suite = apiOnScenarioDatabase();
  const http = () => hubHttp(suite.api);
  const push = async (records: unknown[]) =>
    (await http().post('/v1/feeds/grid/records').send(records).expect(200)).body as unknown;
  /** A grid resident record; `n` makes record, person and flat its own. */
  const resident = (n: number, name: string, idFirst17: string, flat: string) => ({
    记录编号: `WG-500116005002-03-20231001-000${n}`,
    记录类型: '实有人口',
    网格编码: '500116005002-03',
    采集时间: '2023-10-01 09:00:00',
    采集人: '张伟',
    姓名: name,
    身份证号: withCheck(idFirst17),
    手机号: `1390000100${n}`,
    居住地址: flat,
    人员类别: '',
    与户主关系: '户主',
    户主姓名: name,
  });
  const at = (
    record: Record<string, unknown>,
    time: string,
    more: Record<string, unknown> = {},
  ) => ({
    ...record,
    采集时间: time,
    ...more,
  });
  const placeOf = async (address: string) =>
    (await http().get('/v1/places').query({ address }).expect(200)).body.places[0].id as string;
  /** The entity's own events (no relation events) after a cursor: type and data. */
  const eventsOf = async (after: string, subject: string) =>
    (await readChangeFeed(suite.api, after)).events
      .filter((e) => e.subject === subject && !e.type.includes('.relation.'))
      .map((e) => ({ type: e.type, data: e.data }));
  const endedAt = async (table: 'place' | 'person', id: string) =>
    (
      await suite.scenario.db.query<{ ended_at: Date | null }[]>(
        `SELECT ended_at FROM ${table} WHERE id = $1`,
        [id],
      )
    )[0].ended_at;

  it('revives a cancelled resident and their flat when the record is restored unchanged', async () => {
    const flat = '鼎山街道东门路20号1栋1单元101室';
    const record = resident(1, '周建国', '50011619700101001', flat);
    await push([record]);
    const place = await placeOf(flat);
    const { body } = await http()
      .get('/v1/persons')
      .query({ idNumber: record.身份证号 })
      .expect(200);
    const person = body.persons[0].id as string;
    const { next } = await readChangeFeed(suite.api, '0');

    await push([at(record, '2023-10-02 09:00:00', { 作废: '是' })]);
    expect(await eventsOf(next, place)).toEqual([
      { type: 'cn.gov.hub.place.ended', data: { reason: 'cancelled' } },
    ]);
    expect(await eventsOf(next, person)).toEqual([
      { type: 'cn.gov.hub.person.ended', data: { reason: 'cancelled' } },
    ]);
    expect(await endedAt('place', place)).not.toBeNull();
    const { next: afterEnd } = await readChangeFeed(suite.api, next);

    await push([at(record, '2023-10-03 09:00:00')]);
    const [revivedPlace] = await eventsOf(afterEnd, place);
    expect(revivedPlace).toMatchObject({ type: 'cn.gov.hub.place.revived', data: { changed: {} } });
    expect(revivedPlace.data.attributes).toMatchObject({ level: 'address' });
    expect(await eventsOf(afterEnd, person)).toEqual([
      {
        type: 'cn.gov.hub.person.revived',
        data: { attributes: expect.objectContaining({ name: '周建国' }), changed: {} },
      },
    ]);
    expect(await endedAt('place', place)).toBeNull();
    expect(await endedAt('person', person)).toBeNull();

    // Named again while alive: no event of its own.
    const { next: afterRevival } = await readChangeFeed(suite.api, afterEnd);
    await push([at(record, '2023-10-04 09:00:00', { 人员类别: '独居老人' })]);
    expect(await eventsOf(afterRevival, place)).toEqual([]);
  });

  it('ends a household member that a case’s new version no longer lists as unnamed, not cancelled', async () => {
    const member = { name: '陈志刚', idCard: withCheck('50011619500202008'), relation: '夫' };
    const caseRecord = (version: number, members: unknown[]) => ({
      recordId: 'CA-DB-2023-000900',
      recordType: 'assistance',
      version,
      updatedAt: `2023-08-2${version}T16:02:11+08:00`,
      operation: 'upsert',
      payload: {
        caseNo: 'JJ-DB-2021-0900',
        assistanceType: 'DIBAO',
        status: 'ACTIVE',
        monthlyAmount: '650.00',
        startDate: '2021-05-01',
        endDate: null,
        applicant: {
          name: '陈秀兰',
          idCard: withCheck('50011619520303009'),
          gender: '女',
          birthDate: '1952-03-03',
          address: '江津区鼎山街道东门路23号1栋1单元101室',
        },
        members,
        divisionCode: '500116005002',
      },
    });
    await http()
      .post('/v1/feeds/assistance/records')
      .send([caseRecord(1, [member])])
      .expect(200);
    const { body } = await http().get('/v1/persons').query({ idNumber: member.idCard }).expect(200);
    const person = body.persons[0].id as string;
    const { next } = await readChangeFeed(suite.api, '0');

    await http()
      .post('/v1/feeds/assistance/records')
      .send([caseRecord(2, [])])
      .expect(200);
    expect(await eventsOf(next, person)).toEqual([
      { type: 'cn.gov.hub.person.ended', data: { reason: 'unnamed' } },
    ]);
  });

  it('puts a restored record’s resident on a live person, never on one merged away meanwhile', async () => {
    const record = resident(4, '冯志明', '50011619800808005', '鼎山街道东门路22号1栋1单元101室');
    await push([record]);
    const { body } = await http()
      .get('/v1/persons')
      .query({ idNumber: record.身份证号 })
      .expect(200);
    const before = body.persons[0].id as string;
    await push([at(record, '2023-10-02 09:00:00', { 作废: '是' })]);
    // As if a merge had taken the person's other mentions to another person meanwhile.
    const [{ id: survivor }] = await suite.scenario.db.query<{ id: string }[]>(
      `INSERT INTO person (id, name, status, change_seq) VALUES (gen_random_uuid(), '冯志明', 'normal', 1) RETURNING id`,
    );
    await suite.scenario.db.query(`UPDATE person SET merged_into = $2 WHERE id = $1`, [
      before,
      survivor,
    ]);
    const { next } = await readChangeFeed(suite.api, '0');

    await push([at(record, '2023-10-03 09:00:00')]);
    const [{ entity_id: now }] = await suite.scenario.db.query<{ entity_id: string }[]>(
      `SELECT entity_id FROM mention WHERE source_record_id = $1 AND pointer = '' AND active`,
      [record.记录编号],
    );
    expect(now).not.toBe(before);
    expect(await eventsOf(next, before)).toEqual([]);
    const { body: after } = await http().get(`/v1/persons/${now}`).expect(200);
    expect(after).toMatchObject({ name: '冯志明', idNumber: record.身份证号, mergedInto: null });
  });

  it('revives a flat that a concurrent record names while the last record naming it is cancelled', async () => {
    const flat = '鼎山街道东门路21号2栋1单元202室';
    const leaving = resident(2, '吴国强', '50011619720303003', flat);
    const arriving = resident(3, '郑丽华', '50011619750505004', flat);
    await push([leaving]);
    const place = await placeOf(flat);
    const { next } = await readChangeFeed(suite.api, '0');

    // Both transactions are held at the change-log lock in this order: the cancellation decides
    // the end before the arrival's mention of the flat is committed.
    const holder = new Client({ connectionString: suite.scenario.url });
    await holder.connect();
    const waiting = async () =>
      Number(
        (
          await holder.query<{ n: string }>(
            `SELECT count(*) AS n FROM pg_locks
              WHERE locktype = 'advisory' AND classid = $1 AND objid = $2 AND objsubid = 2
                AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
            [...CHANGE_LOG_LOCK],
          )
        ).rows[0].n,
      );
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1, $2)', [...CHANGE_LOG_LOCK]);
      const cancel = push([at(leaving, '2023-10-02 09:00:00', { 作废: '是' })]);
      await waitFor(async () => ((await waiting()) === 1 ? true : undefined), {
        what: 'the cancellation at the change-log lock',
      });
      const arrive = push([arriving]);
      await waitFor(async () => ((await waiting()) === 2 ? true : undefined), {
        what: 'the arrival at the change-log lock',
      });
      await holder.query('COMMIT');
      await Promise.all([cancel, arrive]);
    } finally {
      await holder.end();
    }

    expect((await eventsOf(next, place)).map((e) => e.type)).toEqual([
      'cn.gov.hub.place.ended',
      'cn.gov.hub.place.revived',
    ]);
    expect(await endedAt('place', place)).toBeNull();
    expect(await placeOf(flat)).toBe(place);
  });

  it('ends the places above a flat that no other place or record keeps, and revives them with it', async () => {
    const flat = '鼎山街道东门路70号3栋2单元201室';
    const moving = resident(9, '冯玉梅', '50011619700101009', flat);
    // A neighbour in the building's other unit keeps the building and its house number.
    await push([
      moving,
      resident(10, '冯志强', '50011619700101010', '鼎山街道东门路70号3栋1单元101室'),
    ]);
    const chain = [await placeOf(flat)];
    for (let i = 0; i < 3; i++)
      chain.push(
        (
          await suite.scenario.db.query<{ parent_id: string }[]>(
            `SELECT parent_id FROM place WHERE id = $1`,
            [chain[i]],
          )
        )[0].parent_id,
      );
    const [flatId, unit, building, number] = chain;
    const { next } = await readChangeFeed(suite.api, '0');

    await push([at(moving, '2023-10-02 09:00:00', { 居住地址: '鼎山街道东门路71号' })]);
    for (const id of [flatId, unit])
      expect(await eventsOf(next, id)).toEqual([
        { type: 'cn.gov.hub.place.ended', data: { reason: 'unnamed' } },
      ]);
    for (const id of [building, number]) {
      expect(await eventsOf(next, id)).toEqual([]);
      expect(await endedAt('place', id)).toBeNull();
    }

    const { next: afterEnd } = await readChangeFeed(suite.api, next);
    await push([at(moving, '2023-10-03 09:00:00')]);
    for (const id of [flatId, unit]) {
      expect((await eventsOf(afterEnd, id)).map((e) => e.type)).toEqual([
        'cn.gov.hub.place.revived',
      ]);
      expect(await endedAt('place', id)).toBeNull();
    }
  });

  it('keeps a building whose own record is cancelled while a flat below it remains', async () => {
    const building = '鼎山街道东门路60号2栋';
    const flat = `${building}1单元101室`;
    const own = resident(7, '孙国平', '50011619700101007', building);
    await push([own, resident(8, '何秀兰', '50011619700101008', flat)]);
    const place = await placeOf(building);
    const { body } = await http()
      .get(`/v1/places/${await placeOf(flat)}`)
      .expect(200);
    const { body: unit } = await http()
      .get(`/v1/places/${body.parentId as string}`)
      .expect(200);
    expect(unit.parentId).toBe(place);
    const { next } = await readChangeFeed(suite.api, '0');
    await push([at(own, '2023-10-02 09:00:00', { 作废: '是' })]);
    expect(await eventsOf(next, place)).toEqual([]);
    expect(await endedAt('place', place)).toBeNull();
  });
});
