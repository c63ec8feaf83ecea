import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoFolder } from '@hub/contracts';
import { loadReportTemplates } from './report-template';

// A template as the tests change it: plain JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Template = Record<string, any>;

const KNOWN = { purposes: ['statistics', 'elderly-allowance-review'] };

/** A reports folder holding one shipped template, changed by `change`. */
function folderWith(
  change: (template: Template) => void,
  template = 'assistance-monthly',
  file = `${template}.json`,
) {
  const data = JSON.parse(
    readFileSync(join(findRepoFolder('reports'), `${template}.json`), 'utf8'),
  ) as Template;
  change(data);
  const dir = mkdtempSync(join(tmpdir(), 'hub-reports-'));
  writeFileSync(join(dir, file), JSON.stringify(data));
  return dir;
}

describe('report templates', () => {
  it('loads the three reports', () => {
    const templates = loadReportTemplates(KNOWN);
    expect(templates.map((t) => [t.id, t.title, t.subjects.set, t.groupBy])).toEqual([
      ['assistance-monthly', '城乡低保/特困救助对象统计月报', 'events', ['township']],
      ['elderly-statistics', '80周岁以上老人统计表', 'persons', ['village']],
      ['grid-incidents', '网格事件统计表', 'events', ['grid', 'month']],
    ]);
  });

  it.each([
    [
      'a column without a label',
      (t: Template) => delete t.columns[0].label,
      /\/columns\/0: must have required property 'label'/,
    ],
    [
      'a measure that does not exist',
      (t: Template) => (t.columns[1].measure = 'average'),
      /\/columns\/1\/measure: must be equal to one of the allowed values/,
    ],
    [
      'a sum without its amount',
      (t: Template) => delete t.columns[2].amount,
      /\/columns\/2: must have required property 'amount'/,
    ],
    [
      'an assistance type the model does not store',
      (t: Template) => (t.columns[0].where.assistanceType = ['DIBAO']),
      /\/columns\/0\/where\/assistanceType\/0: must be equal to one of the allowed values/,
    ],
    [
      'events without their type',
      (t: Template) => delete t.subjects.eventType,
      /\/subjects: must have required property 'eventType'/,
    ],
    [
      'rows by a level that does not exist',
      (t: Template) => (t.groupBy = ['street']),
      /\/groupBy\/0: must be equal to one of the allowed values/,
    ],
    [
      'a purpose not on the list',
      (t: Template) => (t.purpose = 'curiosity'),
      /\/purpose: curiosity is not a purpose/,
    ],
    [
      'a filter of persons on events',
      (t: Template) => (t.columns[1].where = { livingAlone: true }),
      /\/columns\/1\/where\/livingAlone: events have no livingAlone/,
    ],
    [
      'an incident type on assistance',
      (t: Template) => (t.subjects.where.incidentType = ['hazard']),
      /\/subjects\/where\/incidentType: only grid_incident events have one/,
    ],
    [
      'a column key twice',
      (t: Template) => (t.columns[1].key = 'dibaoHouseholds'),
      /\/columns\/1\/key: dibaoHouseholds twice/,
    ],
    [
      'rows by two places',
      (t: Template) => (t.groupBy = ['township', 'grid']),
      /\/groupBy\/1: grid: after the place, only month/,
    ],
    [
      'month rows of events running through the period',
      (t: Template) => (t.groupBy = ['township', 'month']),
      /\/groupBy\/1: month rows need events counted within: dated/,
    ],
  ])('stops at %s, naming the file and the field', (_what, change, message) => {
    const dir = folderWith(change);
    expect(() => loadReportTemplates(KNOWN, dir)).toThrow(
      /report template .*assistance-monthly\.json: /,
    );
    expect(() => loadReportTemplates(KNOWN, dir)).toThrow(message);
  });

  it('stops at a measure persons do not have', () => {
    const dir = folderWith((t) => (t.columns[0].measure = 'events'), 'elderly-statistics');
    expect(() => loadReportTemplates(KNOWN, dir)).toThrow(
      /elderly-statistics\.json: \/columns\/0\/measure: persons have no measure events/,
    );
  });

  it('stops at a file that is not JSON, and at one not named after its id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-reports-'));
    writeFileSync(join(dir, 'broken.json'), '{"id": ');
    expect(() => loadReportTemplates(KNOWN, dir)).toThrow(
      /report template .*broken\.json: not JSON/,
    );
    expect(() =>
      loadReportTemplates(
        KNOWN,
        folderWith(() => undefined, 'grid-incidents', 'old-name.json'),
      ),
    ).toThrow(/old-name\.json: \/id: grid-incidents is not the file name old-name/);
  });
});
