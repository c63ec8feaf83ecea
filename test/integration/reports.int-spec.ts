import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { as, createClient, hubHttp, staffToken } from '../support/access';
import { feedExamples } from '../support/feed-examples';
import { gridResident, withCheck } from '../support/residents';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const DINGSHAN = '500116005'; // 鼎山街道
const DONGMEN = '500116005002'; // 东门社区, where the shared examples' 李秀英 lives
const LANGSHAN = '500116005001'; // 琅山社区
const JIJIANG = '500116001'; // 几江街道
const NANMEN = '500116001002'; // 南门社区 of 几江街道
const REPORT_DATE = '2026-12-05';

interface Row {
  key: string;
  groups: Record<string, string>;
  divisionCode: string;
  divisionName: string;
  /** A row whose place is coarser than the report's rows (a township among villages). */
  unplaced?: true;
  cells: Record<string, number>;
}
interface Table {
  template: { id: string };
  columns: { key: string; label: string }[];
  rows: Row[];
  totals: { cells: Record<string, number> };
}

/** A resident of a community as the grid records them, with their tags (人员类别). */
const elder = (
  n: number,
  community: string,
  communityName: string,
  name: string,
  idFirst17: string,
  tags = '',
) => ({
  ...gridResident({
    n,
    community,
    communityName,
    name,
    idFirst17,
    phone: `139000090${String(n).padStart(2, '0')}`,
  }),
  人员类别: tags,
});

/** 高龄津贴 of a resident (民政). */
const allowance = (
  n: number,
  name: string,
  idFirst17: string,
  status: string,
  division: string,
) => ({
  recordId: `CA-GL-2026-${String(n).padStart(4, '0')}`,
  recordType: 'elderly_allowance',
  version: 1,
  updatedAt: '2026-06-01T10:00:00+08:00',
  operation: 'upsert',
  payload: {
    person: {
      name,
      idCard: withCheck(idFirst17),
      gender: '女',
      birthDate: `${idFirst17.slice(6, 10)}-${idFirst17.slice(10, 12)}-${idFirst17.slice(12, 14)}`,
      address: '鼎山街道东门路1号',
    },
    ageBand: '80-89',
    monthlyAmount: '100.00',
    startDate: '2026-01-01',
    status,
    divisionCode: division,
  },
});

/** An assistance case (低保 / 特困 / 临时救助): one household, its applicant and members. */
function assistanceCase(c: {
  n: number;
  type: 'DIBAO' | 'TEKUN' | 'LINSHI';
  status: 'ACTIVE' | 'SUSPENDED' | 'TERMINATED';
  amount: string;
  start: string;
  end?: string;
  division: string;
  applicant: [name: string, idFirst17: string];
  members?: { name: string; idFirst17?: string; relation: string }[];
}) {
  const [name, idFirst17] = c.applicant;
  return {
    recordId: `CA-${c.type}-2026-${String(c.n).padStart(4, '0')}`,
    recordType: 'assistance',
    version: 1,
    updatedAt: '2026-10-01T10:00:00+08:00',
    operation: 'upsert',
    payload: {
      caseNo: `JJ-${c.type}-${c.n}`,
      assistanceType: c.type,
      status: c.status,
      monthlyAmount: c.amount,
      startDate: c.start,
      endDate: c.end ?? null,
      applicant: {
        name,
        idCard: withCheck(idFirst17),
        gender: '男',
        birthDate: `${idFirst17.slice(6, 10)}-${idFirst17.slice(10, 12)}-${idFirst17.slice(12, 14)}`,
        address: '鼎山街道东门路30号',
      },
      members: (c.members ?? []).map((m) => ({
        name: m.name,
        relation: m.relation,
        ...(m.idFirst17 ? { idCard: withCheck(m.idFirst17) } : {}),
      })),
      divisionCode: c.division,
    },
  };
}

/** A grid incident (事件) as the grid worker records it, at a collection time (Beijing). */
const incident = (
  n: number,
  grid: string,
  at: string,
  type: string,
  status: string,
  extra: Record<string, string> = {},
) => ({
  记录编号: `WG-${grid}-SJ-${String(n).padStart(4, '0')}`,
  记录类型: '事件',
  网格编码: grid,
  采集时间: at,
  采集人: '王网格',
  事件编号: `SJ-2026-${n}`,
  事件类型: type,
  事件描述: '居民反映问题',
  发生地址: grid.startsWith(DINGSHAN) ? '鼎山街道东门路15号' : '几江街道南门路1号',
  状态: status,
  ...extra,
});

/** A binary response body (the workbook) as a Buffer. */
const binary = (res: Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/**
 * Reports (报表) departments pull themselves, from the shared examples plus generated residents,
 * allowances, assistance cases and grid incidents: the numbers of each shipped report, the elderly
 * count agreeing with the roster form, the workbook, jurisdiction, department clients, and the
 * subjects behind a cell for staff only.
 */
describe('reports', () => {
  const suite = apiOnScenarioDatabase();
  let clerk: string;
  let township: string;
  let gridWorker: string;
  let admin: string;
  const personIds = new Map<string, string>();

  const push = (feed: string, records: object[]) =>
    hubHttp(suite.api).post(`/v1/feeds/${feed}/records`).send(records).expect(200);

  const pull = (token: string, template: string, body: object, status = 200) =>
    as(suite.api, token, null).post(`/v1/reports/${template}`).send(body).expect(status);

  const cells = (
    token: string,
    template: string,
    body: object,
    purpose: string | null = 'statistics',
  ) => as(suite.api, token, purpose).post(`/v1/reports/${template}/cells`).send(body);

  const rowOf = (table: Table, key: string) => table.rows.find((r) => r.key === key)!;

  beforeAll(async () => {
    for (const example of feedExamples()) await push(example.feed, [example.value]);
    await push('grid', [
      elder(1, DONGMEN, '东门社区', '赵一', '50011619400505101', '独居老人'),
      elder(2, DONGMEN, '东门社区', '钱二', '50011619300110102', '空巢老人'),
      elder(3, DONGMEN, '东门社区', '孙三', '50011619250601103', '独居老人；空巢老人'),
      elder(4, DONGMEN, '东门社区', '李四', '50011619461206104'), // 80 tomorrow
      elder(5, DONGMEN, '东门社区', '周五', '50011619461205105'), // 80 today
      elder(6, DONGMEN, '东门社区', '吴六', '50011619900101106'),
      elder(11, LANGSHAN, '琅山社区', '郑七', '50011619350303107'),
      {
        ...elder(21, NANMEN, '南门社区', '冯八', '50011619380808108'),
        居住地址: '几江街道南门社区南门路8号',
      },
    ]);
    const [police] = feedExamples();
    await push('population', [
      {
        ...police.value,
        RKBM: '50011620260101000109',
        GMSFHM: withCheck('50011619350909109'),
        XM: '陈九',
        CSRQ: '19350909',
        HJDZ_XZQHDM: DONGMEN,
        HJDZ_QHNXXDZ: '东门路9号',
        HH: '500116005000909',
        RYZTDM: '1', // deceased
      },
    ]);
    await push('assistance', [
      allowance(1, '赵一', '50011619400505101', 'ACTIVE', DONGMEN),
      allowance(2, '钱二', '50011619300110102', 'SUSPENDED', DONGMEN),
      allowance(3, '郑七', '50011619350303107', 'ACTIVE', LANGSHAN),
      assistanceCase({
        n: 1,
        type: 'DIBAO',
        status: 'ACTIVE',
        amount: '500.00',
        start: '2024-01-01',
        division: DONGMEN,
        applicant: ['何大', '50011619700101201'],
        members: [
          { name: '何小', relation: '儿子' },
          { name: '何二', idFirst17: '50011619720202202', relation: '妻' },
        ],
      }),
      assistanceCase({
        n: 2,
        type: 'TEKUN',
        status: 'ACTIVE',
        amount: '800.00',
        start: '2025-06-01',
        division: LANGSHAN,
        applicant: ['曹孤', '50011619500505203'],
      }),
      ...[
        // Not in November's figures: terminated, starting in December, ended in October,
        // a one-off 临时救助, suspended.
        { n: 3, type: 'DIBAO', status: 'TERMINATED', start: '2022-01-01' },
        { n: 4, type: 'DIBAO', status: 'ACTIVE', start: '2026-12-01' },
        { n: 5, type: 'DIBAO', status: 'ACTIVE', start: '2020-01-01', end: '2026-10-31' },
        { n: 6, type: 'LINSHI', status: 'ACTIVE', start: '2026-11-10' },
        { n: 7, type: 'DIBAO', status: 'SUSPENDED', start: '2022-01-01' },
      ].map((c) =>
        assistanceCase({
          ...(c as { n: number; type: 'DIBAO'; status: 'ACTIVE'; start: string; end?: string }),
          amount: '300.00',
          division: DONGMEN,
          applicant: [`邓${c.n}`, `5001161960060620${c.n}`],
        }),
      ),
      assistanceCase({
        n: 8,
        type: 'DIBAO',
        status: 'ACTIVE',
        amount: '400.00',
        start: '2023-03-01',
        division: NANMEN,
        applicant: ['范甲', '50011619650707208'],
        members: [{ name: '范乙', idFirst17: '50011619900909209', relation: '儿子' }],
      }),
      assistanceCase({
        n: 9,
        type: 'TEKUN',
        status: 'ACTIVE',
        amount: '600.00',
        start: '2022-01-01',
        end: '2026-11-15', // still paid in November
        division: DONGMEN,
        applicant: ['彭独', '50011619550404211'],
      }),
    ]);
    await push('grid', [
      incident(1, `${DONGMEN}-03`, '2026-10-05 09:00:00', '安全隐患', '已上报'),
      incident(2, `${DONGMEN}-03`, '2026-10-20 15:00:00', '矛盾纠纷', '已受理'),
      incident(3, `${DONGMEN}-01`, '2026-11-03 10:00:00', '环境卫生', '处置中'),
      incident(4, `${LANGSHAN}-02`, '2026-11-30 23:30:00', '民生诉求', '已上报'),
      incident(5, `${LANGSHAN}-02`, '2026-12-01 07:00:00', '民生诉求', '已上报'), // December in Beijing
      incident(6, `${DONGMEN}-03`, '2026-09-30 18:00:00', '安全隐患', '已上报'),
      incident(7, `${DONGMEN}-01`, '2026-11-10 09:00:00', '环境卫生', '已上报'),
      incident(8, `${NANMEN}-01`, '2026-11-05 09:00:00', '安全隐患', '已上报'),
    ]);
    await push('grid', [
      // The first incident moves along: reported in October, closed in November.
      incident(1, `${DONGMEN}-03`, '2026-11-02 10:00:00', '安全隐患', '已办结'),
      // The seventh is voided.
      incident(7, `${DONGMEN}-01`, '2026-11-11 09:00:00', '环境卫生', '已上报', { 作废: '是' }),
    ]);
    for (const idFirst17 of [
      '50011619400505101',
      '50011619250601103',
      '50011619700101201',
      '50011619500505203',
    ]) {
      const res = await hubHttp(suite.api)
        .get('/v1/persons')
        .query({ idNumber: withCheck(idFirst17) })
        .expect(200);
      personIds.set(idFirst17, res.body.persons[0].id as string);
    }
    const li = await hubHttp(suite.api)
      .get('/v1/persons')
      .query({ idNumber: '500381195603022029' })
      .expect(200);
    personIds.set('李秀英', li.body.persons[0].id as string);
    clerk = await staffToken(suite.api, {
      username: 'dongmen-reports',
      role: 'community-staff',
      divisionCode: DONGMEN,
    });
    township = await staffToken(suite.api, {
      username: 'dingshan-reports',
      role: 'township-staff',
      divisionCode: DINGSHAN,
    });
    gridWorker = await staffToken(suite.api, {
      username: 'dongmen-grid-reports',
      role: 'grid-worker',
      divisionCode: DONGMEN,
    });
    admin = await staffToken(suite.api, {
      username: 'jiangjin-reports',
      role: 'district-admin',
      divisionCode: '500116',
    });
  });

  it('lists the reports a caller may pull', async () => {
    const res = await as(suite.api, township, null).get('/v1/reports').expect(200);
    expect(res.body.reports.map((r: { id: string; title: string }) => [r.id, r.title])).toEqual([
      ['assistance-monthly', '城乡低保/特困救助对象统计月报'],
      ['elderly-statistics', '80周岁以上老人统计表'],
      ['grid-incidents', '网格事件统计表'],
    ]);
    expect(res.body.reports[0].cells).toBe(true);
    const none = await as(suite.api, gridWorker, null).get('/v1/reports').expect(200);
    expect(none.body.reports).toEqual([]);
    await pull(gridWorker, 'elderly-statistics', { divisionCode: DONGMEN }, 403);
  });

  it('counts the residents aged 80 or more per village, by age band, living alone and allowance', async () => {
    const res = await pull(township, 'elderly-statistics', {
      divisionCode: DINGSHAN,
      date: REPORT_DATE,
    });
    const table = res.body as Table;
    expect(table.rows).toHaveLength(13); // every community of 鼎山街道, zeros included
    expect(table.rows.every((r) => r.divisionCode.startsWith(DINGSHAN))).toBe(true);
    expect(rowOf(table, DONGMEN)).toMatchObject({
      groups: { village: DONGMEN },
      divisionName: '东门社区',
      cells: { total: 4, age80to89: 2, age90to99: 1, age100plus: 1, livingAlone: 2, allowance: 1 },
    });
    expect(rowOf(table, LANGSHAN).cells).toEqual({
      total: 1,
      age80to89: 0,
      age90to99: 1,
      age100plus: 0,
      livingAlone: 0,
      allowance: 1,
    });
    expect(rowOf(table, '500116005003').cells.total).toBe(0);
    expect(table.totals.cells).toEqual({
      total: 5,
      age80to89: 2,
      age90to99: 2,
      age100plus: 1,
      livingAlone: 2,
      allowance: 2,
    });
    expect(table.columns.map((c) => c.label)).toContain('80-89岁(人)');

    const district = (
      await pull(admin, 'elderly-statistics', { divisionCode: '500116', date: REPORT_DATE })
    ).body as Table;
    expect(rowOf(district, NANMEN).cells.total).toBe(1);
    expect(district.totals.cells.total).toBe(6);

    const [audit] = await suite.scenario.db.query<
      {
        actor: string;
        purpose: string | null;
        endpoint: string;
        subject_ids: string[];
        detail: Record<string, unknown>;
      }[]
    >(
      `SELECT actor, purpose, endpoint, subject_ids, detail FROM audit_log ORDER BY id DESC LIMIT 1`,
    );
    expect(audit).toMatchObject({
      actor: 'jiangjin-reports',
      purpose: null,
      endpoint: 'POST /v1/reports/:templateId',
      subject_ids: [],
      detail: {
        report: 'elderly-statistics',
        divisionCode: '500116',
        period: { date: REPORT_DATE },
      },
    });
  });

  it('agrees with the roster form: a village’s total is the number of its roster rows', async () => {
    for (const [token, divisionCode] of [
      [clerk, DONGMEN],
      [township, LANGSHAN],
      [township, DINGSHAN],
    ]) {
      const table = (await pull(token, 'elderly-statistics', { divisionCode, date: REPORT_DATE }))
        .body as Table;
      const roster = await as(suite.api, token, 'elderly-allowance-review')
        .post('/v1/forms/elderly-roster/prefill')
        .send({ divisionCode, formDate: REPORT_DATE })
        .expect(200);
      const rows = (roster.body as { sections: { rows: unknown[] }[] }).sections[0].rows;
      expect(rows.length).toBeGreaterThan(0);
      expect(`${divisionCode}: ${table.totals.cells.total}`).toBe(
        `${divisionCode}: ${rows.length}`,
      );
      if (divisionCode.length === 12)
        expect(rowOf(table, divisionCode).cells.total).toBe(rows.length);
    }
  });

  it('counts the assistance cases, their persons and amounts of a month per township', async () => {
    const table = (
      await pull(admin, 'assistance-monthly', { divisionCode: '500116', month: '2026-11' })
    ).body as Table;
    expect(table.rows.every((r) => r.key.length === 9 && r.key.startsWith('500116'))).toBe(true);
    expect(rowOf(table, DINGSHAN)).toMatchObject({
      divisionName: '鼎山街道',
      cells: {
        dibaoHouseholds: 2,
        dibaoPersons: 5,
        dibaoAmount: 1150,
        tekunHouseholds: 2,
        tekunPersons: 2,
        tekunAmount: 1400,
        households: 4,
        persons: 7,
        amount: 2550,
      },
    });
    expect(rowOf(table, JIJIANG).cells).toMatchObject({
      dibaoHouseholds: 1,
      dibaoPersons: 2,
      dibaoAmount: 400,
      tekunHouseholds: 0,
    });
    expect(table.totals.cells).toEqual({
      dibaoHouseholds: 3,
      dibaoPersons: 7,
      dibaoAmount: 1550,
      tekunHouseholds: 2,
      tekunPersons: 2,
      tekunAmount: 1400,
      households: 5,
      persons: 9,
      amount: 2950,
    });
    // December: the case starting then counts, the one that ended in November no more.
    const december = (
      await pull(township, 'assistance-monthly', { divisionCode: DINGSHAN, month: '2026-12' })
    ).body as Table;
    expect(december.rows.map((r) => r.key)).toEqual([DINGSHAN]);
    expect(december.totals.cells).toMatchObject({ dibaoHouseholds: 3, tekunHouseholds: 1 });
  });

  it('counts grid incidents per grid and month, by type and status', async () => {
    const table = (
      await pull(township, 'grid-incidents', {
        divisionCode: DINGSHAN,
        from: '2026-10-01',
        to: '2026-11-30',
      })
    ).body as Table;
    expect(table.rows.map((r) => [r.key, r.divisionName, r.cells.total])).toEqual([
      [`${LANGSHAN}-02/2026-11`, '琅山社区', 1],
      [`${DONGMEN}-01/2026-11`, '东门社区', 1],
      [`${DONGMEN}-03/2026-10`, '东门社区', 2],
    ]);
    expect(rowOf(table, `${DONGMEN}-03/2026-10`)).toMatchObject({
      groups: { grid: `${DONGMEN}-03`, month: '2026-10' },
      cells: { hazard: 1, dispute: 1, closed: 1, accepted: 1, reported: 0 },
    });
    expect(rowOf(table, `${LANGSHAN}-02/2026-11`).cells).toMatchObject({ request: 1, reported: 1 });
    expect(table.totals.cells).toMatchObject({ total: 4, hazard: 1, sanitation: 1, handling: 1 });
    const november = (
      await pull(clerk, 'grid-incidents', { divisionCode: DONGMEN, month: '2026-11' })
    ).body as Table;
    expect(november.rows.map((r) => r.key)).toEqual([`${DONGMEN}-01/2026-11`]);
  });

  it('answers a workbook that opens with exceljs and holds the numbers', async () => {
    const res = await as(suite.api, township, null)
      .post('/v1/reports/elderly-statistics')
      .query({ format: 'xlsx' })
      .send({ divisionCode: DINGSHAN, date: REPORT_DATE })
      .buffer(true)
      .parse(binary)
      .expect(200)
      .expect('content-type', /spreadsheetml/);
    expect(res.headers['content-disposition']).toContain(
      'elderly-statistics-500116005-2026-12-05.xlsx',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body);
    const sheet = workbook.worksheets[0];
    expect(sheet.name).toBe('80周岁以上老人统计表');
    expect(sheet.getCell('A1').value).toBe('80周岁以上老人统计表');
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 3, xSplit: 2 });
    expect(sheet.getRow(3).values).toEqual([
      undefined,
      '区划代码',
      '村(社区)',
      '80周岁以上老人(人)',
      '80-89岁(人)',
      '90-99岁(人)',
      '100岁及以上(人)',
      '其中独居(人)',
      '其中享受高龄津贴(人)',
    ]);
    const rows = new Map<string, unknown[]>();
    sheet.eachRow((row) => rows.set(row.getCell(1).text, (row.values as unknown[]).slice(3)));
    expect(rows.get(DONGMEN)).toEqual([4, 2, 1, 1, 2, 1]);
    expect(rows.get('合计')).toEqual([5, 2, 2, 1, 2, 2]);
    expect(sheet.getColumn(2).width).toBeGreaterThanOrEqual(10);
  });

  it('keeps a community clerk to their village', async () => {
    const own = (
      await pull(clerk, 'elderly-statistics', { divisionCode: DONGMEN, date: REPORT_DATE })
    ).body as Table;
    expect(own.rows.map((r) => r.key)).toEqual([DONGMEN]);
    expect(own.totals.cells.total).toBe(4);
    await pull(clerk, 'elderly-statistics', { divisionCode: LANGSHAN }, 403);
    await pull(clerk, 'elderly-statistics', { divisionCode: DINGSHAN }, 403);
    // A township report asked for a village has that village as its one row.
    const assistance = (
      await pull(clerk, 'assistance-monthly', { divisionCode: DONGMEN, month: '2026-11' })
    ).body as Table;
    expect(
      assistance.rows.map((r) => [r.key, r.cells.dibaoHouseholds, r.cells.tekunAmount]),
    ).toEqual([[DONGMEN, 2, 600]]);
    await pull(township, 'elderly-statistics', { divisionCode: '500116005999' }, 404);
    await pull(clerk, 'nope', { divisionCode: DONGMEN }, 404);
    await pull(
      clerk,
      'assistance-monthly',
      { divisionCode: DONGMEN, from: '2026-11-01', to: '2026-11-30' },
      400,
    );
  });

  it('lets a department client with the reports scope pull for its jurisdiction, never a cell', async () => {
    const department = await createClient(suite.api, {
      name: 'civil-affairs-reports',
      scopes: ['reports:read'],
      divisionCode: DINGSHAN,
    });
    const listed = await as(suite.api, department.token, null).get('/v1/reports').expect(200);
    expect(listed.body.reports).toHaveLength(3);
    const table = (
      await pull(department.token, 'assistance-monthly', {
        divisionCode: DINGSHAN,
        month: '2026-11',
      })
    ).body as Table;
    expect(
      table.rows.map((r) => [r.key, r.cells.households, r.cells.persons, r.cells.amount]),
    ).toEqual([[DINGSHAN, 4, 7, 2550]]);
    await pull(
      department.token,
      'assistance-monthly',
      { divisionCode: '500116', month: '2026-11' },
      403,
    );
    await pull(
      department.token,
      'assistance-monthly',
      { divisionCode: JIJIANG, month: '2026-11' },
      403,
    );
    await cells(department.token, 'assistance-monthly', {
      divisionCode: DINGSHAN,
      month: '2026-11',
      row: DINGSHAN,
      column: 'dibaoPersons',
    }).expect(403);
  });

  it('lists the persons or events behind a cell for staff, audited with them as subjects', async () => {
    const alone = await cells(township, 'elderly-statistics', {
      divisionCode: DINGSHAN,
      date: REPORT_DATE,
      row: DONGMEN,
      column: 'livingAlone',
    }).expect(200);
    expect(alone.body).toMatchObject({
      subjectType: 'person',
      row: DONGMEN,
      column: 'livingAlone',
    });
    expect([...alone.body.ids].sort()).toEqual(
      [personIds.get('50011619400505101'), personIds.get('50011619250601103')].sort(),
    );
    const all = await cells(township, 'elderly-statistics', {
      divisionCode: DINGSHAN,
      date: REPORT_DATE,
      row: 'total',
      column: 'total',
    }).expect(200);
    expect(all.body.ids).toHaveLength(5);

    const persons = await cells(township, 'assistance-monthly', {
      divisionCode: DINGSHAN,
      month: '2026-11',
      row: DINGSHAN,
      column: 'dibaoPersons',
    }).expect(200);
    expect(persons.body.ids).toHaveLength(5);
    expect(persons.body.ids).toEqual(
      expect.arrayContaining([personIds.get('李秀英'), personIds.get('50011619700101201')]),
    );
    const [audit] = await suite.scenario.db.query<
      {
        actor: string;
        purpose: string;
        endpoint: string;
        subject_ids: string[];
        detail: Record<string, unknown>;
      }[]
    >(
      `SELECT actor, purpose, endpoint, subject_ids, detail FROM audit_log ORDER BY id DESC LIMIT 1`,
    );
    expect(audit).toMatchObject({
      actor: 'dingshan-reports',
      purpose: 'statistics',
      endpoint: 'POST /v1/reports/:templateId/cells',
      detail: { report: 'assistance-monthly', row: DINGSHAN, column: 'dibaoPersons', count: 5 },
    });
    expect([...audit.subject_ids].sort()).toEqual([...(persons.body.ids as string[])].sort());

    const amounts = await cells(township, 'assistance-monthly', {
      divisionCode: DINGSHAN,
      month: '2026-11',
      row: DINGSHAN,
      column: 'tekunAmount',
    }).expect(200);
    expect(amounts.body).toMatchObject({ subjectType: 'event' });
    expect(amounts.body.ids).toHaveLength(2);

    const hazards = await cells(clerk, 'grid-incidents', {
      divisionCode: DONGMEN,
      from: '2026-10-01',
      to: '2026-11-30',
      row: `${DONGMEN}-03/2026-10`,
      column: 'total',
    }).expect(200);
    expect(hazards.body.ids).toHaveLength(2);

    await cells(gridWorker, 'elderly-statistics', {
      divisionCode: DONGMEN,
      row: DONGMEN,
      column: 'total',
    }).expect(403);
    await cells(
      township,
      'elderly-statistics',
      { divisionCode: DONGMEN, row: DONGMEN, column: 'total' },
      'grid-visit',
    ).expect(400);
    await cells(township, 'elderly-statistics', {
      divisionCode: DONGMEN,
      row: DONGMEN,
      column: 'age70',
    }).expect(400);
    await cells(township, 'elderly-statistics', {
      divisionCode: DONGMEN,
      row: LANGSHAN,
      column: 'total',
    }).expect(400);
  });

  // Last: it adds a resident.
  it('counts an elder whose addresses name only the township in the community of their grid, as the roster does', async () => {
    const statistics = async () =>
      (await pull(township, 'elderly-statistics', { divisionCode: DINGSHAN, date: REPORT_DATE }))
        .body as Table;
    const before = rowOf(await statistics(), LANGSHAN).cells;
    // 王十, 90: the grid worker records him in 琅山社区's grid, the police only in 鼎山街道.
    const idFirst17 = '50011619360404111';
    await push('grid', [
      { ...elder(12, LANGSHAN, '琅山社区', '王十', idFirst17), 居住地址: '鼎山街道双福大道72号' },
    ]);
    const [police] = feedExamples();
    await push('population', [
      {
        ...police.value,
        RKBM: '50011620260101000111',
        GMSFHM: withCheck(idFirst17),
        XM: '王十',
        XBDM: '1',
        CSRQ: '19360404',
        HJDZ_XZQHDM: DINGSHAN,
        HJDZ_QHNXXDZ: '双福大道72号',
        HH: '500116005000111',
        LXDH: '13900009012',
        RYZTDM: '0',
      },
    ]);
    const [wang] = await suite.scenario.db.query<{ divisionCode: string }[]>(
      `SELECT division_code AS "divisionCode" FROM person WHERE id_number = $1 AND merged_into IS NULL`,
      [withCheck(idFirst17)],
    );
    expect(wang.divisionCode).toBe(LANGSHAN);

    const table = await statistics();
    expect(rowOf(table, LANGSHAN).cells).toEqual({
      ...before,
      total: before.total + 1,
      age90to99: before.age90to99 + 1,
    });
    expect(table.rows.filter((r) => r.unplaced || r.key === DINGSHAN)).toEqual([]);
    const prefill = await as(suite.api, township, 'elderly-allowance-review')
      .post('/v1/forms/elderly-roster/prefill')
      .send({ divisionCode: LANGSHAN, formDate: REPORT_DATE })
      .expect(200);
    expect((prefill.body as { sections: { rows: unknown[] }[] }).sections[0].rows).toHaveLength(
      before.total + 1,
    );
    const roster = await as(suite.api, township, 'elderly-allowance-review')
      .get('/v1/forms/elderly-roster/export')
      .query({ divisionCode: LANGSHAN, formDate: REPORT_DATE, format: 'csv' })
      .expect(200);
    const lines = roster.text.trim().split('\r\n').slice(1); // the header
    expect(lines).toHaveLength(before.total + 1);
    expect(lines.filter((l) => l.includes('王十'))).toEqual([
      expect.stringContaining(withCheck(idFirst17)),
    ]);
  });
});
