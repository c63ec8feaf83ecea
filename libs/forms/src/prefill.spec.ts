import type { Candidate } from './choose-value';
import { choose } from './choose-value';
import type { FormTemplate } from './form-template';
import { ageBand, ageOn, prefill, type PersonSnapshot, type SubjectSnapshot } from './prefill';

const ORDER: Record<string, string[]> = {
  phone: ['township', 'grid', 'assistance', 'population'],
  residenceAddress: ['township', 'grid', 'assistance', 'population'],
  hukouAddress: ['population'],
};
const DEPARTMENTS: Record<string, string> = {
  population: '公安',
  assistance: '民政',
  grid: '网格',
  township: '镇街采集',
};
const context = {
  order: (attribute: string) => ORDER[attribute] ?? [],
  department: (feed: string) => DEPARTMENTS[feed] ?? feed,
};

const candidate = (
  value: unknown,
  feed: string,
  observedAt: string,
  sourceRecordId = `${feed}-1`,
): Candidate => ({ value, valid: true, feed, sourceRecordId, pointer: '', observedAt });

function person(
  id: string,
  golden: Record<string, unknown>,
  candidates: Record<string, Candidate[]> = {},
): PersonSnapshot {
  return { id, golden, candidates, conflicts: [], openReviewTasks: 0, events: [] };
}

const ELDERLY: FormTemplate = {
  id: 'elderly-allowance',
  title: '高龄津贴申领审核表',
  purpose: 'elderly-allowance-review',
  roles: ['community-staff'],
  subject: 'person',
  sections: [
    {
      key: 'person',
      title: '申领人',
      fields: [
        { key: 'name', label: '姓名', source: { attribute: 'name' }, required: true },
        { key: 'gender', label: '性别', source: { attribute: 'gender' } },
        { key: 'age', label: '年龄', source: { computed: 'age' } },
        { key: 'ageBand', label: '年龄段', source: { computed: 'ageBand' } },
        {
          key: 'phone',
          label: '联系电话',
          source: { attribute: 'phone' },
          required: true,
          staff: true,
        },
        { key: 'livingAlone', label: '是否独居', source: { computed: 'livingAlone' } },
        { key: 'status', label: '人员状态', source: { computed: 'personStatus' } },
        {
          key: 'hukouAddress',
          label: '户籍地址',
          source: { attribute: 'hukouAddress' },
          required: true,
        },
        {
          key: 'allowance',
          label: '现享受津贴',
          source: { event: 'elderly_allowance', attribute: 'monthlyAmount' },
        },
        { key: 'bankAccount', label: '银行账号', staff: true, required: true },
      ],
    },
  ],
};

const field = (form: ReturnType<typeof prefill>, key: string) =>
  form.sections[0].fields!.find((f) => f.key === key)!;

describe('prefill', () => {
  const grandma = person(
    'p1',
    {
      name: '许桂兰',
      gender: '2',
      birthDate: '1942-03-05',
      status: 'normal',
      phone: '13900002001',
    },
    {
      name: [candidate('许桂兰', 'population', '2024-01-01T00:00:00Z')],
      gender: [candidate('2', 'population', '2024-01-01T00:00:00Z')],
      birthDate: [candidate('1942-03-05', 'population', '2024-01-01T00:00:00Z')],
      phone: [
        candidate('13900002001', 'grid', '2024-03-01T00:00:00Z'),
        candidate('13800000000', 'population', '2023-01-01T00:00:00Z'),
      ],
      tags: [candidate(['独居老人', '低保户'], 'grid', '2024-03-01T00:00:00Z')],
    },
  );
  grandma.events = [
    {
      id: 'e1',
      eventType: 'elderly_allowance',
      occurredAt: '2023-05-01T00:00:00Z',
      golden: {},
      candidates: {
        monthlyAmount: [candidate('100', 'assistance', '2023-05-01T00:00:00Z', 'GL-1')],
      },
    },
  ];
  const subject: SubjectSnapshot = { person: grandma, divisionNames: {} };

  it('fills each field with its value, display text and source, and lists what is missing', () => {
    const form = prefill(ELDERLY, subject, '2026-12-05', context);
    expect(field(form, 'name')).toMatchObject({
      value: '许桂兰',
      status: 'filled',
      provenance: { department: '公安', feed: 'population', sourceRecordId: 'population-1' },
    });
    expect(field(form, 'gender')).toMatchObject({ value: '2', display: '女' });
    expect(field(form, 'age')).toMatchObject({ value: 84, status: 'filled' });
    expect(field(form, 'ageBand')).toMatchObject({ value: '80-89' });
    expect(field(form, 'livingAlone')).toMatchObject({
      value: '是',
      provenance: { department: '网格' },
    });
    expect(field(form, 'status')).toMatchObject({ value: 'normal', display: '正常' });
    expect(field(form, 'allowance')).toMatchObject({
      value: '100',
      display: '100元',
      provenance: { department: '民政', sourceRecordId: 'GL-1' },
    });
    expect(field(form, 'bankAccount')).toMatchObject({ value: null, status: 'staff' });
    expect(field(form, 'hukouAddress')).toMatchObject({ value: null, status: 'missing' });
    expect(form.missing).toEqual([
      { section: 'person', field: 'hukouAddress', label: '户籍地址' },
      { section: 'person', field: 'bankAccount', label: '银行账号' },
    ]);
    expect(form.flags).toEqual([]);
  });

  it('shows the chosen phone with the older department value as an alternative', () => {
    expect(field(prefill(ELDERLY, subject, '2026-12-05', context), 'phone')).toMatchObject({
      value: '13900002001',
      status: 'filled',
      alternatives: [{ value: '13800000000', provenance: { department: '公安' } }],
    });
  });

  it('makes the field a conflict when a newer record disagrees with the chosen value', () => {
    const corrected = person(
      'p1',
      { ...grandma.golden, phone: '13700000000' },
      {
        ...grandma.candidates,
        phone: [
          candidate('13700000000', 'township', '2026-11-01T00:00:00Z', 'ZJ-1'),
          candidate('13600000000', 'population', '2026-12-01T00:00:00Z'),
        ],
      },
    );
    const phone = field(
      prefill(ELDERLY, { ...subject, person: corrected }, '2026-12-05', context),
      'phone',
    );
    expect(phone).toMatchObject({
      value: '13700000000',
      status: 'conflict',
      provenance: { department: '镇街采集', sourceRecordId: 'ZJ-1' },
      alternatives: [{ value: '13600000000', provenance: { department: '公安' } }],
    });
  });

  it('flags a deceased person, a pending review and conflicting identity', () => {
    const dead = {
      ...grandma,
      golden: { ...grandma.golden, status: 'deceased' },
      openReviewTasks: 1,
      conflicts: ['birthDate'],
    };
    const form = prefill(ELDERLY, { ...subject, person: dead }, '2026-12-05', context);
    expect(form.flags.map((f) => f.code)).toEqual([
      'deceased',
      'pending_review',
      'conflicting_identity',
    ]);
    expect(field(form, 'status')).toMatchObject({
      value: 'deceased',
      status: 'flagged',
      display: '死亡',
    });
  });
});

describe('choose', () => {
  it('prefers the golden value, then the best-ranked source, then the newest', () => {
    const a = candidate('A', 'grid', '2024-01-01');
    const b = candidate('B', 'population', '2025-01-01');
    expect(choose([a, b], ['grid', 'population']).value).toBe('A');
    expect(choose([a, b], []).value).toBe('B');
    expect(choose([a, b], ['grid'], { golden: 'B' }).value).toBe('B');
    expect(choose([], ['grid']).value).toBeNull();
  });

  it('does not call a less precise or an invalid newer value a conflict', () => {
    const full = candidate('1927-10-20', 'population', '2020-01-01');
    const month = candidate('1927-10', 'grid', '2024-01-01');
    expect(choose([full, month], ['population', 'grid'])).toMatchObject({
      value: '1927-10-20',
      status: 'filled',
      alternatives: [month],
    });
    const invalid = { ...candidate('50038119560302202X', 'grid', '2024-01-01'), valid: false };
    expect(
      choose([candidate('500381195603022029', 'population', '2020-01-01'), invalid], ['population'])
        .status,
    ).toBe('filled');
  });

  it('compares addresses by their standard form', () => {
    const a = candidate(
      {
        divisionCode: '500116005',
        detail: '东门路12号3-2-501',
        standard: '东门路12号3栋2单元501室',
      },
      'assistance',
      '2024-01-01',
    );
    const b = candidate(
      {
        divisionCode: '500116005',
        detail: '东门路12号3栋2单元501室',
        standard: '东门路12号3栋2单元501室',
      },
      'grid',
      '2023-01-01',
    );
    expect(choose([a, b], ['grid', 'assistance'])).toMatchObject({
      status: 'filled',
      alternatives: [],
    });
  });

  it('flags a value its source marked invalid', () => {
    expect(choose([{ ...candidate('X', 'grid', '2024'), valid: false }], []).status).toBe(
      'flagged',
    );
  });
});

describe('computed values', () => {
  it('takes the community from the grid code when the address names only the township', () => {
    const resident = person(
      'p2',
      { name: '周建国', divisionCode: '500116005' },
      {
        gridCode: [candidate('500116005002-03', 'grid', '2024-01-01')],
      },
    );
    const form = prefill(
      {
        ...ELDERLY,
        sections: [
          {
            key: 'person',
            title: '人',
            fields: [{ key: 'community', label: '所属村(社区)', source: { computed: 'division' } }],
          },
        ],
      },
      { person: resident, divisionNames: { '500116005002': '东门社区' } },
      '2026-12-05',
      context,
    );
    expect(field(form, 'community')).toMatchObject({ value: '500116005002', display: '东门社区' });
  });
});

describe('ages', () => {
  it.each([
    ['1942-03-05', '2026-12-05', 84],
    ['1942-12-06', '2026-12-05', 83],
    ['1942-12', '2026-12-05', 84],
    ['1942', '2026-12-05', 84],
    ['2030-01-01', '2026-12-05', null],
  ])('born %s, on %s: %s', (birth, on, age) => expect(ageOn(birth, on)).toBe(age));

  it.each([
    [79, null],
    [80, '80-89'],
    [99, '90-99'],
    [100, '100+'],
  ])('age %s is in band %s', (age, band) => expect(ageBand(age)).toBe(band));
});
