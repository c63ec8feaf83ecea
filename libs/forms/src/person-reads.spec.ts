import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoFolder } from '@hub/contracts';
import type { FormTemplate } from './form-template';
import { personReads } from './person-reads';

describe('personReads', () => {
  it('reads the attributes a field names, those a computed value is made of, and event attributes', () => {
    expect(
      personReads([
        { key: 'name', label: '姓名', source: { attribute: 'name' } },
        { key: 'age', label: '年龄', source: { computed: 'age' } },
        { key: 'alone', label: '是否独居', source: { computed: 'livingAlone' } },
        { key: 'band', label: '年龄段', source: { computed: 'ageBand' } },
        {
          key: 'allowance',
          label: '享受高龄津贴',
          source: { event: 'elderly_allowance', attribute: 'monthlyAmount' },
        },
        { key: 'relation', label: '与申请人关系', source: { row: 'relationToApplicant' } },
        { key: 'note', label: '备注', staff: true },
      ]),
    ).toEqual({
      attributes: ['birthDate', 'name', 'tags'],
      events: { elderly_allowance: ['monthlyAmount'] },
    });
  });

  it('gives the shipped roster what its columns show, and nothing else', () => {
    const roster = JSON.parse(
      readFileSync(join(findRepoFolder('forms'), 'elderly-roster.json'), 'utf8'),
    ) as FormTemplate;
    const table = roster.sections.find((s) => s.rows?.walk === 'residents')!;
    expect(personReads(table.fields)).toEqual({
      attributes: ['birthDate', 'gender', 'idNumber', 'name', 'phone', 'residenceAddress', 'tags'],
      events: { elderly_allowance: ['monthlyAmount'] },
    });
  });
});
