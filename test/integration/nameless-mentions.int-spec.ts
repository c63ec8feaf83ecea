import { idCheckCharacter } from '@hub/normalize';
import { hubHttp } from '../support/access';
import { readChangeFeed } from '../support/http-client';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const withCheck = (first17: string) => first17 + idCheckCharacter(first17);

/**
 * A grid worker who types a lone dot for a name (it passes the feed's schema, and normalizes to
 * no name) leaves a person mention that matching cannot compare by name. Its valid ID still makes
 * it the person with that ID; without one, it stays on its own person, and follows that person
 * when it merges into another.
 */
describe('person mentions without a name', () => {
  const suite = apiOnScenarioDatabase();
  const http = () => hubHttp(suite.api);
  const push = (records: unknown[]) =>
    http().post('/v1/feeds/grid/records').send(records).expect(200);
  const resident = (n: number, name: string, idNumber: string) => ({
    记录编号: `WG-500116005002-03-20231001-00${String(n).padStart(2, '0')}`,
    记录类型: '实有人口',
    网格编码: '500116005002-03',
    采集时间: '2023-10-01 09:00:00',
    采集人: '张伟',
    姓名: name,
    身份证号: idNumber,
    手机号: `139000010${String(n).padStart(2, '0')}`,
    居住地址: `鼎山街道东门路3${n}号1栋1单元101室`,
    人员类别: '',
    与户主关系: '户主',
    户主姓名: name,
  });
  const personsWith = async (idNumber: string) =>
    suite.scenario.db.query<{ id: string; name: string | null }[]>(
      `SELECT id, name FROM person WHERE id_number = $1 AND merged_into IS NULL`,
      [idNumber],
    );
  const entityOf = async (record: { 记录编号: string }) =>
    (
      await suite.scenario.db.query<{ entity_id: string }[]>(
        `SELECT entity_id FROM mention WHERE feed = 'grid' AND source_record_id = $1 AND pointer = ''`,
        [record.记录编号],
      )
    )[0].entity_id;

  it.each([
    ['named', 1, 2],
    ['nameless', 4, 3],
  ])(
    'puts a resident recorded without a name on the person with their valid ID (the %s record first)',
    async (_first, namedN, namelessN) => {
      const idNumber = withCheck(`500116198008080${namedN}${namelessN}`);
      const named = resident(namedN, '冯志明', idNumber);
      const nameless = resident(namelessN, '·', idNumber);
      for (const record of namedN < namelessN ? [named, nameless] : [nameless, named])
        await push([record]);
      const persons = await personsWith(idNumber);
      expect(persons).toEqual([{ id: expect.any(String), name: '冯志明' }]);
      expect(await entityOf(nameless)).toBe(persons[0].id);
      expect(await entityOf(named)).toBe(persons[0].id);
    },
  );

  it('moves a restored nameless resident without a valid ID to the person its person merged into', async () => {
    const first17 = '50011619900909001';
    // A wrong check character: evidence for matching, never a key.
    const claimed = first17 + (idCheckCharacter(first17) === '0' ? '1' : '0');
    const record = resident(5, '·', claimed);
    await push([record]);
    const before = await entityOf(record);
    await push([{ ...record, 采集时间: '2023-10-02 09:00:00', 作废: '是' }]);
    // As if every other mention of the person had gone to another person meanwhile.
    const other = resident(6, '郑红', withCheck('50011619900909002'));
    await push([other]);
    const survivor = await entityOf(other);
    await suite.scenario.db.query(`UPDATE person SET merged_into = $2 WHERE id = $1`, [
      before,
      survivor,
    ]);
    const { next } = await readChangeFeed(suite.api, '0');

    await push([{ ...record, 采集时间: '2023-10-03 09:00:00' }]);
    expect(await entityOf(record)).toBe(survivor);
    const events = (await readChangeFeed(suite.api, next)).events;
    expect(events.filter((e) => e.subject === before)).toEqual([]);
    expect(events.filter((e) => e.subject === survivor).map((e) => e.type)).toContain(
      'cn.gov.hub.person.updated',
    );
    const { body } = await http().get(`/v1/persons/${survivor}`).expect(200);
    expect(body).toMatchObject({ name: '郑红', idNumber: other.身份证号, mergedInto: null });
  });
});
