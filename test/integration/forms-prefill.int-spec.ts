import { as, hubHttp, staffToken } from '../support/access';
import { feedExamples } from '../support/feed-examples';
import { gridResident, withCheck } from '../support/residents';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const DONGMEN = '500116005002'; // 东门社区, where the shared examples' 李秀英 lives
const LANGSHAN = '500116005001'; // 琅山社区, its neighbour
const LI_XIUYING = '500381195603022029';

interface Field {
  key: string;
  value: unknown;
  display: string | null;
  status: string;
  provenance: { department: string; feed: string; sourceRecordId: string } | null;
  alternatives: { value: unknown; provenance: { department: string } }[];
}
interface Form {
  sections: { key: string; fields?: Field[]; rows?: { entityId: string; cells: Field[] }[] }[];
  missing: { section: string; field: string }[];
  flags: { code: string }[];
  maskedFields: string[];
}

const fieldOf = (form: Form, section: string, key: string) =>
  form.sections.find((s) => s.key === section)!.fields!.find((f) => f.key === key)!;

/**
 * The 一表通 forms prefilled from the shared example records of the three departments: values
 * with their department and record, what is missing, flags, jurisdiction and masking by role.
 */
describe('prefilled forms', () => {
  const suite = apiOnScenarioDatabase();
  let clerk: string;
  let neighbour: string;
  let gridWorker: string;
  let township: string;

  beforeAll(async () => {
    for (const example of feedExamples())
      await hubHttp(suite.api)
        .post(`/v1/feeds/${example.feed}/records`)
        .send([example.value])
        .expect(200);
    clerk = await staffToken(suite.api, {
      username: 'dongmen-clerk',
      role: 'community-staff',
      divisionCode: DONGMEN,
    });
    neighbour = await staffToken(suite.api, {
      username: 'langshan-clerk',
      role: 'community-staff',
      divisionCode: LANGSHAN,
    });
    township = await staffToken(suite.api, {
      username: 'dingshan-clerk',
      role: 'township-staff',
      divisionCode: '500116005',
    });
    gridWorker = await staffToken(suite.api, {
      username: 'dongmen-grid',
      role: 'grid-worker',
      divisionCode: DONGMEN,
    });
  });

  const prefill = (token: string, form: string, body: object, purpose: string) =>
    as(suite.api, token, purpose).post(`/v1/forms/${form}/prefill`).send(body);

  it('lists the forms a role may use', async () => {
    const forClerk = await as(suite.api, clerk, null).get('/v1/forms').expect(200);
    expect(forClerk.body.forms.map((f: { id: string }) => f.id)).toEqual([
      'dibao-household',
      'elderly-allowance',
      'elderly-roster',
      'grid-visit',
    ]);
    const forGrid = await as(suite.api, gridWorker, null).get('/v1/forms').expect(200);
    expect(forGrid.body.forms.map((f: { id: string }) => f.id)).toEqual(['grid-visit']);
    await as(suite.api, gridWorker, null).get('/v1/forms/dibao-household').expect(404);
    const template = await as(suite.api, clerk, null)
      .get('/v1/forms/elderly-allowance')
      .expect(200);
    expect(template.body).toMatchObject({
      title: '高龄津贴申领审核表',
      purpose: 'elderly-allowance-review',
    });
  });

  it('prefills the elderly allowance form with each value’s department and record', async () => {
    const res = await prefill(
      clerk,
      'elderly-allowance',
      { idNumber: LI_XIUYING, formDate: '2026-12-05' },
      'elderly-allowance-review',
    ).expect(200);
    const form = res.body as Form;
    expect(fieldOf(form, 'person', 'name')).toMatchObject({
      value: '李秀英',
      status: 'filled',
      provenance: {
        department: '公安',
        feed: 'population',
        sourceRecordId: '50011620230824000017',
      },
    });
    expect(fieldOf(form, 'person', 'idNumber')).toMatchObject({
      value: LI_XIUYING,
      status: 'filled',
    });
    expect(fieldOf(form, 'person', 'gender')).toMatchObject({ value: '2', display: '女' });
    expect(fieldOf(form, 'person', 'age')).toMatchObject({ value: 70 });
    expect(fieldOf(form, 'person', 'ageBand')).toMatchObject({ value: null, status: 'missing' });
    expect(fieldOf(form, 'person', 'phone')).toMatchObject({
      value: '13823456789',
      provenance: { department: '网格', sourceRecordId: 'WG-500116005002-03-20230824-0007' },
    });
    expect(fieldOf(form, 'person', 'livingAlone')).toMatchObject({
      value: '是',
      provenance: { department: '网格' },
    });
    expect(fieldOf(form, 'person', 'hukouAddress')).toMatchObject({
      display: expect.stringContaining('东门路12号'),
      provenance: { department: '公安' },
    });
    expect(fieldOf(form, 'person', 'status')).toMatchObject({ value: 'normal', display: '正常' });
    expect(form.missing).toEqual(
      expect.arrayContaining([
        { section: 'review', field: 'bankAccount', label: '银行账号' },
        { section: 'review', field: 'opinion', label: '审核意见' },
      ]),
    );
    expect(form.flags).toEqual([]);
    expect(form.maskedFields).toEqual([]);

    const [audit] = await suite.scenario.db.query<
      { actor: string; purpose: string; endpoint: string; subject_ids: string[] }[]
    >(`SELECT actor, purpose, endpoint, subject_ids FROM audit_log ORDER BY id DESC LIMIT 1`);
    expect(audit).toMatchObject({
      actor: 'dongmen-clerk',
      purpose: 'elderly-allowance-review',
      endpoint: 'POST /v1/forms/:templateId/prefill',
    });
    expect(audit.subject_ids).toHaveLength(1);
  });

  it('prefills the household form: members with their relation to the applicant, the assistance case', async () => {
    const res = await prefill(
      clerk,
      'dibao-household',
      { idNumber: LI_XIUYING },
      'dibao-review',
    ).expect(200);
    const form = res.body as Form;
    const members = form.sections.find((s) => s.key === 'members')!.rows!;
    expect(members).toHaveLength(1);
    const cell = (key: string) => members[0].cells.find((c) => c.key === key)!;
    expect(cell('name')).toMatchObject({ value: '王建国', provenance: { department: '民政' } });
    expect(cell('relationToApplicant')).toMatchObject({ value: '10', display: '配偶' });
    expect(cell('disabilityLevel').value).toBeTruthy();
    const assistance = form.sections.find((s) => s.key === 'assistance')!.rows!;
    expect(assistance.map((r) => r.cells.find((c) => c.key === 'monthlyAmount')!.display)).toEqual([
      '650.00元',
    ]);
    expect(form.missing).toEqual(
      expect.arrayContaining([
        { section: 'declaration', field: 'monthlyIncome', label: '家庭月总收入' },
        { section: 'declaration', field: 'reason', label: '申请理由' },
      ]),
    );
  });

  it('refines a case member stated as 子女 or 其他 by the gender or the police household', async () => {
    // 张桂兰 heads a police household (户号) with her son, her daughter and her brother; her 低保
    // case lists them as 子女, 子女 and 其他, and a child the police do not know, also as 子女.
    const [police] = feedExamples();
    const applicantId = withCheck('50038119600412202');
    const resident = (
      n: number,
      r: { XM: string; GMSFHM: string; XBDM: string; YHZGXDM: string },
    ) => ({
      ...police.value,
      RKBM: `5001162024051000${String(n).padStart(4, '0')}`,
      SJBBH: '1',
      BDLX: 'XZ',
      BDSJ: '2024-05-10 09:00:00',
      CSRQ: r.GMSFHM.slice(6, 14),
      HJDZ_XZQHDM: DONGMEN,
      HJDZ_QHNXXDZ: '东门路30号1栋1单元101室',
      HH: '500116005000777',
      LXDH: undefined,
      ...r,
    });
    const son = withCheck('50038119850301101');
    const daughter = withCheck('50038119870715204');
    const brother = withCheck('50038119630920101');
    await hubHttp(suite.api)
      .post('/v1/feeds/population/records')
      .send([
        resident(1, { XM: '张桂兰', GMSFHM: applicantId, XBDM: '2', YHZGXDM: '02' }),
        resident(2, { XM: '王磊', GMSFHM: son, XBDM: '1', YHZGXDM: '20' }),
        // 未知的性别: only the police relation 30 女 tells her case's 子女 apart.
        resident(3, { XM: '王芳', GMSFHM: daughter, XBDM: '0', YHZGXDM: '30' }),
        resident(4, { XM: '张建华', GMSFHM: brother, XBDM: '1', YHZGXDM: '70' }),
      ])
      .expect(200);
    const [, assistance] = feedExamples();
    await hubHttp(suite.api)
      .post('/v1/feeds/assistance/records')
      .send([
        {
          ...assistance.value,
          recordId: 'CA-DB-2024-000777',
          version: 1,
          updatedAt: '2024-05-10T10:00:00+08:00',
          payload: {
            caseNo: 'JJ-DB-2024-0777',
            assistanceType: 'DIBAO',
            status: 'ACTIVE',
            monthlyAmount: '720.00',
            startDate: '2024-05-01',
            endDate: null,
            applicant: {
              name: '张桂兰',
              idCard: applicantId,
              gender: '女',
              birthDate: '1960-04-12',
              address: '鼎山街道东门社区东门路30号1栋1单元101室',
            },
            members: [
              { name: '王磊', idCard: son, relation: '子女' },
              { name: '王芳', idCard: daughter, relation: '子女' },
              { name: '张建华', idCard: brother, relation: '其他' },
              { name: '王小军', relation: '子女' },
            ],
            divisionCode: DONGMEN,
            community: '鼎山街道东门社区',
          },
        },
      ])
      .expect(200);
    const res = await prefill(
      clerk,
      'dibao-household',
      { idNumber: applicantId },
      'dibao-review',
    ).expect(200);
    const rows = (res.body as Form).sections.find((s) => s.key === 'members')!.rows!;
    const relation = (name: string) => {
      const row = rows.find((r) => r.cells.find((c) => c.key === 'name')!.value === name)!;
      const { value, display, status } = row.cells.find((c) => c.key === 'relationToApplicant')!;
      return { value, display, status };
    };
    expect(rows).toHaveLength(4);
    // 子女 and the son's gender (the police agree: 20 子).
    expect(relation('王磊')).toEqual({ value: '20', display: '子', status: 'filled' });
    // 子女 and the police relation via the head: 30 女.
    expect(relation('王芳')).toEqual({ value: '30', display: '女', status: 'filled' });
    // 其他 is the case's catch-all: the police say 兄弟姐妹.
    expect(relation('张建华')).toEqual({ value: '70', display: '兄弟姐妹', status: 'filled' });
    // Nothing tells this child's gender: 80, for staff to confirm.
    expect(relation('王小军')).toEqual({ value: '80', display: '其他', status: 'flagged' });
  });

  it('answers 404 for a resident of the next community, and 400 for another purpose', async () => {
    await prefill(
      neighbour,
      'elderly-allowance',
      { idNumber: LI_XIUYING },
      'elderly-allowance-review',
    ).expect(404);
    await prefill(clerk, 'elderly-allowance', { idNumber: LI_XIUYING }, 'dibao-review').expect(400);
    await prefill(
      clerk,
      'elderly-allowance',
      { placeId: '00000000-0000-4000-8000-000000000000' },
      'elderly-allowance-review',
    ).expect(400);
  });

  it('masks ID numbers on a grid worker’s visit form of the address', async () => {
    const person = await hubHttp(suite.api)
      .get('/v1/persons')
      .query({ idNumber: LI_XIUYING })
      .expect(200);
    const detail = await hubHttp(suite.api)
      .get(`/v1/persons/${person.body.persons[0].id}`)
      .expect(200);
    const placeId = (
      detail.body.relations as { type: string; otherId: string; direction: string }[]
    ).find((r) => r.type === 'lives_at' && r.direction === 'out')!.otherId;
    const res = await prefill(gridWorker, 'grid-visit', { placeId }, 'grid-visit').expect(200);
    const form = res.body as Form;
    expect(JSON.stringify(form)).not.toContain(LI_XIUYING);
    const residents = form.sections.find((s) => s.key === 'residents')!.rows!;
    expect(residents.length).toBeGreaterThanOrEqual(1);
    expect(residents[0].cells.find((c) => c.key === 'idNumber')!.value).toBe('500381********2029');
    expect(form.maskedFields).toEqual(['idNumber']);

    // The same flat as staff type it, in any spelling the departments use: the divisions it
    // does not name are the grid worker's own (东门社区, 鼎山街道).
    for (const address of ['东门路12号3-2-501', '江津区鼎山街道东门路１２号3幢2单元501室']) {
      const typed = await prefill(gridWorker, 'grid-visit', { address }, 'grid-visit').expect(200);
      expect(typed.body.subject).toEqual({ kind: 'place', placeId });
      expect(typed.body.sections).toEqual(form.sections);
    }
    const nowhere = await prefill(
      gridWorker,
      'grid-visit',
      { address: '东门路99号1栋1单元101室' },
      'grid-visit',
    ).expect(404);
    expect(nowhere.body.message).toBe('no place known at this address');
    await prefill(gridWorker, 'grid-visit', { address: '鼎山街道' }, 'grid-visit').expect(400);
    // The neighbouring community's grid worker does not see the flat.
    const langshanGrid = await staffToken(suite.api, {
      username: 'langshan-grid',
      role: 'grid-worker',
      divisionCode: LANGSHAN,
    });
    await prefill(
      langshanGrid,
      'grid-visit',
      { address: '鼎山街道东门路12号3-2-501' },
      'grid-visit',
    ).expect(404);
  });

  it('flags a deceased resident instead of prefilling them silently', async () => {
    const [police] = feedExamples();
    const id = withCheck('50011619300101002');
    await hubHttp(suite.api)
      .post('/v1/feeds/population/records')
      .send([
        {
          ...police.value,
          RKBM: '50011620230824009999',
          GMSFHM: id,
          XM: '陈老汉',
          CSRQ: '19300101',
          RYZTDM: '1',
          HH: '500116005000999',
        },
      ])
      .expect(200);
    const res = await prefill(
      township, // the record names only the township of the 户籍
      'elderly-allowance',
      { idNumber: id, formDate: '2026-12-05' },
      'elderly-allowance-review',
    ).expect(200);
    const form = res.body as Form;
    expect(form.flags.map((f) => f.code)).toContain('deceased');
    expect(fieldOf(form, 'person', 'status')).toMatchObject({
      value: 'deceased',
      status: 'flagged',
      display: '死亡',
    });
    expect(fieldOf(form, 'person', 'ageBand')).toMatchObject({ value: '90-99' });
  });

  it('lists the living residents aged 80 or more of a community on the roster', async () => {
    await hubHttp(suite.api)
      .post('/v1/feeds/grid/records')
      .send([
        gridResident({
          n: 81,
          community: DONGMEN,
          communityName: '东门社区',
          name: '赵大娘',
          idFirst17: '50011619400505002',
          phone: '13900008101',
        }),
        gridResident({
          n: 82,
          community: DONGMEN,
          communityName: '东门社区',
          name: '钱小妹',
          idFirst17: '50011619900505002',
          phone: '13900008102',
        }),
      ])
      .expect(200);
    const res = await prefill(
      clerk,
      'elderly-roster',
      { divisionCode: DONGMEN, formDate: '2026-12-05' },
      'elderly-allowance-review',
    ).expect(200);
    const rows = (res.body as Form).sections[0].rows!;
    const names = rows.map((r) => r.cells.find((c) => c.key === 'name')!.value);
    expect(names).toContain('赵大娘');
    expect(names).not.toContain('钱小妹');
    expect(names).not.toContain('李秀英');
    await prefill(
      neighbour,
      'elderly-roster',
      { divisionCode: DONGMEN },
      'elderly-allowance-review',
    ).expect(403);
  });
});
