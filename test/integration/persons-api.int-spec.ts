import type { INestApplication } from '@nestjs/common';
import { idCheckCharacter } from '@hub/normalize';
import { as, hubHttp, staffToken } from '../support/access';
import { feedExamples } from '../support/feed-examples';
import { readChangeFeed } from '../support/http-client';
import { startTestApi } from '../support/scenario-api';
import { scenarioDatabase } from '../support/scenario-database';
import { testConfig } from '../support/test-config';
import { uscc } from '../generators/identifiers';

const withCheck = (first17: string) => first17 + idCheckCharacter(first17);
const LI_XIUYING = '500381195603022029';

/**
 * The persons API over records pushed by HTTP: the contracts' three records of 李秀英 as one
 * person; twins 李娜 / 李那 (homophones, one birth date, one household and phone) with a grid
 * observation that fits both, decided by an operator; a split of a wrong link.
 */
describe('persons API', () => {
  let api: INestApplication;
  let scenario: Awaited<ReturnType<typeof scenarioDatabase>>;
  const http = () => hubHttp(api);
  const [police, assistance, grid] = feedExamples();
  const twin = (n: number, name: string, first17: string) => ({
    ...police.value,
    RKBM: `5001162023082490000${n}`,
    GMSFHM: withCheck(first17),
    XM: name,
    CSRQ: '19900101',
    HH: '500116005000999',
    YHZGXDM: '20',
    LXDH: '13900000000',
  });
  const twins = [twin(1, '李娜', '50011619900101002'), twin(2, '李那', '50011619900101004')];
  const gridLina = {
    ...grid.value,
    记录编号: 'WG-500116005002-03-20230824-9001',
    姓名: '李娜',
    出生年月: '1990.01',
    手机号: '13900000000',
    人员类别: '',
    户主姓名: '',
  } as Record<string, unknown>;
  delete gridLina['身份证号'];

  // One social organization, seen by civil affairs (registration, operator of a meal point) and
  // by the grid worker (its premises), with the name written differently each time. Its legal
  // representative, who also manages the premises, is a resident of their own: these records add
  // no mention to 李秀英, whichever test runs first.
  const orgCode = uscc('5', '2', '500116', '00004412');
  const representative = { name: '孙立新', idCard: withCheck('50011619700305001') };
  const caEnvelope = (recordId: string, recordType: string, payload: Record<string, unknown>) => ({
    recordId,
    recordType,
    version: 1,
    updatedAt: '2023-09-01T10:00:00+08:00',
    operation: 'upsert',
    payload,
  });
  const socialOrg = caEnvelope('CA-SZ-2023-000077', 'social_org', {
    uscc: orgCode,
    name: '江津区东门社区邻里互助服务中心',
    orgType: '社会服务机构',
    legalRepresentative: representative,
    address: '江津区鼎山街道东门路12号',
    registeredAt: '2019-04-01',
    status: 'REGISTERED',
  });
  const mealPoint = caEnvelope('CA-YL-2023-000078', 'care_facility', {
    facilityId: 'YL-500116-00078',
    name: '鼎山街道东门社区助餐点',
    type: '助餐点',
    address: '东门路１２号',
    beds: 0,
    operatorUscc: orgCode,
    divisionCode: '500116005002',
  });
  const premises = {
    ...grid.value,
    记录编号: 'WG-500116005002-03-20230901-0101',
    记录类型: '场所',
    场所名称: '东门社区邻里互助服务中心',
    场所类型: '九小场所',
    地址: '鼎山街道东门路12号',
    统一社会信用代码: orgCode,
    负责人: representative.name,
    负责人电话: '13700000102',
  } as Record<string, unknown>;
  for (const field of [
    '姓名',
    '身份证号',
    '性别',
    '出生年月',
    '手机号',
    '居住地址',
    '人员类别',
    '与户主关系',
    '户主姓名',
  ])
    delete premises[field];

  /** Entity (not relation) ended events after a cursor, with their reason. */
  const endedEvents = async (after: string) =>
    (await readChangeFeed(api, after)).events
      .filter((e) => e.type.endsWith('.ended') && !e.type.includes('.relation.'))
      .map((e) => ({ type: e.type, subject: e.subject, reason: e.data.reason }));
  const push = (feed: string, records: unknown[]) =>
    http()
      .post(`/v1/feeds/${feed}/records`)
      .send(records)
      .expect(200)
      .then((r) => r.body as { accepted: number });
  const personOf = async (idNumber: string) => {
    const { body } = await http().get('/v1/persons').query({ idNumber }).expect(200);
    expect(body.persons).toHaveLength(1);
    return body.persons[0].id as string;
  };

  beforeAll(async () => {
    scenario = await scenarioDatabase();
    api = await startTestApi(testConfig(), scenario.url);
    await push('population', [police.value, ...twins]);
    await push('assistance', [assistance.value]);
    await push('grid', [grid.value, gridLina]);
  });
  afterAll(async () => {
    await api?.close();
    await scenario?.drop();
  });

  it('gives the golden record with every candidate value, its provenance, household and places', async () => {
    const id = await personOf(LI_XIUYING);
    const { body } = await http().get(`/v1/persons/${id}`).expect(200);
    expect(body).toMatchObject({
      id,
      name: '李秀英',
      idNumber: LI_XIUYING,
      birthDate: '1956-03-02',
      gender: '2',
      ethnicity: '01',
      phone: '13823456789',
      flags: [],
      mergedInto: null,
      labels: { gender: '女', ethnicity: '汉族', status: '正常' },
    });
    expect(
      body.candidates.birthDate
        .map((c: { feed: string; value: string }) => [c.feed, c.value])
        .sort(),
    ).toEqual([
      ['assistance', '1956-03-02'],
      ['grid', '1956-03'],
      ['population', '1956-03-02'],
    ]);
    expect(body.candidates.name[0]).toMatchObject({
      pointer: expect.any(String),
      sourceRecordId: expect.any(String),
    });
    // Each value names its department and the department's own record; codes come with their text.
    expect(body.candidates.gender).toEqual(
      expect.arrayContaining([
        {
          value: '2',
          label: '女',
          valid: true,
          department: '公安',
          feed: 'population',
          sourceRecordId: police.key,
          pointer: '',
          observedAt: expect.any(String),
        },
        expect.objectContaining({
          value: '2',
          label: '女',
          department: '网格',
          sourceRecordId: grid.key,
        }),
      ]),
    );
    expect(body.candidates.relationToHead).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ value: '02', label: '户主', department: '公安' }),
      ]),
    );
    expect(
      body.mentions.map((m: { feed: string; pointer: string }) => `${m.feed}${m.pointer}`).sort(),
    ).toEqual(['assistance/payload/applicant', 'grid', 'population']);
    expect(body.mentions).toEqual(
      expect.arrayContaining([expect.objectContaining({ department: '民政', feed: 'assistance' })]),
    );
    expect(body.households).toEqual([
      {
        number: '500116005000231',
        members: [
          {
            personId: id,
            name: '李秀英',
            idNumber: LI_XIUYING,
            relationToHead: '02',
            relationLabel: '户主',
            department: '公安',
            feed: 'population',
            sourceRecordId: police.key,
            observedAt: expect.any(String),
          },
        ],
      },
    ]);
    // Her civil-affairs case is a family too: its member 王建国 is her husband (夫 → 10 配偶),
    // and his own record shows the same family.
    const husband = await personOf('500381195809113110');
    const family = {
      source: {
        department: '民政',
        feed: 'assistance',
        sourceRecordId: assistance.key,
        observedAt: expect.any(String),
      },
      headId: id,
      head: { personId: id, name: '李秀英', idNumber: LI_XIUYING },
      members: [
        {
          personId: husband,
          name: '王建国',
          idNumber: '500381195809113110',
          relationToHead: '10',
          relationLabel: '配偶',
        },
      ],
    };
    expect(body.families).toEqual([family]);
    expect((await http().get(`/v1/persons/${husband}`).expect(200)).body.families).toEqual([
      family,
    ]);
    expect(body.relations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'registered_in',
          otherType: 'place',
          placeCode: '500116005',
          otherName: '鼎山街道',
          department: '公安',
          sourceRecordId: police.key,
        }),
        expect.objectContaining({
          type: 'registered_at',
          otherType: 'place',
          otherName: null,
          address: '东门路12号3栋2单元501室',
        }),
        expect.objectContaining({
          type: 'involves',
          direction: 'in',
          otherType: 'event',
          otherName: '社会救助',
          attributes: { role: 'applicant' },
          department: '民政',
          feed: 'assistance',
          sourceRecordId: assistance.key,
        }),
      ]),
    );
    // The household and family members shown are read too: the audit names them.
    const [audit] = await scenario.db.query<{ subject_ids: string[] }[]>(
      `SELECT subject_ids FROM audit_log WHERE endpoint LIKE 'GET /v1/persons/%' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.subject_ids.sort()).toEqual([husband, id].sort());
  });

  it('shows a grid worker the household and family by name, with ID numbers masked', async () => {
    const id = await personOf(LI_XIUYING);
    const token = await staffToken(api, {
      username: 'dongmen-grid-persons',
      role: 'grid-worker',
      divisionCode: '500116005002',
    });
    const { body } = await as(api, token, 'grid-visit').get(`/v1/persons/${id}`).expect(200);
    expect(body.maskedFields).toEqual(['idNumber']);
    expect(body.idNumber).toBe('500381********2029');
    expect(body.households[0].members[0]).toMatchObject({
      name: '李秀英',
      idNumber: '500381********2029',
      relationLabel: '户主',
    });
    expect(body.families[0].head).toEqual({
      personId: id,
      name: '李秀英',
      idNumber: '500381********2029',
    });
    expect(body.families[0].members[0]).toMatchObject({
      name: '王建国',
      idNumber: '500381********3110',
      relationLabel: '配偶',
    });
    expect(JSON.stringify(body)).not.toContain('500381195809113110');
    expect(JSON.stringify(body)).not.toContain(LI_XIUYING);
  });

  it('searches by name and birth date, and by phone', async () => {
    const id = await personOf(LI_XIUYING);
    const byName = await http()
      .get('/v1/persons')
      .query({ name: '李秀英', birthDate: '1956' })
      .expect(200);
    expect(byName.body.persons.map((p: { id: string }) => p.id)).toEqual([id]);
    expect(byName.body.persons[0].labels).toMatchObject({ gender: '女', status: '正常' });
    const byPhone = await http().get('/v1/persons').query({ phone: '138 2345 6789' }).expect(200);
    expect(byPhone.body.persons.map((p: { id: string }) => p.id)).toEqual([id]);
    await http().get('/v1/persons').expect(400);
  });

  it('finds a part of a name: the name itself first, then names it begins, then names it is inside', async () => {
    const resident = (n: number, name: string) => {
      const record = {
        ...grid.value,
        记录编号: `WG-500116005002-03-20230824-80${n}`,
        姓名: name,
        出生年月: `19${60 + n}.01`,
        手机号: `1370000080${n}`,
        居住地址: `鼎山街道东门路2${n}号`,
        人员类别: '',
        户主姓名: name,
      } as Record<string, unknown>;
      delete record['身份证号'];
      return record;
    };
    await push('grid', [resident(1, '秀英'), resident(2, '秀英兰'), resident(3, '李秀芳')]);
    const names = async (name: string, token?: string) =>
      (
        await (token ? as(api, token, 'resident-request') : http())
          .get('/v1/persons')
          .query({ name })
          .expect(200)
      ).body.persons.map((p: { name: string }) => p.name);
    expect(await names('秀英')).toEqual(['秀英', '秀英兰', '李秀英']);
    expect((await names('李秀')).sort()).toEqual(['李秀英', '李秀芳'].sort());
    expect(await names('李秀英')).toEqual(['李秀英']);
    expect(await names('芳')).toEqual(['李秀芳']);
    // LIKE's wildcards are characters to find, not wildcards.
    expect(await names('%')).toEqual([]);
    expect(await names('李_英')).toEqual([]);
    // A community's clerk finds the given name within the community, not outside it.
    const dongmen = await staffToken(api, {
      username: 'dongmen-clerk-search',
      role: 'community-staff',
      divisionCode: '500116005002',
    });
    const langshan = await staffToken(api, {
      username: 'langshan-clerk-search',
      role: 'community-staff',
      divisionCode: '500116005001',
    });
    expect(await names('秀英', dongmen)).toEqual(['秀英', '秀英兰', '李秀英']);
    expect(await names('秀英', langshan)).toEqual([]);
  });

  it('explains each link with its rule, score and evidence', async () => {
    const id = await personOf(LI_XIUYING);
    const { body } = await http().get(`/v1/persons/${id}/explain`).expect(200);
    const gridMention = body.mentions.find((m: { feed: string }) => m.feed === 'grid');
    expect(gridMention.link).toMatchObject({ rule: 'score', score: expect.any(Number) });
    expect(gridMention.link.evidence.map((e: { rule: string }) => e.rule)).toEqual(
      expect.arrayContaining(['id-number-one-edit-apart', 'same-phone', 'same-name']),
    );
    expect(
      body.mentions.filter((m: { link: { rule: string } }) => m.link.rule === 'id-number'),
    ).toHaveLength(2);
  });

  it('streams every mention and its entity as NDJSON', async () => {
    const id = await personOf(LI_XIUYING);
    const res = await http()
      .get('/v1/resolution/links')
      .expect(200)
      .expect('content-type', /ndjson/);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(
      lines
        .filter((l) => l.entityId === id)
        .map((l) => `${l.feed}${l.pointer}`)
        .sort(),
    ).toEqual(['assistance/payload/applicant', 'grid', 'population']);
    expect(Object.keys(lines[0]).sort()).toEqual([
      'entityId',
      'entityType',
      'feed',
      'pointer',
      'sourceRecordId',
    ]);
  });

  it('sends an observation that fits both twins to review, and follows the decision', async () => {
    const lina = await personOf(twins[0].GMSFHM);
    const lina2 = await personOf(twins[1].GMSFHM);
    const { body } = await http().get('/v1/review-tasks').expect(200);
    const task = body.tasks.find(
      (t: { sourceRecordId: string }) => t.sourceRecordId === gridLina['记录编号'],
    );
    expect(task.candidates.map((c: { entityId: string }) => c.entityId).sort()).toEqual(
      [lina, lina2].sort(),
    );
    expect(task.personId).not.toBe(lina);
    // What each record says, side by side for the reviewer: the grid observation has no ID.
    expect(task).toMatchObject({
      department: '网格',
      values: { name: '李娜' },
      labels: { gender: '女' },
    });
    expect(task.values.idNumber).toBeUndefined();
    expect(task.candidates[0].matched).toMatchObject({
      department: '公安',
      values: { birthDate: '1990-01-01', householdNumber: '500116005000999' },
    });

    await http().post(`/v1/review-tasks/${task.id}/decision`).send({ verdict: 'same' }).expect(400);
    const decided = await http()
      .post(`/v1/review-tasks/${task.id}/decision`)
      .send({ verdict: 'same', personId: lina })
      .expect(200);
    expect(decided.body).toMatchObject({ verdict: 'same', personId: lina });
    const explained = await http().get(`/v1/persons/${lina}/explain`).expect(200);
    expect(explained.body.mentions.find((m: { feed: string }) => m.feed === 'grid').link.rule).toBe(
      'decision',
    );
    // The person the observation was on alone merged into 李娜.
    const {
      body: { maskedFields, ...old },
    } = await http().get(`/v1/persons/${task.personId}`).expect(301);
    expect(maskedFields).toEqual([]);
    expect(old).toEqual({ id: task.personId, mergedInto: lina });
    await http()
      .post(`/v1/review-tasks/${task.id}/decision`)
      .send({ verdict: 'different' })
      .expect(409);

    // The decision wins when the record comes again in a new version.
    await push('grid', [{ ...gridLina, 采集时间: '2023/9/1 10:00' }]);
    const again = await http().get(`/v1/persons/${lina}/explain`).expect(200);
    expect(again.body.mentions.find((m: { feed: string }) => m.feed === 'grid').link.rule).toBe(
      'decision',
    );
  });

  it('splits a wrong link: the mention leaves for a person of its own, and stays apart', async () => {
    // A resident of its own with three records like 李秀英's (the grid's ID one character off),
    // so that the split leaves 李秀英 as the other tests read her.
    const zhou = withCheck('50038119580715112');
    const zhouPolice = {
      ...police.value,
      RKBM: '50011620230824000901',
      GMSFHM: zhou,
      XM: '周桂兰',
      CSRQ: '19580715',
      HJDZ_QHNXXDZ: '东门路16号1栋1单元101',
      HH: '500116005000901',
      LXDH: '137 0000 0901',
    };
    const zhouAssistance = {
      ...assistance.value,
      recordId: 'CA-DB-2023-000901',
      payload: {
        ...(assistance.value.payload as Record<string, unknown>),
        caseNo: 'JJ-DB-2021-0901',
        applicant: {
          name: '周桂兰',
          idCard: zhou,
          gender: '女',
          birthDate: '1958-07-15',
          phone: '13700000901',
          address: '江津区鼎山街道东门路16号1-1-101',
        },
        members: [],
      },
    };
    const zhouGrid = {
      ...grid.value,
      记录编号: 'WG-500116005002-03-20230824-0901',
      姓名: '周桂兰 ',
      身份证号: zhou.slice(0, 17) + (zhou[17] === '1' ? '2' : '1'),
      出生年月: '1958.07',
      手机号: '+86 137-0000-0901',
      居住地址: '鼎山街道东门路16号1栋1单元101室',
      户主姓名: '周桂兰',
    };
    await push('population', [zhouPolice]);
    await push('assistance', [zhouAssistance]);
    await push('grid', [zhouGrid]);
    const id = await personOf(zhou);
    const linked = await http().get(`/v1/persons/${id}`).expect(200);
    expect(
      linked.body.mentions
        .map((m: { feed: string; pointer: string }) => `${m.feed}${m.pointer}`)
        .sort(),
    ).toEqual(['assistance/payload/applicant', 'grid', 'population']);

    const gridRef = { feed: 'grid', sourceRecordId: zhouGrid['记录编号'], pointer: '' };
    await http()
      .post(`/v1/persons/${id}/split`)
      .send({
        mentions: [{ feed: 'population', sourceRecordId: zhouPolice.RKBM, pointer: '' }, gridRef],
      })
      .expect(409); // same valid ID as the civil-affairs applicant
    const { next } = await readChangeFeed(api, '0');
    const { body } = await http()
      .post(`/v1/persons/${id}/split`)
      .send({ mentions: [gridRef] })
      .expect(200);
    expect(body.splitInto).toHaveLength(1);
    expect(body.splitInto[0]).not.toBe(id);
    const person = await http().get(`/v1/persons/${id}`).expect(200);
    expect(person.body.mentions).toHaveLength(2);

    const events = (await readChangeFeed(api, '0')).events.filter((e) => e.subject === id);
    expect(events.map((e) => e.type)).toContain('cn.gov.hub.person.split');
    // The grid record's relations followed its mention: ended on the person, added on the new one.
    const moved = (await readChangeFeed(api, next)).events
      .filter(
        (e) =>
          e.type.includes('.relation.') &&
          (e.data.source as { sourceRecordId: string }).sourceRecordId === zhouGrid['记录编号'],
      )
      .map((e) => ({ type: e.type, subject: e.subject, relation: e.data.relation, to: e.data.to }));
    const ended = moved.filter((e) => e.type === 'cn.gov.hub.person.relation.ended');
    expect(ended.length).toBeGreaterThan(0);
    expect(ended.every((e) => e.subject === id)).toBe(true);
    expect(moved.filter((e) => e.type === 'cn.gov.hub.person.relation.added')).toEqual(
      ended.map((e) => ({
        ...e,
        type: 'cn.gov.hub.person.relation.added',
        subject: body.splitInto[0],
      })),
    );
    await push('grid', [{ ...zhouGrid, 采集时间: '2023/9/2 10:00' }]);
    const after = await http().get(`/v1/persons/${id}`).expect(200);
    expect(after.body.mentions).toHaveLength(2);
  });

  describe('places and organizations', () => {
    beforeAll(async () => {
      const pushed = [
        await push('assistance', [socialOrg, mealPoint]),
        await push('grid', [premises]),
      ];
      expect(pushed.map((p) => p.accepted)).toEqual([2, 1]);
    });

    it('finds one organization by its code, named by all three records, with its relations', async () => {
      const { body: found } = await http()
        .get('/v1/organizations')
        .query({ uscc: orgCode })
        .expect(200);
      expect(found.organizations).toHaveLength(1);
      const { id } = found.organizations[0];
      const { body } = await http().get(`/v1/organizations/${id}`).expect(200);
      // Civil affairs registered it: its name holds, though the grid worker's record came last.
      expect(body).toMatchObject({
        id,
        uscc: orgCode,
        orgType: '社会服务机构',
        name: '江津区东门社区邻里互助服务中心',
      });
      expect(
        body.mentions.map((m: { feed: string; pointer: string }) => `${m.feed}${m.pointer}`).sort(),
      ).toEqual(['assistance/payload', 'assistance/payload/operatorUscc', 'grid/统一社会信用代码']);
      expect(Object.keys(body.candidates).sort()).toEqual([
        'address',
        'name',
        'orgType',
        'registeredAt',
        'status',
        'uscc',
      ]);
      const relations = body.relations.map(
        (r: { type: string; direction: string; otherType: string }) =>
          `${r.direction} ${r.type} ${r.otherType}`,
      );
      expect(relations.sort()).toEqual([
        'in represents person',
        'out located_at place',
        'out operates object',
        'out operates object',
      ]);
    });

    it('keeps the registered name when the grid worker writes the sign differently again', async () => {
      const { next } = await readChangeFeed(api, '0');
      await push('grid', [
        { ...premises, 采集时间: '2023-09-20 10:00:00', 场所名称: '邻里互助中心' },
      ]);
      const { body } = await http().get('/v1/organizations').query({ uscc: orgCode }).expect(200);
      expect(body.organizations[0].name).toBe('江津区东门社区邻里互助服务中心');
      const updated = (await readChangeFeed(api, next)).events.filter(
        (e) => e.type === 'cn.gov.hub.organization.updated',
      );
      expect(updated).toEqual([]);
      const { body: detail } = await http()
        .get(`/v1/organizations/${body.organizations[0].id as string}`)
        .expect(200);
      expect(
        detail.candidates.name.map((c: { feed: string; value: string }) => c.value).sort(),
      ).toEqual(['江津区东门社区邻里互助服务中心', '邻里互助中心']);
    });

    it('resolves the organization’s seat, the meal point and the premises to one standard-address place', async () => {
      const { body: found } = await http()
        .get('/v1/places')
        .query({ address: '东门路12号', division: '500116005' })
        .expect(200);
      expect(found.places).toHaveLength(1);
      const place = found.places[0];
      expect(place).toMatchObject({
        level: 'address',
        name: '东门路12号',
        divisionCode: '500116005',
      });
      const { body } = await http().get(`/v1/places/${place.id}`).expect(200);
      const located = body.relations
        .filter(
          (r: { type: string; direction: string }) =>
            r.direction === 'in' && r.type === 'located_at',
        )
        .map((r: { otherType: string }) => r.otherType)
        .sort();
      expect(located).toEqual(['object', 'object', 'organization']);
    });

    it('gives the flat of 李秀英 from her police 户籍 address, with who lives and is registered there', async () => {
      const person = await personOf(LI_XIUYING);
      const { body: found } = await http()
        .get('/v1/places')
        .query({ address: '江津区鼎山街道东门路12号3-2-501' })
        .expect(200);
      expect(found.places).toHaveLength(1);
      const { body } = await http().get(`/v1/places/${found.places[0].id}`).expect(200);
      expect(body.name).toBe('东门路12号3栋2单元501室');
      const people = body.relations
        .filter((r: { otherId: string }) => r.otherId === person)
        .map((r: { type: string }) => r.type);
      expect(new Set(people)).toEqual(new Set(['lives_at', 'registered_at']));
      await http().get('/v1/places').query({ address: '东门路12号' }).expect(400);
    });

    it('finds the flat from any spelling, with its building as a parent place', async () => {
      const find = async (address: string) =>
        (await http().get('/v1/places').query({ address, division: '500116005002' }).expect(200))
          .body.places[0] as { id: string; name: string; parentId: string | null } | undefined;
      const spellings = [
        '东门路12号3栋2单元501室',
        '东门路12号3-2-501',
        '鼎山街道东门路12号3幢2单元501',
        '重庆市江津区鼎山街道东门社区东门路12号3栋2单元501',
        '鼎山街道东门路１２号三栋二单元五〇一',
      ];
      const found = await Promise.all(spellings.map(find));
      expect(new Set(found.map((p) => p?.id)).size).toBe(1);
      const chain: string[] = [];
      for (let id = found[0]?.parentId ?? null; id !== null;) {
        const { body } = await http().get(`/v1/places/${id}`).expect(200);
        chain.push(body.name as string);
        id = body.parentId as string | null;
      }
      expect(chain).toEqual(['东门路12号3栋2单元', '东门路12号3栋', '东门路12号']);
      expect((await find('鼎山街道东门路12号3号楼'))?.name).toBe('东门路12号3栋');
      // Every spelling the departments sent is kept with its source.
      const { body: flat } = await http().get(`/v1/places/${found[0]!.id}`).expect(200);
      const written = flat.candidates.address.map(
        (c: { value: { detail: string } }) => c.value.detail,
      );
      expect(written).toEqual(expect.arrayContaining(['东门路12号3-2-501']));
      expect(flat.candidates.address[0]).toHaveProperty('feed');
    });

    it('takes the name from the next source when the registration is withdrawn', async () => {
      // An organization of its own, registered and with a grid worker's sign written differently
      // twice, so that the withdrawal leaves the one above as the other tests read it.
      const code = uscc('5', '2', '500116', '00004413');
      const registration = caEnvelope('CA-SZ-2023-000079', 'social_org', {
        ...socialOrg.payload,
        uscc: code,
        address: '江津区鼎山街道东门路18号',
      });
      const sign = {
        ...premises,
        记录编号: 'WG-500116005002-03-20230901-0102',
        地址: '鼎山街道东门路18号',
        统一社会信用代码: code,
      };
      await push('assistance', [registration]);
      await push('grid', [sign]);
      await push('grid', [{ ...sign, 采集时间: '2023-09-20 10:00:00', 场所名称: '邻里互助中心' }]);
      const registered = await http().get('/v1/organizations').query({ uscc: code }).expect(200);
      expect(registered.body.organizations[0].name).toBe('江津区东门社区邻里互助服务中心');

      const { next } = await readChangeFeed(api, '0');
      await push('assistance', [
        {
          ...registration,
          version: 2,
          updatedAt: '2023-10-01T10:00:00+08:00',
          operation: 'delete',
        },
      ]);
      const { body } = await http().get('/v1/organizations').query({ uscc: code }).expect(200);
      expect(body.organizations[0].name).toBe('邻里互助中心');
      const updated = (await readChangeFeed(api, next)).events.filter(
        (e) => e.type === 'cn.gov.hub.organization.updated',
      );
      // What only the registration stated goes with it.
      expect(updated.map((e) => (e.data as { changed: object }).changed)).toEqual([
        {
          name: { before: '江津区东门社区邻里互助服务中心', after: '邻里互助中心' },
          orgType: { before: '社会服务机构', after: null },
          divisionCode: { before: '500116005', after: null },
        },
      ]);
    });
  });

  it('sends relation.added and relation.ended events as a resident moves and the record is cancelled', async () => {
    const resident = {
      ...grid.value,
      记录编号: 'WG-500116005002-03-20230901-0202',
      姓名: '赵志强',
      出生年月: '1970.05',
      手机号: '13700000001',
      人员类别: '',
      与户主关系: '户主',
      户主姓名: '赵志强',
    } as Record<string, unknown>;
    delete resident['身份证号'];
    const versions = [
      { ...resident, 采集时间: '2023/9/1 9:30', 居住地址: '鼎山街道东门路15号1栋1单元101室' },
      { ...resident, 采集时间: '2023/9/2 9:30', 居住地址: '鼎山街道东门路15号2-1-202' },
      { ...resident, 采集时间: '2023/9/3 9:30', 居住地址: '鼎山街道东门路15号2-1-202', 作废: '是' },
    ];
    const { next } = await readChangeFeed(api, '0');
    const placeOf = async (address: string) =>
      (await http().get('/v1/places').query({ address }).expect(200)).body.places[0]?.id as string;
    const relationEvents = async (after: string) =>
      (await readChangeFeed(api, after)).events
        .filter((e) => e.type.includes('.relation.'))
        .map((e) => {
          const data = e.data as { relation: string; to: { id: string } };
          return { type: e.type, subject: e.subject, relation: data.relation, to: data.to.id };
        });

    await push('grid', [versions[0]]);
    const first = await placeOf('鼎山街道东门路15号1栋1单元101室');
    const parentOf = async (id: string) =>
      (await http().get(`/v1/places/${id}`).expect(200)).body.parentId as string;
    const firstUnit = await parentOf(first);
    const firstBuilding = await parentOf(firstUnit);
    const added = await relationEvents(next);
    const person = added.find((e) => e.relation === 'lives_at')!.subject;
    expect(added).toEqual(
      expect.arrayContaining([
        {
          type: 'cn.gov.hub.person.relation.added',
          subject: person,
          relation: 'lives_at',
          to: first,
        },
        {
          type: 'cn.gov.hub.person.relation.added',
          subject: person,
          relation: 'lives_in',
          to: expect.any(String),
        },
      ]),
    );
    const { next: afterFirst } = await readChangeFeed(api, next);

    await push('grid', [versions[1]]);
    const second = await placeOf('鼎山街道东门路15号2栋1单元202室');
    expect(second).not.toBe(first);
    // Only the residence changed: the division relation goes on untouched.
    expect(await relationEvents(afterFirst)).toEqual([
      {
        type: 'cn.gov.hub.person.relation.ended',
        subject: person,
        relation: 'lives_at',
        to: first,
      },
      {
        type: 'cn.gov.hub.person.relation.added',
        subject: person,
        relation: 'lives_at',
        to: second,
      },
    ]);
    // No record names the old flat any more, and nothing is left below its unit and building
    // (the house number keeps the new flat's building).
    expect(await endedEvents(afterFirst)).toEqual([
      { type: 'cn.gov.hub.place.ended', subject: first, reason: 'unnamed' },
      { type: 'cn.gov.hub.place.ended', subject: firstUnit, reason: 'unnamed' },
      { type: 'cn.gov.hub.place.ended', subject: firstBuilding, reason: 'unnamed' },
    ]);
    const { next: afterSecond } = await readChangeFeed(api, afterFirst);

    await push('grid', [versions[2]]);
    const ended = await relationEvents(afterSecond);
    expect(ended.map((e) => `${e.type} ${e.relation}`).sort()).toEqual([
      'cn.gov.hub.person.relation.ended lives_at',
      'cn.gov.hub.person.relation.ended lives_in',
    ]);
    expect(await endedEvents(afterSecond)).toEqual(
      expect.arrayContaining([
        { type: 'cn.gov.hub.person.ended', subject: person, reason: 'cancelled' },
        { type: 'cn.gov.hub.place.ended', subject: second, reason: 'cancelled' },
      ]),
    );
  });

  it('ends an incident when its record is cancelled, and revives it when a version names it again', async () => {
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
    const { next } = await readChangeFeed(api, '0');
    await push('grid', [incident]);
    const created = (await readChangeFeed(api, next)).events.find(
      (e) => e.type === 'cn.gov.hub.event.created',
    )!;
    const { next: afterCreated } = await readChangeFeed(api, next);

    await push('grid', [{ ...incident, 采集时间: '2023-09-06 10:00:00', 作废: '是' }]);
    expect(await endedEvents(afterCreated)).toEqual(
      expect.arrayContaining([
        { type: 'cn.gov.hub.event.ended', subject: created.subject, reason: 'cancelled' },
      ]),
    );
    const { next: afterEnded } = await readChangeFeed(api, afterCreated);

    // A later version un-cancels the record: the same incident again, with what changed.
    await push('grid', [{ ...incident, 采集时间: '2023-09-07 10:00:00', 状态: '已受理' }]);
    const revived = (await readChangeFeed(api, afterEnded)).events.filter(
      (e) => e.subject === created.subject && !e.type.includes('.relation.'),
    );
    expect(revived.map((e) => e.type)).toEqual(['cn.gov.hub.event.revived']);
    expect(Object.keys((revived[0].data as { changed: object }).changed)).toEqual(['status']);
    const [{ active }] = await scenario.db.query<{ active: boolean }[]>(
      `SELECT bool_and(active) AS active FROM mention WHERE entity_id = $1`,
      [created.subject],
    );
    expect(active).toBe(true);
  });
});
