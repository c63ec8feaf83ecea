import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findSchemasDir } from '@hub/contracts';
import { DivisionIndex } from '@hub/normalize';
import { CHONGQING, readProvinceDivisions } from '@hub/places';
import { FeedCatalog } from '../feed-catalog';
import { RecordRejection } from '../rejection';
import type { FeedMapping } from './feed-mapping';
import { mapRecord } from './map-record';
import type { MappedRecord } from './mapped-record';

type Json = Record<string, unknown>;

/** The example message of a department contract (shared/feeds/<file>, beside the project). */
function contractExample(file: string): Json {
  const text = readFileSync(join(dirname(findSchemasDir()), '..', 'shared', 'feeds', file), 'utf8');
  return JSON.parse(/```json\s*\n([\s\S]*?)```/.exec(text)![1]) as Json;
}

const catalog = new FeedCatalog();
const mappingOf = (feed: string): FeedMapping => catalog.feed(feed)!.mapping;

/** Each mention as key, entity, pointer and its values by attribute ({ invalid } when flagged). */
const mentionsOf = (mapped: MappedRecord) =>
  mapped.mentions.map(({ values, ...mention }) => ({
    ...mention,
    values: Object.fromEntries(
      values.map((v) => [v.attribute, v.valid ? v.value : { invalid: v.value }]),
    ),
  }));
const relationsOf = (mapped: MappedRecord) =>
  mapped.relations.map(
    (r) => [r.type, r.fromKey, r.toKey ?? `division ${r.toDivisionCode}`, r.attributes] as const,
  );

function rejectionOf(map: () => unknown): Pick<RecordRejection, 'reason' | 'message' | 'detail'> {
  try {
    map();
  } catch (error) {
    if (error instanceof RecordRejection)
      return { reason: error.reason, message: error.message, detail: error.detail };
    throw error;
  }
  throw new Error('mapped without a rejection');
}

const LI_XIUYING = '500381195603022029';
/** A valid unified social credit code (GB 32100). */
const USCC = '91350100M000100Y43';
const FLAT = { divisionCode: '500116005', standard: '东门路12号3栋2单元501室' };

describe('mapRecord', () => {
  let divisions: DivisionIndex;
  beforeAll(async () => {
    divisions = new DivisionIndex(await readProvinceDivisions(CHONGQING));
  });
  const map = (feed: string, record: Json) => mapRecord(mappingOf(feed), record, divisions);

  const police = contractExample('public-security.md');
  const assistance = contractExample('civil-affairs.md');
  const grid = contractExample('grid.md');
  const caPayload = assistance.payload as Json;
  const gridCommon = {
    记录编号: 'WG-500116005002-03-20230824-0008',
    网格编码: '500116005002-03',
    采集时间: '2023-08-24 10:00:00',
    采集人: '张伟',
  };
  const caRecord = (recordType: string, payload: Json): Json => ({
    ...assistance,
    recordId: `CA-${recordType}-1`,
    recordType,
    payload,
  });

  describe('the contracts’ examples and every record type', () => {
    it('maps the police record: the resident at "", the 户籍 address as a place, and where both are', () => {
      const mapped = map('population', police);
      expect(mapped.recordType).toBe('resident');
      expect(mentionsOf(mapped)).toEqual([
        {
          key: 'resident',
          entityType: 'person',
          pointer: '',
          values: {
            name: '李秀英',
            idNumber: LI_XIUYING,
            gender: '2',
            ethnicity: '01',
            birthDate: '1956-03-02',
            residentType: 'registered',
            hukouAddress: { ...FLAT, detail: '东门路12号3栋2单元501' },
            householdNumber: '500116005000231',
            relationToHead: '02',
            phone: '13823456789',
            status: 'normal',
          },
        },
        {
          key: 'hukouPlace',
          entityType: 'place',
          pointer: '/HJDZ_QHNXXDZ',
          values: { address: { ...FLAT, detail: '东门路12号3栋2单元501' } },
        },
      ]);
      // No residence address (an HJRK record): no lives_in, and no residence place to live at.
      expect(relationsOf(mapped)).toEqual([
        ['registered_in', 'resident', 'division 500116005', {}],
        ['registered_at', 'resident', 'hukouPlace', {}],
      ]);
    });

    it('maps a floating resident (LDRK) by the residence, with no 户籍 place', () => {
      const ldrk: Json = { ...police, SJLX: 'LDRK', JZDZ: '江津区鼎山街道东门路12号3-2-501' };
      for (const field of ['HH', 'YHZGXDM', 'HJDZ_XZQHDM', 'HJDZ_QHNXXDZ']) delete ldrk[field];
      const mapped = map('population', ldrk);
      expect(mentionsOf(mapped).map((m) => [m.key, m.pointer])).toEqual([
        ['resident', ''],
        ['residencePlace', '/JZDZ'],
      ]);
      expect(mentionsOf(mapped)[0].values).toMatchObject({
        residentType: 'floating',
        residenceAddress: { ...FLAT, detail: '东门路12号3-2-501' },
      });
      expect(relationsOf(mapped)).toEqual([
        ['lives_in', 'resident', 'division 500116005', {}],
        ['lives_at', 'resident', 'residencePlace', {}],
      ]);
    });

    it('maps the civil-affairs case: the case, its applicant and each member at their own pointers', () => {
      const mapped = map('assistance', assistance);
      expect(mapped.recordType).toBe('assistance');
      expect(mentionsOf(mapped)).toEqual([
        {
          key: 'case',
          entityType: 'event',
          type: 'assistance',
          pointer: '/payload',
          values: {
            caseNumber: 'JJ-DB-2021-0319',
            assistanceType: '城乡低保',
            status: 'active',
            monthlyAmount: '650.00',
            startDate: '2021-05-01',
            division: expect.objectContaining({ divisionCode: '500116005002' }),
          },
        },
        {
          key: 'applicant',
          entityType: 'person',
          pointer: '/payload/applicant',
          values: {
            name: '李秀英',
            idNumber: LI_XIUYING,
            gender: '2',
            birthDate: '1956-03-02',
            phone: '13823456789',
            residenceAddress: { ...FLAT, detail: '东门路12号3-2-501' },
          },
        },
        {
          key: 'member/0',
          entityType: 'person',
          pointer: '/payload/members/0',
          values: {
            name: '王建国',
            idNumber: '500381195809113110',
            relationToApplicant: '10',
            disabilityLevel: '2',
          },
        },
        {
          key: 'applicantResidence',
          entityType: 'place',
          pointer: '/payload/applicant/address',
          values: { address: { ...FLAT, detail: '东门路12号3-2-501' } },
        },
      ]);
      // No hukouAddress: no applicantHukou mention, so no registered_at.
      expect(relationsOf(mapped)).toEqual([
        ['involves', 'case', 'applicant', { role: 'applicant' }],
        ['involves', 'case', 'member/0', { role: 'household_member' }],
        ['family_member_of', 'member/0', 'applicant', {}],
        ['happened_in', 'case', 'division 500116005002', {}],
        ['lives_at', 'applicant', 'applicantResidence', {}],
      ]);
    });

    it('keeps the grid worker’s mistyped ID as a flagged claim beside the valid values', () => {
      const mapped = map('grid', grid);
      expect(mapped.recordType).toBe('resident');
      expect(mentionsOf(mapped)).toEqual([
        {
          key: 'resident',
          entityType: 'person',
          pointer: '',
          values: {
            name: '李秀英',
            idNumber: { invalid: '50038119560302202X' },
            gender: '2',
            birthDate: '1956-03',
            phone: '13823456789',
            residenceAddress: {
              ...FLAT,
              divisionCode: '500116005002',
              detail: '东门路12号3栋2单元501室',
            },
            tags: ['独居老人', '低保户'],
            relationToHead: '02',
            householdHeadName: '李秀英',
            gridCode: '500116005002-03',
          },
        },
        {
          key: 'residencePlace',
          entityType: 'place',
          pointer: '/居住地址',
          values: {
            address: { ...FLAT, divisionCode: '500116005002', detail: '东门路12号3栋2单元501室' },
          },
        },
      ]);
      expect(relationsOf(mapped)).toEqual([
        ['lives_in', 'resident', 'division 500116005002', {}],
        ['lives_at', 'resident', 'residencePlace', {}],
      ]);
    });

    it('maps a township submission: the person, with an address read in the clerk’s division', () => {
      const mapped = map('township', {
        submissionId: '0b6f3c1e-2b8a-4c55-9a43-0d6f3f2b9a10',
        submittedAt: '2023-09-01T10:00:00+08:00',
        form: 'elderly-allowance',
        clerk: '张伟',
        clerkDivision: '500116005002',
        subject: { idNumber: LI_XIUYING },
        person: {
          idNumber: LI_XIUYING,
          name: '李秀英',
          gender: '2',
          phone: '138 2345 6789',
          residenceAddress: '东门路12号3栋2单元501室',
          residenceAddressDivision: '500116005002',
          householdMonthlyIncome: '1200.50',
        },
        entered: { 'applicant.phone': '138 2345 6789' },
        shown: {},
      });
      expect(mentionsOf(mapped)).toEqual([
        {
          key: 'person',
          entityType: 'person',
          pointer: '',
          values: {
            name: '李秀英',
            idNumber: LI_XIUYING,
            gender: '2',
            phone: '13823456789',
            residenceAddress: {
              ...FLAT,
              divisionCode: '500116005002',
              detail: '东门路12号3栋2单元501室',
            },
            householdMonthlyIncome: '1200.50',
          },
        },
      ]);
      expect(relationsOf(mapped)).toEqual([['lives_in', 'person', 'division 500116005002', {}]]);
    });

    /** Record type, feed, record; then each mention's [key, entity, pointer], some of their values, the relations. */
    const otherTypes: [string, string, Json, string[][], Record<string, Json>, unknown[][]][] = [
      [
        'an elderly allowance and its recipient',
        'assistance',
        caRecord('elderly_allowance', {
          person: {
            ...(caPayload.applicant as Json),
            hukouAddress: '江津区鼎山街道东门路12号3-2-501',
          },
          ageBand: '80-89',
          monthlyAmount: '100.00',
          startDate: '2023-01-01',
          status: 'ACTIVE',
          community: '鼎山街道东门社区',
        }),
        [
          ['allowance', 'event', '/payload'],
          ['person', 'person', '/payload/person'],
        ],
        {
          allowance: { ageBand: '80-89', status: 'active' },
          person: { hukouAddress: { ...FLAT, detail: '东门路12号3-2-501' } },
        },
        [
          ['involves', 'allowance', 'person', { role: 'recipient' }],
          ['happened_in', 'allowance', 'division 500116005002', {}],
        ],
      ],
      [
        'a social organization, its representative and its seat',
        'assistance',
        caRecord('social_org', {
          uscc: USCC,
          name: '江津区老年人体育协会',
          orgType: '社会团体',
          legalRepresentative: { name: '王建国', idCard: '500381195809113110' },
          address: '江津区鼎山街道东门路12号',
          registeredAt: '2019-06-12',
          status: 'REGISTERED',
        }),
        [
          ['organization', 'organization', '/payload'],
          ['representative', 'person', '/payload/legalRepresentative'],
          ['seat', 'place', '/payload/address'],
        ],
        { organization: { uscc: USCC, registeredAt: '2019-06-12', status: 'registered' } },
        [
          ['represents', 'representative', 'organization', {}],
          ['located_at', 'organization', 'seat', {}],
        ],
      ],
      [
        'a care facility, its site, its operator, and its division by code',
        'assistance',
        caRecord('care_facility', {
          facilityId: 'YL-500116-00001',
          name: '鼎山街道东门社区日间照料中心',
          type: '日间照料中心',
          address: '东门路20号',
          beds: 30,
          operatorUscc: USCC,
          divisionCode: '500116005002',
        }),
        [
          ['facility', 'object', '/payload'],
          ['site', 'place', '/payload/address'],
          ['operator', 'organization', '/payload/operatorUscc'],
        ],
        {
          // `division` normalizes to the code itself, not to an address.
          facility: { facilityType: 'day_care_centre', beds: 30, division: '500116005002' },
          site: { address: { divisionCode: '500116005002', detail: '东门路20号' } },
        },
        [
          ['located_in', 'facility', 'division 500116005002', {}],
          ['located_at', 'facility', 'site', {}],
          ['operates', 'operator', 'facility', {}],
        ],
      ],
      [
        'a grid house and its owner, named by flat fields',
        'grid',
        {
          ...gridCommon,
          记录类型: '房屋',
          房屋编码: 'FW-500116005002-00012',
          地址: '鼎山街道东门路12号3栋2单元501室',
          房屋用途: '出租',
          产权人姓名: '李秀英',
          产权人身份证号: LI_XIUYING,
          建筑面积: '89.5',
        },
        [
          ['house', 'object', ''],
          ['owner', 'person', '/产权人姓名'],
          ['site', 'place', '/地址'],
        ],
        {
          house: { usage: 'rented', floorArea: '89.5', address: { ...FLAT, divisionCode: '500116005002' } },
          owner: { name: '李秀英', idNumber: LI_XIUYING },
        },
        [
          ['owns', 'owner', 'house', {}],
          ['located_in', 'house', 'division 500116005002', {}],
          ['located_at', 'house', 'site', {}],
        ],
      ],
      [
        'a grid premises, its operator by credit code, its manager and site',
        'grid',
        {
          ...gridCommon,
          记录类型: '场所',
          场所名称: '李记便利店',
          场所类型: '九小场所',
          地址: '鼎山街道东门路14号',
          统一社会信用代码: USCC,
          负责人: '李秀英',
          负责人身份证号: LI_XIUYING,
          负责人电话: '+86 138-2345-6789',
        },
        [
          ['premises', 'object', ''],
          ['operator', 'organization', '/统一社会信用代码'],
          ['manager', 'person', '/负责人'],
          ['site', 'place', '/地址'],
        ],
        {
          premises: { premisesType: 'nine_small' },
          operator: { uscc: USCC, name: '李记便利店' },
          manager: { name: '李秀英', idNumber: LI_XIUYING, phone: '13823456789' },
        },
        [
          ['manages', 'manager', 'premises', {}],
          ['operates', 'operator', 'premises', {}],
          ['located_in', 'premises', 'division 500116005002', {}],
          ['located_at', 'premises', 'site', {}],
        ],
      ],
    ];
    it.each(otherTypes)('maps %s', (_name, feed, record, mentions, values, relations) => {
      const mapped = mentionsOf(map(feed, record));
      expect(mapped.map((m) => [m.key, m.entityType, m.pointer])).toEqual(mentions);
      for (const [key, expected] of Object.entries(values))
        expect(mapped.find((m) => m.key === key)?.values).toMatchObject(expected);
      expect(relationsOf(map(feed, record))).toEqual(relations);
    });
  });

  describe('mentions of each element of a list (`each`)', () => {
    const incident = (involved: unknown): Json => ({
      ...gridCommon,
      记录类型: '事件',
      事件编号: 'SJ-20230824-0031',
      事件类型: '安全隐患',
      事件描述: '楼道堆放杂物，堵塞消防通道',
      发生地址: '鼎山街道东门路12号3栋',
      涉及人员: involved,
      状态: '已上报',
    });
    const involved = [
      { 姓名: '李秀英', 身份证号: LI_XIUYING, 手机号: '13823456789' },
      { 姓名: '王建国' },
    ];

    it('gives each element its index in the key and the pointer, and relates each', () => {
      const mapped = map('grid', incident(involved));
      expect(mentionsOf(mapped).map((m) => [m.key, m.entityType, m.pointer, m.values])).toEqual([
        ['incident', 'event', '', expect.objectContaining({ incidentType: 'hazard' })],
        [
          'participant/0',
          'person',
          '/涉及人员/0',
          { name: '李秀英', idNumber: LI_XIUYING, phone: '13823456789' },
        ],
        ['participant/1', 'person', '/涉及人员/1', { name: '王建国' }],
        ['scene', 'place', '/发生地址', expect.anything()],
      ]);
      expect(relationsOf(mapped)).toEqual([
        ['involves', 'incident', 'participant/0', { role: 'participant' }],
        ['involves', 'incident', 'participant/1', { role: 'participant' }],
        ['happened_in', 'incident', 'division 500116005002', {}],
        ['happened_at', 'incident', 'scene', {}],
      ]);
    });

    it('reads a list written as a string holding the JSON (hand-typed exports) as the list', () => {
      expect(map('grid', incident(JSON.stringify(involved)))).toEqual(
        map('grid', incident(involved)),
      );
    });

    it.each([
      ['absent', undefined],
      ['null', null],
      ['an empty string', ''],
      ['an empty list', []],
    ])('has no element mention, and no relation to one, when the list is %s', (_name, value) => {
      const mapped = map('grid', incident(value));
      expect(mapped.mentions.map((m) => m.key)).toEqual(['incident', 'scene']);
      expect(mapped.relations.map((r) => r.type)).toEqual(['happened_in', 'happened_at']);
    });

    it.each([
      ['a string that is no JSON list', '李秀英、王建国'],
      ['a string holding a JSON object', '{"姓名":"李秀英"}'],
      ['an object', { 姓名: '李秀英' }],
    ])('rejects a list that is %s', (_name, value) => {
      expect(rejectionOf(() => map('grid', incident(value)))).toEqual({
        reason: 'schema_violation',
        message: '/涉及人员 is not a list',
        detail: { pointer: '/涉及人员' },
      });
    });

    // A list typed into a string passes the schema whatever its elements are.
    it.each([
      ['a name', '["张三"]'],
      ['a number', '[1]'],
      ['null', '[{"姓名":"李秀英"},null]'],
      ['a list', '[["李秀英"]]'],
    ])('rejects a list holding %s, naming the element', (_name, value) => {
      const index = value.startsWith('[{') ? 1 : 0;
      expect(rejectionOf(() => map('grid', incident(value)))).toEqual({
        reason: 'schema_violation',
        message: `/涉及人员/${index} is not an object`,
        detail: { pointer: `/涉及人员/${index}` },
      });
    });
  });

  describe('mentions that require a value (`requires`)', () => {
    const house = (owner: Json): Json => ({
      ...gridCommon,
      记录类型: '房屋',
      房屋编码: 'FW-500116005002-00012',
      地址: '鼎山街道东门路12号3栋2单元501室',
      房屋用途: '自住',
      ...owner,
    });

    it.each([
      ['absent', {}],
      ['empty', { 产权人姓名: '' }],
      ['blank', { 产权人姓名: ' \u3000 ' }],
      ['null', { 产权人姓名: null }],
    ])('leaves out the owner, and what relates to them, when the name is %s', (_name, owner) => {
      const mapped = map('grid', house({ ...owner, 产权人身份证号: LI_XIUYING }));
      expect(mapped.mentions.map((m) => m.key)).toEqual(['house', 'site']);
      expect(mapped.relations.map((r) => r.type)).toEqual(['located_in', 'located_at']);
    });

    it('keeps a mention whose required value is given, though its other values are not', () => {
      const mapped = map('grid', house({ 产权人姓名: '李秀英', 产权人身份证号: '' }));
      expect(mentionsOf(mapped)[1]).toEqual({
        key: 'owner',
        entityType: 'person',
        pointer: '/产权人姓名',
        values: { name: '李秀英' },
      });
    });
  });

  describe('relations to a division (`toDivisionOf`)', () => {
    it('relates nothing to a division code the catalogue does not know, keeping the value flagged', () => {
      // 500199 is no county of Chongqing (9- and 12-digit codes are taken on their prefix).
      const mapped = map('population', { ...police, HJDZ_XZQHDM: '500199' });
      expect(mentionsOf(mapped)[0].values.hukouAddress).toEqual({
        invalid: { ...FLAT, divisionCode: '500199', detail: '东门路12号3栋2单元501' },
      });
      expect(relationsOf(mapped)).toEqual([['registered_at', 'resident', 'hukouPlace', {}]]);
    });

    it('relates nothing when the address names no division', () => {
      const mapped = map('population', { ...police, SJLX: 'LDRK', JZDZ: '幸福路1号' });
      expect(mentionsOf(mapped)[0].values.residenceAddress).toEqual({
        divisionCode: null,
        detail: '幸福路1号',
        standard: '幸福路1号',
      });
      expect(relationsOf(mapped)).toContainEqual(['lives_at', 'resident', 'residencePlace', {}]);
      expect(relationsOf(mapped).map((r) => r[0])).not.toContain('lives_in');
    });

    it('places a grid address that names no division in the community of its grid', () => {
      const mapped = map('grid', { ...grid, 居住地址: '幸福路1号' });
      expect(mentionsOf(mapped)[0].values.residenceAddress).toEqual({
        divisionCode: '500116005002',
        detail: '幸福路1号',
        standard: '幸福路1号',
      });
      expect(relationsOf(mapped)).toContainEqual([
        'lives_in',
        'resident',
        'division 500116005002',
        {},
      ]);
    });

    it('relates nothing when no division places the address', () => {
      const mapped = map('grid', { ...grid, 网格编码: '', 居住地址: '幸福路1号' });
      expect(mentionsOf(mapped)[0].values.residenceAddress).toEqual({
        divisionCode: null,
        detail: '幸福路1号',
        standard: '幸福路1号',
      });
      expect(relationsOf(mapped)).toEqual([['lives_at', 'resident', 'residencePlace', {}]]);
    });
  });

  describe('values', () => {
    it('leaves out what the record leaves blank or does not give', () => {
      const { values } = mentionsOf(map('population', { ...police, MZDM: '', LXDH: '  ' }))[0];
      expect(values).toMatchObject({ name: '李秀英', gender: '2' });
      // MZDM and LXDH blank, CYM (formerName) and JZZH (residencePermitNumber) not sent.
      for (const attribute of ['ethnicity', 'phone', 'formerName', 'residencePermitNumber'])
        expect(values).not.toHaveProperty(attribute);
    });

    it('states a constant of the mapping whatever the record holds', () => {
      const mapping: FeedMapping = {
        ...mappingOf('population'),
        recordTypes: [
          {
            name: 'resident',
            mentions: [
              {
                id: 'resident',
                entity: 'person',
                at: '',
                attributes: {
                  name: { from: '/XM', normalize: 'name' },
                  residentType: { value: 'registered' },
                },
              },
            ],
          },
        ],
      };
      expect(mentionsOf(mapRecord(mapping, police, divisions))[0].values).toEqual({
        name: '李秀英',
        residentType: 'registered',
      });
    });
  });

  describe('rejections', () => {
    it('rejects a record that no record type of its feed matches', () => {
      expect(
        rejectionOf(() => map('assistance', { ...assistance, recordType: 'pension' })),
      ).toEqual({
        reason: 'schema_violation',
        message: 'no record type of assistance matches',
        detail: {},
      });
    });

    it('rejects a code missing from a national code table, naming the attribute and table', () => {
      expect(rejectionOf(() => map('population', { ...police, XBDM: '5' }))).toEqual({
        reason: 'unknown_code',
        message: 'gender: "5" is not in gender',
        detail: { attribute: 'gender', value: '5', table: 'gender' },
      });
    });

    it('rejects a code missing from the feed’s own code list, naming the codes it knows', () => {
      const payload = { ...caPayload, assistanceType: 'FOO' };
      expect(rejectionOf(() => map('assistance', { ...assistance, payload }))).toEqual({
        reason: 'unknown_code',
        message: 'assistanceType: unknown code "FOO"',
        detail: { attribute: 'assistanceType', value: 'FOO', known: ['DIBAO', 'TEKUN', 'LINSHI'] },
      });
    });

    it('rejects a day that does not exist', () => {
      expect(rejectionOf(() => map('population', { ...police, CSRQ: '19560230' }))).toMatchObject({
        reason: 'schema_violation',
        message: expect.stringContaining('19560230'),
      });
    });
  });
});
