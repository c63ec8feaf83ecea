import { hubHttp } from '../support/access';
import { gridIncident } from '../support/residents';
import { apiOnScenarioDatabase } from '../support/scenario-api';

/**
 * Versions of one record that arrive in one batch (one HTTP push, or one Kafka fetch) where the
 * newest no longer names a person the older one did: the first version followed by its
 * cancellation, or an incident whose next version drops a participant. The older version is
 * history at once; its person mentions were never current, so no person is made for them, and
 * no mention may point at a person row that does not exist. The end state is that of the same
 * versions delivered one push at a time, as far as current persons go.
 */
describe('person mentions of a version replaced within its batch', () => {
  const suite = apiOnScenarioDatabase();
  const http = () => hubHttp(suite.api);
  let serial = 0;
  const push = async (records: unknown[]) =>
    (await http().post('/v1/feeds/grid/records').send(records).expect(200)).body as {
      results: { outcome: string }[];
    };
  const resident = (name: string, phone: string) => ({
    记录编号: `WG-500116005002-03-20231101-${String(++serial).padStart(4, '0')}`,
    记录类型: '实有人口',
    网格编码: '500116005002-03',
    采集时间: '2023-11-01 09:00:00',
    采集人: '张伟',
    姓名: name,
    性别: '男',
    手机号: phone,
    居住地址: `鼎山街道东门路${serial}号`,
    与户主关系: '户主',
  });
  const incident = (involved: Record<string, string>[]) =>
    gridIncident(++serial, '20231102', involved);
  const later = (record: Record<string, unknown>, more: Record<string, unknown>) => ({
    ...record,
    采集时间: '2023-11-03 09:00:00',
    ...more,
  });
  /** Person mentions of a record: pointer, active, and whether their person row exists. */
  const personMentions = (recordId: string) =>
    suite.scenario.db.query<{ pointer: string; active: boolean; person: string | null }[]>(
      `SELECT m.pointer, m.active, p.id AS person
         FROM mention m LEFT JOIN person p ON p.id = m.entity_id
        WHERE m.feed = 'grid' AND m.source_record_id = $1 AND m.entity_type = 'person'
        ORDER BY m.pointer`,
      [recordId],
    );
  const livePersonsNamed = async (name: string) =>
    Number(
      (
        await suite.scenario.db.query<{ n: string }[]>(
          `SELECT count(*) AS n FROM person WHERE name = $1 AND ended_at IS NULL`,
          [name],
        )
      )[0].n,
    );

  afterEach(async () => {
    const dangling = await suite.scenario.db.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM mention m
        WHERE m.entity_type = 'person' AND NOT EXISTS (SELECT FROM person p WHERE p.id = m.entity_id)`,
    );
    expect(Number(dangling[0].n)).toBe(0);
  });

  it('makes no person for a first version cancelled in the same batch', async () => {
    const record = resident('申屠甲', '13900011001');
    const { results } = await push([record, later(record, { 作废: '是' })]);
    expect(results.map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
    expect(await personMentions(record.记录编号)).toEqual([]);
    expect(await livePersonsNamed('申屠甲')).toBe(0);
  });

  it('resolves the resident when the cancelled record is restored in a later batch', async () => {
    const record = resident('申屠乙', '13900011002');
    await push([record, later(record, { 作废: '是' })]);
    await push([{ ...record, 采集时间: '2023-11-04 09:00:00' }]);
    const mentions = await personMentions(record.记录编号);
    expect(mentions).toEqual([{ pointer: '', active: true, person: expect.any(String) }]);
    expect(await livePersonsNamed('申屠乙')).toBe(1);
  });

  it('makes no person for a participant the next version in the batch drops', async () => {
    const record = incident([
      { 姓名: '申屠丙', 手机号: '13900011003' },
      { 姓名: '申屠丁', 手机号: '13900011004' },
    ]);
    await push([record, later(record, { 涉及人员: [{ 姓名: '申屠丙', 手机号: '13900011003' }] })]);
    const mentions = await personMentions(record.记录编号);
    expect(mentions).toEqual([
      { pointer: '/涉及人员/0', active: true, person: expect.any(String) },
    ]);
    expect(await livePersonsNamed('申屠丙')).toBe(1);
    expect(await livePersonsNamed('申屠丁')).toBe(0);
  });

  it('keeps an earlier batch’s resident and ends them when a new version and the cancellation come together', async () => {
    const record = resident('申屠戊', '13900011005');
    await push([record]);
    expect(await livePersonsNamed('申屠戊')).toBe(1);
    await push([
      later(record, { 手机号: '13900011006' }),
      { ...record, 采集时间: '2023-11-05 09:00:00', 作废: '是' },
    ]);
    expect(await personMentions(record.记录编号)).toEqual([
      { pointer: '', active: false, person: expect.any(String) },
    ]);
    expect(await livePersonsNamed('申屠戊')).toBe(0);
  });
});
