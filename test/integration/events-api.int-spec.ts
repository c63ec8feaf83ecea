import { as, hubHttp, staffToken } from '../support/access';
import { feedExamples } from '../support/feed-examples';
import { withCheck } from '../support/residents';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const DONGMEN = '500116005002'; // 东门社区, where the shared examples' 李秀英 lives
const LANGSHAN = '500116005001'; // 琅山社区, its neighbour
const LI_XIUYING = '500381195603022029';
const WANG_JIANGUO = '500381195809113110';

interface EventPerson {
  personId: string;
  name: string;
  idNumber: string | null;
  role: string;
  roleLabel: string;
  department: string;
  sourceRecordId: string;
}

/**
 * The events API on the shared example records: 李秀英's 低保 case (民政) read as staff read it,
 * a later 临时救助 case of hers, a grid incident of 东门社区 and a case of 琅山社区; jurisdiction,
 * masking and the audit.
 */
describe('events API', () => {
  const suite = apiOnScenarioDatabase();
  const [, assistance] = feedExamples();
  let dongmen: string;
  let langshan: string;
  let dongmenGrid: string;

  const caseOf = (recordId: string, payload: Record<string, unknown>) => ({
    ...assistance.value,
    recordId,
    updatedAt: '2024-01-10T10:00:00+08:00',
    payload: { ...(assistance.value.payload as object), ...payload },
  });
  // A one-off grant to 李秀英 after her 低保 case: newer, so listed first.
  const linshi = caseOf('CA-LS-2024-000012', {
    caseNo: 'JJ-LS-2024-0012',
    assistanceType: 'LINSHI',
    monthlyAmount: '1200.00',
    startDate: '2024-01-10',
    members: [],
  });
  // A case in the neighbouring community, of someone else.
  const langshanCase = caseOf('CA-DB-2023-000777', {
    caseNo: 'JJ-DB-2023-0777',
    applicant: {
      name: '赵桂兰',
      idCard: withCheck('50038119480101102'),
      gender: '女',
      birthDate: '1948-01-01',
      phone: '13800000777',
      address: '江津区鼎山街道琅山社区滨江路3号',
    },
    members: [],
    divisionCode: LANGSHAN,
    community: '鼎山街道琅山社区',
  });
  const incident = {
    记录编号: 'WG-500116005002-03-20230905-0301',
    记录类型: '事件',
    网格编码: '500116005002-03',
    采集时间: '2023-09-05 10:00:00',
    采集人: '王网格',
    事件编号: 'SJ-20230905-0301',
    事件类型: '安全隐患',
    事件描述: '楼道堆放杂物',
    发生地址: '鼎山街道东门路15号',
    涉及人员: [{ 姓名: '钱多多', 手机号: '13700000009' }],
    状态: '已上报',
  };

  const admin = () => hubHttp(suite.api);
  const personOf = async (idNumber: string) => {
    const { body } = await admin().get('/v1/persons').query({ idNumber }).expect(200);
    return body.persons[0].id as string;
  };
  const eventsOf = async (personId: string, query: Record<string, string> = {}) =>
    (await admin().get(`/v1/persons/${personId}/events`).query(query).expect(200)).body.events as {
      id: string;
      eventType: string;
      labels: Record<string, string>;
      values: Record<string, unknown>;
      role: string;
      roleLabel: string;
      department: string;
      sourceRecordId: string;
    }[];

  beforeAll(async () => {
    for (const example of feedExamples())
      await admin().post(`/v1/feeds/${example.feed}/records`).send([example.value]).expect(200);
    await admin().post('/v1/feeds/assistance/records').send([linshi, langshanCase]).expect(200);
    await admin().post('/v1/feeds/grid/records').send([incident]).expect(200);
    dongmen = await staffToken(suite.api, {
      username: 'dongmen-clerk',
      role: 'community-staff',
      divisionCode: DONGMEN,
    });
    langshan = await staffToken(suite.api, {
      username: 'langshan-clerk',
      role: 'community-staff',
      divisionCode: LANGSHAN,
    });
    dongmenGrid = await staffToken(suite.api, {
      username: 'dongmen-grid',
      role: 'grid-worker',
      divisionCode: DONGMEN,
    });
  });

  it('lists a resident’s events newest first, with their role, values and texts', async () => {
    const li = await personOf(LI_XIUYING);
    const events = await eventsOf(li);
    expect(events.map((e) => e.sourceRecordId)).toEqual([linshi.recordId, assistance.key]);
    expect(events[1]).toMatchObject({
      eventType: 'assistance',
      status: 'active',
      occurredAt: expect.stringMatching(/^2021-05-0/),
      divisionCode: DONGMEN,
      labels: { eventType: '社会救助', status: '享受中', division: '东门社区' },
      values: {
        caseNumber: 'JJ-DB-2021-0319',
        assistanceType: '城乡低保',
        monthlyAmount: '650.00',
        startDate: '2021-05-01',
      },
      role: 'applicant',
      roleLabel: '申请人',
      department: '民政',
      feed: 'assistance',
    });
    expect(events[0].values).toMatchObject({
      assistanceType: '临时救助',
      monthlyAmount: '1200.00',
    });
    expect((await eventsOf(li, { type: 'grid_incident' })).map((e) => e.id)).toEqual([]);
    expect((await eventsOf(li, { limit: '1' })).map((e) => e.id)).toEqual([events[0].id]);
    // Her husband is in the 低保 case only, as a household member.
    const husband = await eventsOf(await personOf(WANG_JIANGUO));
    expect(husband.map((e) => [e.id, e.role, e.roleLabel])).toEqual([
      [events[1].id, 'household_member', '家庭成员'],
    ]);
  });

  it('reads an assistance case: type, amount, dates, status, the persons involved and each value’s source', async () => {
    const li = await personOf(LI_XIUYING);
    const husband = await personOf(WANG_JIANGUO);
    const [, dibao] = await eventsOf(li);
    const { body } = await as(suite.api, dongmen, 'dibao-review')
      .get(`/v1/events/${dibao.id}`)
      .expect(200);
    expect(body).toMatchObject({
      id: dibao.id,
      eventType: 'assistance',
      status: 'active',
      divisionCode: DONGMEN,
      endedAt: null,
      labels: { eventType: '社会救助', status: '享受中', division: '东门社区' },
      values: { assistanceType: '城乡低保', monthlyAmount: '650.00', startDate: '2021-05-01' },
      maskedFields: [],
    });
    expect(body.candidates.monthlyAmount).toEqual([
      {
        value: '650.00',
        valid: true,
        department: '民政',
        feed: 'assistance',
        sourceRecordId: assistance.key,
        pointer: '/payload',
        observedAt: expect.any(String),
      },
    ]);
    expect(body.candidates.status[0]).toMatchObject({ value: 'active', label: '享受中' });
    const persons = (body.persons as EventPerson[]).sort((a, b) => a.role.localeCompare(b.role));
    expect(persons).toEqual([
      expect.objectContaining({
        personId: li,
        name: '李秀英',
        idNumber: LI_XIUYING,
        role: 'applicant',
        roleLabel: '申请人',
        department: '民政',
        sourceRecordId: assistance.key,
      }),
      expect.objectContaining({
        personId: husband,
        name: '王建国',
        idNumber: WANG_JIANGUO,
        role: 'household_member',
        roleLabel: '家庭成员',
      }),
    ]);
    expect(body.places).toEqual([
      expect.objectContaining({
        relation: 'happened_in',
        placeCode: DONGMEN,
        name: '东门社区',
        department: '民政',
        sourceRecordId: assistance.key,
      }),
    ]);
    expect(body.mentions).toEqual([
      {
        department: '民政',
        feed: 'assistance',
        sourceRecordId: assistance.key,
        pointer: '/payload',
        active: true,
      },
    ]);
    // Audited under the purpose, with the persons it shows.
    const [audit] = await suite.scenario.db.query<
      { actor: string; purpose: string; subject_ids: string[] }[]
    >(`SELECT actor, purpose, subject_ids FROM audit_log ORDER BY id DESC LIMIT 1`);
    expect(audit).toMatchObject({ actor: 'dongmen-clerk', purpose: 'dibao-review' });
    expect(audit.subject_ids.sort()).toEqual([dibao.id, li, husband].sort());
  });

  it('masks the ID numbers of the persons involved for a grid worker', async () => {
    const [, dibao] = await eventsOf(await personOf(LI_XIUYING));
    const res = await as(suite.api, dongmenGrid, 'grid-visit')
      .get(`/v1/events/${dibao.id}`)
      .expect(200);
    expect(res.headers['x-masked-fields']).toBe('idNumber');
    expect((res.body.persons as EventPerson[]).map((p) => [p.name, p.idNumber]).sort()).toEqual([
      ['李秀英', '500381********2029'],
      ['王建国', '500381********3110'],
    ]);
    expect(JSON.stringify(res.body)).not.toContain(LI_XIUYING);
  });

  it('reads a grid incident of the community by its grid, with its place and the person involved', async () => {
    const { body: found } = await admin().get('/v1/persons').query({ name: '钱多多' }).expect(200);
    const qian = found.persons[0].id as string;
    const [event] = await eventsOf(qian);
    expect(event).toMatchObject({
      eventType: 'grid_incident',
      role: 'participant',
      roleLabel: '当事人',
      department: '网格',
      sourceRecordId: incident['记录编号'],
      labels: { eventType: '网格事件', status: '已上报', incidentType: '安全隐患' },
      values: { incidentType: 'hazard', description: '楼道堆放杂物', gridCode: '500116005002-03' },
    });
    // Its address names only the township: the grid code puts it in 东门社区.
    const { body } = await as(suite.api, dongmen, 'grid-visit')
      .get(`/v1/events/${event.id}`)
      .expect(200);
    expect(body.persons).toEqual([
      expect.objectContaining({ personId: qian, name: '钱多多', role: 'participant' }),
    ]);
    expect(body.places).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ relation: 'happened_at', name: null, address: '东门路15号' }),
      ]),
    );
    await as(suite.api, langshan, 'grid-visit').get(`/v1/events/${event.id}`).expect(404);
  });

  it('answers 404 for an event of another community, as if there were none', async () => {
    const zhao = await personOf(withCheck('50038119480101102'));
    const [theirs] = await eventsOf(zhao);
    expect(theirs.labels.division).toBe('琅山社区');
    await as(suite.api, langshan, 'dibao-review').get(`/v1/events/${theirs.id}`).expect(200);
    await as(suite.api, dongmen, 'dibao-review').get(`/v1/events/${theirs.id}`).expect(404);
    await as(suite.api, dongmen, 'dibao-review').get(`/v1/persons/${zhao}/events`).expect(404);
    const [, dibao] = await eventsOf(await personOf(LI_XIUYING));
    await as(suite.api, langshan, 'dibao-review').get(`/v1/events/${dibao.id}`).expect(404);
    await as(suite.api, dongmen, 'dibao-review')
      .get('/v1/events/00000000-0000-4000-8000-000000000000')
      .expect(404);
    await as(suite.api, dongmen, 'dibao-review').get('/v1/events/not-a-uuid').expect(400);
    await as(suite.api, dongmen, null).get(`/v1/events/${dibao.id}`).expect(400);
  });
});
