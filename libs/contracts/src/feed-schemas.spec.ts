import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findSchemasDir, SchemaRegistry } from './schema-registry';

type Json = Record<string, unknown>;
type FeedSchema = 'population' | 'assistance' | 'grid';

const registry = new SchemaRegistry();
const validator = (feed: FeedSchema) => registry.validator(`feeds/${feed}.schema.json`);

/** `instancePath message` of each error, [] when the value is valid. */
function errorsOf(feed: FeedSchema, value: unknown): string[] {
  const validate = validator(feed);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const missing = (e.params as { missingProperty?: string }).missingProperty;
    return `${e.instancePath}${missing ? `/${missing}` : ''} ${e.message ?? e.keyword}`;
  });
}

/** The department contracts beside the repository: shared/feeds/*.md. */
const contractsDir = join(dirname(findSchemasDir()), '..', 'shared', 'feeds');
const CONTRACT_FILES: Record<string, FeedSchema> = {
  'public-security.md': 'population',
  'civil-affairs.md': 'assistance',
  'grid.md': 'grid',
};

/** The JSON inside the ```json blocks of a contract. */
function examplesOf(file: string): Json[] {
  const text = readFileSync(join(contractsDir, file), 'utf8');
  return [...text.matchAll(/```json\s*\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as Json);
}

const example = (feed: FeedSchema): Json => {
  const file = Object.keys(CONTRACT_FILES).find((f) => CONTRACT_FILES[f] === feed)!;
  return structuredClone(examplesOf(file)[0]);
};

/** A deep copy of `value` with `pointer` (JSON Pointer) set to `to`, or removed when `to` is undefined. */
function withField(value: Json, pointer: string, to?: unknown): Json {
  const copy = structuredClone(value);
  const path = pointer.split('/').slice(1);
  const last = path.pop()!;
  let node: Json = copy;
  for (const step of path) node = node[step] as Json;
  if (to === undefined) delete node[last];
  else node[last] = to;
  return copy;
}

describe('feed schemas (schemas/feeds)', () => {
  it('are compiled by the registry', () => {
    expect(registry.files).toEqual(
      expect.arrayContaining([
        'feeds/population.schema.json',
        'feeds/assistance.schema.json',
        'feeds/grid.schema.json',
      ]),
    );
  });

  describe('accept the example messages of the contracts', () => {
    it('finds the contracts', () => {
      expect(existsSync(contractsDir)).toBe(true);
      expect(readdirSync(contractsDir)).toEqual(
        expect.arrayContaining(Object.keys(CONTRACT_FILES)),
      );
    });

    it.each(Object.entries(CONTRACT_FILES))('%s → %s', (file, feed) => {
      const examples = examplesOf(file);
      expect(examples.length).toBeGreaterThan(0);
      for (const message of examples) expect(errorsOf(feed, message)).toEqual([]);
    });
  });

  const population = example('population');
  const ldrk = {
    ...withField(
      withField(withField(withField(population, '/HH'), '/YHZGXDM'), '/HJDZ_XZQHDM'),
      '/HJDZ_QHNXXDZ',
    ),
    SJLX: 'LDRK',
    JZDZ: '江津区鼎山街道东门路12号',
  };
  const assistance = example('assistance');
  const grid = example('grid');

  const elderly: Json = {
    recordId: 'CA-GL-2023-000012',
    recordType: 'elderly_allowance',
    version: 1,
    updatedAt: '2023-08-20T16:02:11+08:00',
    operation: 'upsert',
    payload: {
      person: (assistance.payload as Json).applicant,
      ageBand: '80-89',
      monthlyAmount: '100.00',
      startDate: '2023-01-01',
      status: 'ACTIVE',
      community: '鼎山街道东门社区',
    },
  };
  const socialOrg: Json = {
    ...elderly,
    recordId: 'CA-SZ-2023-000013',
    recordType: 'social_org',
    payload: {
      uscc: '51500116MJP123456W',
      name: '江津区老年人体育协会',
      orgType: '社会团体',
      legalRepresentative: { name: '王建国', idCard: '500381195809113110' },
      address: '江津区鼎山街道东门路12号',
      registeredAt: '2019-06-12',
      status: 'REGISTERED',
    },
  };
  const careFacility: Json = {
    ...elderly,
    recordId: 'CA-YL-2023-000014',
    recordType: 'care_facility',
    payload: {
      facilityId: 'YL-500116-00001',
      name: '鼎山街道东门社区日间照料中心',
      type: '日间照料中心',
      address: '江津区鼎山街道东门路20号',
      beds: 30,
      divisionCode: '500116005002',
    },
  };
  const house: Json = {
    记录编号: 'WG-500116005002-03-20230824-0008',
    记录类型: '房屋',
    网格编码: '500116005002-03',
    采集时间: '2023-08-24 10:00:00',
    采集人: '张伟',
    房屋编码: 'FW-500116005002-00012',
    地址: '鼎山街道东门路12号3栋2单元501室',
    房屋用途: '自住',
    产权人姓名: '李秀英',
    产权人身份证号: '',
    建筑面积: '89.5',
  };
  const incident: Json = {
    ...house,
    记录编号: 'WG-500116005002-03-20230824-0009',
    记录类型: '事件',
    事件编号: 'SJ-20230824-0031',
    事件类型: '安全隐患',
    事件描述: '楼道堆放杂物，堵塞消防通道',
    发生地址: '鼎山街道东门路12号3栋',
    涉及人员: [{ 姓名: '李秀英', 身份证号: '500381195603022029', 手机号: '13823456789' }],
    状态: '已评价',
    处置部门: '鼎山街道综治中心',
    满意度: 5,
  };
  const premises: Json = {
    ...house,
    记录编号: 'WG-500116005002-03-20230824-0010',
    记录类型: '场所',
    场所名称: '李记便利店',
    场所类型: '九小场所',
    地址: '鼎山街道东门路14号',
    统一社会信用代码: '',
    负责人: '李秀英',
    负责人身份证号: '500381195603022029',
    负责人电话: '+86 138-2345-6789',
  };
  delete incident['房屋编码'];
  delete premises['房屋编码'];

  // A valid company code for 统一社会信用代码 and operatorUscc.
  const USCC = '91350100M000100Y43';

  describe('accept what the contracts allow', () => {
    it.each<[string, FeedSchema, Json]>([
      ['police: an LDRK record without household fields', 'population', ldrk],
      ['police: a legacy 15-digit ID', 'population', { ...population, GMSFHM: '500381560302202' }],
      [
        'police: lowercase x and spaces',
        'population',
        { ...population, GMSFHM: ' 50011619900101008x ' },
      ],
      [
        'police: an unknown gender code (left to the mapping)',
        'population',
        { ...population, XBDM: '5' },
      ],
      [
        'police: an unknown ethnicity code (left to the mapping)',
        'population',
        { ...population, MZDM: '77' },
      ],
      ['police: an empty optional code', 'population', { ...population, MZDM: '' }],
      ['police: a ZX cancellation', 'population', { ...population, BDLX: 'ZX', SJBBH: '4' }],
      [
        'civil affairs: an unknown assistanceType (left to the mapping)',
        'assistance',
        withField(assistance, '/payload/assistanceType', 'FOO'),
      ],
      [
        'civil affairs: only the community text',
        'assistance',
        withField(assistance, '/payload/divisionCode'),
      ],
      [
        'civil affairs: only the division code',
        'assistance',
        withField(assistance, '/payload/community'),
      ],
      [
        'civil affairs: an end date',
        'assistance',
        withField(assistance, '/payload/endDate', '2023-08-31'),
      ],
      [
        'civil affairs: a delete with an empty payload',
        'assistance',
        { ...assistance, operation: 'delete', payload: {} },
      ],
      ['civil affairs: elderly_allowance', 'assistance', elderly],
      ['civil affairs: social_org', 'assistance', socialOrg],
      [
        'civil affairs: social_org registered at a date-time',
        'assistance',
        withField(socialOrg, '/payload/registeredAt', '2019-06-12T09:00:00+08:00'),
      ],
      ['civil affairs: care_facility', 'assistance', careFacility],
      [
        'civil affairs: care_facility with its operator',
        'assistance',
        withField(careFacility, '/payload/operatorUscc', USCC),
      ],
      [
        'grid: 采集时间 as 2023-08-24 09:30:00',
        'grid',
        { ...grid, 采集时间: '2023-08-24 09:30:00' },
      ],
      ['grid: 采集时间 as 2023-08-24', 'grid', { ...grid, 采集时间: '2023-08-24' }],
      ['grid: 出生年月 as 1956年3月', 'grid', { ...grid, 出生年月: '1956年3月' }],
      ['grid: no ID number', 'grid', withField(grid, '/身份证号')],
      ['grid: an empty ID number', 'grid', { ...grid, 身份证号: '' }],
      ['grid: a cancellation', 'grid', { ...grid, 作废: '是' }],
      ['grid: 房屋', 'grid', house],
      ['grid: 事件', 'grid', incident],
      [
        'grid: 事件 with 涉及人员 as a JSON string',
        'grid',
        { ...incident, 涉及人员: JSON.stringify(incident['涉及人员']) },
      ],
      ['grid: 事件 with 满意度 as text', 'grid', { ...incident, 满意度: '4' }],
      ['grid: 场所', 'grid', premises],
      ['grid: 场所 with its credit code', 'grid', { ...premises, 统一社会信用代码: USCC }],
    ])('%s', (_name, feed, message) => {
      expect(errorsOf(feed, message)).toEqual([]);
    });
  });

  describe('reject what the contracts forbid, naming where', () => {
    it.each<[string, FeedSchema, Json, string]>([
      ['police: missing XM', 'population', withField(population, '/XM'), '/XM'],
      ['police: missing GMSFHM', 'population', withField(population, '/GMSFHM'), '/GMSFHM'],
      [
        'police: CSRQ 20230230 is no real day',
        'population',
        { ...population, CSRQ: '20230230' },
        '/CSRQ',
      ],
      [
        'police: GMSFHM with a wrong check character',
        'population',
        { ...population, GMSFHM: '500381195603022028' },
        '/GMSFHM',
      ],
      [
        'police: GMSFHM of 17 digits',
        'population',
        { ...population, GMSFHM: '50038119560302202' },
        '/GMSFHM',
      ],
      ['police: HJRK record without HH', 'population', withField(population, '/HH'), '/HH'],
      ['police: HJRK record with an empty HH', 'population', { ...population, HH: ' ' }, '/HH'],
      [
        'police: HJRK record without YHZGXDM',
        'population',
        withField(population, '/YHZGXDM'),
        '/YHZGXDM',
      ],
      ['police: LDRK record without JZDZ', 'population', withField(ldrk, '/JZDZ'), '/JZDZ'],
      ['police: SJBBH as a number', 'population', { ...population, SJBBH: 3 }, '/SJBBH'],
      ['police: unknown SJLX', 'population', { ...population, SJLX: 'ZZRK' }, '/SJLX'],
      ['police: unknown BDLX', 'population', { ...population, BDLX: 'SC' }, '/BDLX'],
      [
        'police: BDSJ not in YYYY-MM-DD HH:mm:ss',
        'population',
        { ...population, BDSJ: '2023/8/24 9:30' },
        '/BDSJ',
      ],
      [
        'police: BDSJ 2023-02-29 is no real day',
        'population',
        { ...population, BDSJ: '2023-02-29 09:30:00' },
        '/BDSJ',
      ],
      ['police: XBDM as text', 'population', { ...population, XBDM: '女' }, '/XBDM'],
      [
        'police: HJDZ_XZQHDM of 7 digits',
        'population',
        { ...population, HJDZ_XZQHDM: '5001160' },
        '/HJDZ_XZQHDM',
      ],
      [
        'police: RKBM not 20 characters',
        'population',
        { ...population, RKBM: '5001162023' },
        '/RKBM',
      ],
      ['police: a non-string extra field', 'population', { ...population, EXTRA: 1 }, '/EXTRA'],
      [
        'civil affairs: version as a string',
        'assistance',
        { ...assistance, version: '2' },
        '/version',
      ],
      [
        'civil affairs: unknown recordType',
        'assistance',
        { ...assistance, recordType: 'pension' },
        '/recordType',
      ],
      [
        'civil affairs: unknown operation',
        'assistance',
        { ...assistance, operation: 'remove' },
        '/operation',
      ],
      [
        'civil affairs: missing payload',
        'assistance',
        withField(assistance, '/payload'),
        '/payload',
      ],
      [
        'civil affairs: updatedAt without an offset',
        'assistance',
        { ...assistance, updatedAt: '2023-08-20T16:02:11' },
        '/updatedAt',
      ],
      [
        'civil affairs: applicant idCard with a wrong check character',
        'assistance',
        withField(assistance, '/payload/applicant/idCard', '500381195603022028'),
        '/payload/applicant/idCard',
      ],
      [
        'civil affairs: applicant without idCard',
        'assistance',
        withField(assistance, '/payload/applicant/idCard'),
        '/payload/applicant/idCard',
      ],
      [
        'civil affairs: member idCard with a wrong check character',
        'assistance',
        withField(assistance, '/payload/members/0/idCard', '500381195809113111'),
        '/payload/members/0/idCard',
      ],
      [
        'civil affairs: member without relation',
        'assistance',
        withField(assistance, '/payload/members/0/relation'),
        '/payload/members/0/relation',
      ],
      [
        'civil affairs: startDate 2021-02-30 is no real day',
        'assistance',
        withField(assistance, '/payload/startDate', '2021-02-30'),
        '/payload/startDate',
      ],
      [
        'civil affairs: birthDate as YYYYMMDD',
        'assistance',
        withField(assistance, '/payload/applicant/birthDate', '19560302'),
        '/payload/applicant/birthDate',
      ],
      [
        'civil affairs: monthlyAmount as a number',
        'assistance',
        withField(assistance, '/payload/monthlyAmount', 650),
        '/payload/monthlyAmount',
      ],
      [
        'civil affairs: neither divisionCode nor community',
        'assistance',
        withField(withField(assistance, '/payload/divisionCode'), '/payload/community'),
        '/payload/divisionCode',
      ],
      [
        'civil affairs: a township code where a community code is due',
        'assistance',
        withField(assistance, '/payload/divisionCode', '500116005'),
        '/payload/divisionCode',
      ],
      [
        'civil affairs: an upsert without applicant',
        'assistance',
        withField(assistance, '/payload/applicant'),
        '/payload/applicant',
      ],
      [
        'civil affairs: a delete still checks what it carries',
        'assistance',
        withField({ ...assistance, operation: 'delete' }, '/payload/startDate', '2021-02-30'),
        '/payload/startDate',
      ],
      [
        'civil affairs: elderly_allowance without person',
        'assistance',
        withField(elderly, '/payload/person'),
        '/payload/person',
      ],
      [
        'civil affairs: social_org uscc with a wrong check character',
        'assistance',
        withField(socialOrg, '/payload/uscc', '51500116MJP123456X'),
        '/payload/uscc',
      ],
      [
        'civil affairs: social_org representative without idCard',
        'assistance',
        withField(socialOrg, '/payload/legalRepresentative/idCard'),
        '/payload/legalRepresentative/idCard',
      ],
      [
        'civil affairs: care_facility beds as text',
        'assistance',
        withField(careFacility, '/payload/beds', '30'),
        '/payload/beds',
      ],
      [
        'civil affairs: care_facility without divisionCode',
        'assistance',
        withField(careFacility, '/payload/divisionCode'),
        '/payload/divisionCode',
      ],
      ['grid: missing 网格编码', 'grid', withField(grid, '/网格编码'), '/网格编码'],
      [
        'grid: 网格编码 without its grid number',
        'grid',
        { ...grid, 网格编码: '500116005002' },
        '/网格编码',
      ],
      [
        'grid: 采集时间 2023-02-30 is no real day',
        'grid',
        { ...grid, 采集时间: '2023-02-30' },
        '/采集时间',
      ],
      ['grid: unknown 记录类型', 'grid', { ...grid, 记录类型: '人口' }, '/记录类型'],
      ['grid: 实有人口 without 姓名', 'grid', withField(grid, '/姓名'), '/姓名'],
      [
        'grid: 身份证号 of the wrong shape',
        'grid',
        { ...grid, 身份证号: '5003811956030220' },
        '/身份证号',
      ],
      ['grid: 出生年月 with month 13', 'grid', { ...grid, 出生年月: '1956.13' }, '/出生年月'],
      ['grid: 作废 other than 是', 'grid', { ...grid, 作废: '否' }, '/作废'],
      ['grid: an object-valued extra field', 'grid', { ...grid, 附件: { url: 'x' } }, '/附件'],
      ['grid: 房屋 without 地址', 'grid', withField(house, '/地址'), '/地址'],
      ['grid: 房屋 建筑面积 not a number', 'grid', { ...house, 建筑面积: '九十' }, '/建筑面积'],
      ['grid: 事件 涉及人员 as a number', 'grid', { ...incident, 涉及人员: 3 }, '/涉及人员'],
      [
        'grid: 事件 涉及人员 without 姓名',
        'grid',
        { ...incident, 涉及人员: [{ 手机号: '13823456789' }] },
        '/涉及人员/0/姓名',
      ],
      ['grid: 事件 满意度 6', 'grid', { ...incident, 满意度: 6 }, '/满意度'],
      ['grid: 场所 without 场所类型', 'grid', withField(premises, '/场所类型'), '/场所类型'],
      [
        'grid: 场所 统一社会信用代码 with a wrong check character',
        'grid',
        { ...premises, 统一社会信用代码: '91350100M000100Y44' },
        '/统一社会信用代码',
      ],
    ])('%s', (_name, feed, message, path) => {
      const errors = errorsOf(feed, message);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.map((e) => e.split(' ')[0])).toContain(path);
    });
  });
});
