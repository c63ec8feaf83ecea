import { hubHttp } from '../support/access';
import { withCheck, gridIncident } from '../support/residents';
import { apiOnScenarioDatabase } from '../support/scenario-api';

/**
 * Grid residents recorded without ID number or phone, and incident participants by name, meet
 * the police record of the same resident through the flat they live in, however each source
 * writes it; twins and namesakes of that flat stay apart (the addresses issue).
 */
describe('residents without an ID number', () => {
  const suite = apiOnScenarioDatabase();
  const http = () => hubHttp(suite.api);
  const LI = withCheck('50038119560302202');
  const LI_PHONE = '13823456789';
  let serial = 0;

  const police = (name: string, idNumber: string, address: string) => ({
    RKBM: `5001162023082400${String(++serial).padStart(4, '0')}`,
    SJBBH: '1',
    SJLX: 'HJRK',
    BDLX: 'XZ',
    BDSJ: '2023-08-24 09:30:00',
    GMSFHM: idNumber,
    XM: name,
    XBDM: '2',
    MZDM: '01',
    CSRQ: idNumber.slice(6, 14),
    HJDZ_XZQHDM: '500116005',
    HJDZ_QHNXXDZ: address,
    HH: '500116005000901',
    YHZGXDM: '02',
    LXDH: LI_PHONE,
    RYZTDM: '0',
  });
  const gridResident = (fields: Record<string, string>) => ({
    记录编号: `WG-500116005002-03-20231001-${String(++serial).padStart(4, '0')}`,
    记录类型: '实有人口',
    网格编码: '500116005002-03',
    采集时间: '2023-10-01 09:00:00',
    采集人: '张伟',
    性别: '女',
    与户主关系: '户主',
    ...fields,
  });
  const incident = (involved: Record<string, string>[]) =>
    gridIncident(++serial, '20231002', involved);
  const push = (feed: string, records: unknown[]) =>
    http().post(`/v1/feeds/${feed}/records`).send(records).expect(200);
  const personOf = async (
    feed: string,
    record: { 记录编号?: string; RKBM?: string },
    pointer = '',
  ) =>
    (
      await suite.scenario.db.query<{ entity_id: string }[]>(
        `SELECT entity_id FROM mention WHERE feed = $1 AND source_record_id = $2 AND pointer = $3`,
        [feed, record.记录编号 ?? record.RKBM, pointer],
      )
    )[0].entity_id;

  it('links a name, gender and year-month birth date at the same flat, however it is written', async () => {
    const registered = police('李秀英', LI, '双福大道72号2栋3单元501室');
    await push('population', [registered]);
    const spellings = [
      '双福大道72号2-3-501',
      '鼎山街道双福大道72号2幢3单元501',
      '重庆市江津区鼎山街道东门社区双福大道72号2栋3单元501',
      '鼎山街道双福大道７２号二栋三单元五〇一室',
    ];
    const visits = spellings.map((address, i) =>
      gridResident({
        姓名: '李秀英',
        出生年月: i % 2 === 0 ? '1956.03' : '1956年3月',
        居住地址: address,
        户主姓名: '李秀英',
      }),
    );
    await push('grid', visits);
    const person = await personOf('population', registered);
    for (const visit of visits) expect(await personOf('grid', visit)).toBe(person);
    // One place for the four spellings and the police address.
    const [{ places }] = await suite.scenario.db.query<{ places: number }[]>(
      `SELECT count(DISTINCT entity_id)::int AS places FROM mention
        WHERE entity_type = 'place' AND source_record_id = ANY($1::text[])`,
      [[registered.RKBM, ...visits.map((v) => v.记录编号)]],
    );
    expect(places).toBe(1);
  });

  it('keeps a twin and a namesake of that flat apart', async () => {
    const twin = gridResident({
      姓名: '李秀兰',
      出生年月: '1956-03-02',
      居住地址: '双福大道72号2-3-501',
      与户主关系: '妹妹',
      户主姓名: '李秀英',
    });
    const granddaughter = gridResident({
      姓名: '李秀英',
      出生年月: '1998.07',
      居住地址: '双福大道72号2-3-501',
      与户主关系: '孙女',
      户主姓名: '李秀英',
    });
    await push('grid', [twin, granddaughter]);
    const li = await personOf('grid', { 记录编号: `WG-500116005002-03-20231001-0002` });
    const ids = [await personOf('grid', twin), await personOf('grid', granddaughter)];
    expect(new Set([li, ...ids]).size).toBe(3);
  });

  it('links an incident participant by name and phone, and leaves one by name alone on its own', async () => {
    const record = incident([{ 姓名: '李秀英', 手机号: `+86 ${LI_PHONE}` }, { 姓名: '李秀英' }]);
    await push('grid', [record]);
    const registered = await personOf('population', { RKBM: '50011620230824000001' });
    expect(await personOf('grid', record, '/涉及人员/0')).toBe(registered);
    expect(await personOf('grid', record, '/涉及人员/1')).not.toBe(registered);
  });
});
