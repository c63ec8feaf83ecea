import { idCheckCharacter } from '@hub/normalize';
import { hubHttp } from '../support/access';
import { readChangeFeed } from '../support/http-client';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const withCheck = (first17: string) => first17 + idCheckCharacter(first17);

/**
 * A subscriber that follows one division by the `division` filter must see a resident leave it,
 * not only arrive elsewhere: the update that moves a person names the division it left.
 */
describe('an entity moving to another division', () => {
  const suite = apiOnScenarioDatabase();
  const http = () => hubHttp(suite.api);
  /** A grid resident record of one person, as observed at `time`, living at `address`. */
  const resident = (time: string, grid: string, address: string, phone = '13900001001') => ({
    记录编号: 'WG-500116005002-03-20231001-0001',
    记录类型: '实有人口',
    网格编码: grid,
    采集时间: time,
    采集人: '张伟',
    姓名: '周建国',
    身份证号: withCheck('50011619700101001'),
    手机号: phone,
    居住地址: address,
    人员类别: '',
    与户主关系: '户主',
    户主姓名: '周建国',
  });
  const push = (record: unknown) =>
    http().post('/v1/feeds/grid/records').send([record]).expect(200);
  const ownEvents = async (after: string, subject: string, division?: string) =>
    (await readChangeFeed(suite.api, after, { division })).events.filter(
      (e) => e.subject === subject && !e.type.includes('.relation.'),
    );

  it('names the division left, and the old and new divisions both see the move', async () => {
    await push(
      resident('2023-10-01 09:00:00', '500116005002-03', '鼎山街道东门路20号1栋1单元101室'),
    );
    const { body } = await http()
      .get('/v1/persons')
      .query({ idNumber: withCheck('50011619700101001') })
      .expect(200);
    const person = body.persons[0].id as string;
    const [created] = await ownEvents('0', person);
    const from = created.divisioncode!;
    expect(from).toMatch(/^500116005/);
    expect(created.previousdivisioncode).toBeUndefined();
    const { next } = await readChangeFeed(suite.api);

    await push(
      resident('2024-03-01 09:00:00', '500116001001-01', '几江街道滨江路5号2栋1单元301室'),
    );
    const [moved] = await ownEvents(next, person);
    expect(moved.type).toBe('cn.gov.hub.person.updated');
    expect(moved.divisioncode).toMatch(/^500116001/);
    expect(moved.previousdivisioncode).toBe(from);
    expect(moved.data.changed).toMatchObject({
      divisionCode: { before: from, after: moved.divisioncode },
    });
    // Followed by either division's filter.
    expect(await ownEvents(next, person, '500116005')).toEqual([moved]);
    expect(await ownEvents(next, person, '500116001')).toEqual([moved]);
    expect(await ownEvents(next, person, '500116101')).toEqual([]);
    const { next: afterMove } = await readChangeFeed(suite.api, next);

    // A change that keeps the division names no other one: the old division sees no more.
    await push(
      resident(
        '2024-05-01 09:00:00',
        '500116001001-01',
        '几江街道滨江路5号2栋1单元301室',
        '13900001002',
      ),
    );
    const [updated] = await ownEvents(afterMove, person);
    expect(updated.data.changed).toHaveProperty('phone');
    expect(updated.previousdivisioncode).toBeUndefined();
    expect(await ownEvents(afterMove, person, '500116005')).toEqual([]);
    expect(await ownEvents(afterMove, person, '500116001')).toEqual([updated]);
  });
});
