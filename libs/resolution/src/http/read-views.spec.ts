import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoFolder } from '@hub/contracts';
import { codeLabel } from '@hub/normalize';
import { FeedDepartments } from './feed-departments';
import {
  groupFamilies,
  groupHouseholds,
  labelsOf,
  personsNamedIn,
  preferredValue,
  preferredValues,
  type FamilyRow,
} from './read-views';

const departments = new FeedDepartments([
  { feed: 'population', department: '公安 public security: population registry' },
  { feed: 'assistance', department: '民政 civil affairs: assistance and services' },
]);
const at = (iso: string) => new Date(iso);

describe('FeedDepartments', () => {
  it('names a feed by the first word of its department, and an unknown feed by itself', () => {
    expect(departments.of('population')).toBe('公安');
    expect(departments.of('assistance')).toBe('民政');
    expect(departments.of('elsewhere')).toBe('elsewhere');
  });
});

describe('labelsOf', () => {
  it('gives the texts of coded values only', () => {
    expect(
      labelsOf({ gender: '2', ethnicity: '01', status: 'normal', name: '李秀英', phone: null }),
    ).toEqual({ gender: '女', ethnicity: '汉族', status: '正常' });
  });
});

describe('preferredValue', () => {
  const stated = [
    { value: '03', valid: true, feed: 'grid', observedAt: at('2024-01-01') },
    { value: '01', valid: true, feed: 'population', observedAt: at('2023-01-01') },
    { value: '02', valid: true, feed: 'population', observedAt: at('2022-01-01') },
  ];

  it('takes the first feed of the order, the newest among equals', () => {
    expect(preferredValue(stated, ['population'])).toBe('01');
  });

  it('takes the newest, a valid value before an invalid one, without an order', () => {
    expect(preferredValue(stated)).toBe('03');
    expect(
      preferredValue([
        { value: 'x', valid: false, feed: 'grid', observedAt: null },
        { value: 'y', valid: true, feed: 'grid', observedAt: null },
      ]),
    ).toBe('y');
  });

  it('gives nothing when no source states a value', () => {
    expect(preferredValue([{ value: '', valid: true, feed: 'grid', observedAt: null }])).toBe(
      undefined,
    );
    expect(
      preferredValues([
        { attribute: 'monthlyAmount', value: '650.00', valid: true, feed: 'a', observedAt: null },
        { attribute: 'endDate', value: null, valid: true, feed: 'a', observedAt: null },
      ]),
    ).toEqual({ monthlyAmount: '650.00' });
  });
});

describe('households and families', () => {
  const source = { feed: 'population', sourceRecordId: 'R1', observedAt: at('2023-08-24') };
  const member = (personId: string, name: string, relationToHead: string | null) => ({
    household: 'H1',
    personId,
    name,
    idNumber: `ID-${personId}`,
    relationToHead,
    ...source,
  });

  it('lists a household’s members head first, each with the text of their relation and its record', () => {
    const [household] = groupHouseholds(
      ['H1'],
      [member('c', '王小', '20'), member('b', '王建国', '10'), member('a', '李秀英', '02')],
      departments,
    );
    expect(household.members.map((m) => [m.name, m.relationLabel])).toEqual([
      ['李秀英', '户主'],
      ['王建国', '配偶'],
      ['王小', '子'],
    ]);
    expect(household.members[0]).toEqual({
      personId: 'a',
      name: '李秀英',
      idNumber: 'ID-a',
      relationToHead: '02',
      relationLabel: '户主',
      department: '公安',
      feed: 'population',
      sourceRecordId: 'R1',
      observedAt: at('2023-08-24'),
    });
  });

  it('groups a record’s family rows under their head, and names everyone shown for the audit', () => {
    const row = (memberId: string, relationToHead: string | null): FamilyRow => ({
      feed: 'assistance',
      sourceRecordId: 'CA-1',
      observedAt: null,
      headId: 'a',
      headName: '李秀英',
      headIdNumber: 'ID-a',
      memberId,
      memberName: `M-${memberId}`,
      memberIdNumber: null,
      relationToHead,
    });
    const families = groupFamilies([row('b', '10'), row('c', null)], departments);
    expect(families).toEqual([
      {
        source: {
          department: '民政',
          feed: 'assistance',
          sourceRecordId: 'CA-1',
          observedAt: null,
        },
        headId: 'a',
        head: { personId: 'a', name: '李秀英', idNumber: 'ID-a' },
        members: [
          {
            personId: 'b',
            name: 'M-b',
            idNumber: null,
            relationToHead: '10',
            relationLabel: '配偶',
          },
          { personId: 'c', name: 'M-c', idNumber: null, relationToHead: null, relationLabel: null },
        ],
      },
    ]);
    expect(
      personsNamedIn({
        families,
        households: groupHouseholds(['H1'], [member('d', 'D', '02')], departments),
        relations: [
          { otherType: 'place', otherId: 'p' },
          { otherType: 'person', otherId: 'b' },
        ],
      }).sort(),
    ).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('the texts of the hub’s codes', () => {
  /** Every code the mappings write for these attributes, and every event type and role. */
  function mappedCodes() {
    const codes: [string, string][] = [];
    const dir = findRepoFolder('mappings');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const mapping = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
        recordTypes: {
          mentions: {
            entity: string;
            type?: string;
            attributes?: Record<string, { codes?: Record<string, string> }>;
          }[];
          relations?: { type: string; attributes?: Record<string, string> }[];
        }[];
      };
      for (const recordType of mapping.recordTypes) {
        for (const mention of recordType.mentions) {
          if (mention.entity === 'event' && mention.type) codes.push(['eventType', mention.type]);
          for (const [attribute, rule] of Object.entries(mention.attributes ?? {}))
            if (['status', 'incidentType', 'disabilityLevel'].includes(attribute))
              for (const code of Object.values(rule.codes ?? {})) codes.push([attribute, code]);
        }
        for (const relation of recordType.relations ?? [])
          if (relation.type === 'involves' && relation.attributes?.role)
            codes.push(['role', relation.attributes.role]);
      }
    }
    return codes;
  }

  it('has a text for every status, event type, incident type and role a mapping writes', () => {
    const codes = mappedCodes();
    expect(codes.length).toBeGreaterThan(20);
    expect(codes.filter(([attribute, code]) => codeLabel(attribute, code) === undefined)).toEqual(
      [],
    );
  });
});
