import fc from 'fast-check';
import { ageBand, ageOn } from '../prefill';
import {
  assembleTable,
  birthRanges,
  bornBy,
  cellSubjectType,
  columnOf,
  conditionsOf,
  parseRowKey,
  planReport,
  type AggregateRow,
  type BirthRange,
} from './report-engine';
import { ReportRequestError, resolvePeriod } from './report-period';
import { loadReportTemplates, type AgeBand, type ReportTemplate } from './report-template';
import { aggregateQuery, cellQuery } from './report.repository';

const templates = loadReportTemplates({ purposes: ['statistics'] });
const template = (id: string): ReportTemplate => templates.find((t) => t.id === id)!;

/** A birth date as the golden record stores it, padded to a day as the report's rows are. */
const padded = (birth: string) =>
  birth.length === 4 ? `${birth}-01-01` : birth.length === 7 ? `${birth}-01` : birth;

const inRanges = (birth: string, ranges: BirthRange[]) =>
  ranges.some(
    (r) => padded(birth) <= r.notAfter && (r.after === undefined || padded(birth) > r.after),
  );

const day = fc
  .record({
    year: fc.integer({ min: 1890, max: 2030 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
  })
  .map((d) => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`);
/** Birth dates of every precision the model keeps (YYYY, YYYY-MM, YYYY-MM-DD), Feb 29 too. */
const birth = fc.oneof(
  day,
  day.map((d) => d.slice(0, 7)),
  day.map((d) => d.slice(0, 4)),
  fc.constantFrom('1936-02-29', '1944-02-29', '1926-12-31', '1946-01-01'),
);
const reportDate = fc.oneof(day, fc.constantFrom('2028-02-29', '2026-12-31', '2026-01-01'));

describe('report periods', () => {
  const today = '2026-12-05';

  it('takes a report date, a month, or a range, each with its default', () => {
    expect(resolvePeriod('date', {}, today)).toEqual({
      kind: 'date',
      from: today,
      to: today,
      date: today,
    });
    expect(resolvePeriod('date', { month: '2024-02' }, today).date).toBe('2024-02-29');
    expect(resolvePeriod('month', {}, today)).toEqual({
      kind: 'month',
      from: '2026-12-01',
      to: '2026-12-31',
      date: '2026-12-31',
      month: '2026-12',
    });
    expect(resolvePeriod('month', { date: '2026-11-15' }, today).month).toBe('2026-11');
    expect(resolvePeriod('range', { from: '2026-10-01', to: '2026-11-15' }, today)).toEqual({
      kind: 'range',
      from: '2026-10-01',
      to: '2026-11-15',
      date: '2026-11-15',
    });
    expect(resolvePeriod('range', { month: '2026-02' }, today)).toMatchObject({
      from: '2026-02-01',
      to: '2026-02-28',
      month: '2026-02',
    });
  });

  it.each([
    ['date', { date: '2026-02-30' }, /not a day of the calendar/],
    ['month', { month: '2026-13' }, /not a month/],
    ['date', { from: '2026-01-01', to: '2026-01-31' }, /as of one date/],
    ['month', { from: '2026-01-01', to: '2026-01-31' }, /of one month/],
    ['range', { from: '2026-01-01' }, /both from and to/],
    ['range', { from: '2026-02-01', to: '2026-01-01' }, /after/],
    ['date', { date: '2026-01-01', month: '2026-01' }, /not both/],
  ] as const)('refuses %s %j', (kind, request, message) => {
    expect(() => resolvePeriod(kind, request, today)).toThrow(ReportRequestError);
    expect(() => resolvePeriod(kind, request, today)).toThrow(message);
  });
});

describe('ages as birth-date bounds', () => {
  it('gives the latest birth date of someone old enough', () => {
    expect(bornBy('2026-12-05', 80)).toBe('1946-12-05');
    expect(bornBy('0100-03-01', 99)).toBe('0001-03-01');
  });

  it('merges age bands that touch, and keeps apart those that do not', () => {
    expect(
      birthRanges([{ min: 90, max: 99 }, { min: 80, max: 89 }, { min: 100 }], '2026-12-05'),
    ).toEqual([{ notAfter: '1946-12-05' }]);
    expect(birthRanges([{ min: 80, max: 89 }, { min: 100 }], '2026-12-05')).toEqual([
      { notAfter: '1946-12-05', after: '1936-12-05' },
      { notAfter: '1926-12-05' },
    ]);
  });

  it('keeps exactly the persons forms put in those age bands (ageOn, ageBand)', () => {
    const bands = fc.subarray<AgeBand>(['80-89', '90-99', '100+'], { minLength: 1 });
    fc.assert(
      fc.property(birth, reportDate, bands, (b, date, wanted) => {
        const [condition] = conditionsOf({ ageBand: wanted }, date);
        const age = ageOn(b, date);
        const band = age === null ? null : ageBand(age);
        expect(condition.on === 'birth' && inRanges(b, condition.ranges)).toBe(
          band !== null && wanted.includes(band as AgeBand),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps exactly the persons the roster keeps by minimum age', () => {
    fc.assert(
      fc.property(birth, reportDate, fc.integer({ min: 0, max: 120 }), (b, date, minAge) => {
        const [condition] = conditionsOf({ minAge }, date);
        const age = ageOn(b, date);
        expect(condition.on === 'birth' && inRanges(b, condition.ranges)).toBe(
          age !== null && age >= minAge,
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('report plans', () => {
  const date = resolvePeriod('date', { date: '2026-12-05' }, '2026-12-05');
  const november = resolvePeriod('month', { month: '2026-11' }, '2026-12-05');

  it('plans the elderly statistics per village, all villages listed', () => {
    const plan = planReport(template('elderly-statistics'), '500116005', date);
    expect(plan).toMatchObject({
      set: 'persons',
      prefix: '500116005',
      rows: { by: 'division', length: 12 },
      byMonth: false,
      window: null,
      listDivisions: 'village',
      scope: [
        { on: 'birth', ranges: [{ notAfter: '1946-12-05' }] },
        { on: 'living', is: true },
      ],
    });
    expect(columnOf(plan, 'age90to99').conditions).toEqual([
      { on: 'birth', ranges: [{ notAfter: '1936-12-05', after: '1926-12-05' }] },
    ]);
    expect(columnOf(plan, 'allowance').conditions).toEqual([{ on: 'elderlyAllowance', is: true }]);
  });

  it('never makes rows coarser than the requested division', () => {
    const plan = planReport(template('assistance-monthly'), '500116005002', november);
    expect(plan.rows).toEqual({ by: 'division', length: 12 });
    expect(plan.listDivisions).toBe('village');
    expect(planReport(template('assistance-monthly'), '500116', november).rows).toEqual({
      by: 'division',
      length: 9,
    });
  });

  it('plans assistance cases running through the month, incidents dated in the range', () => {
    const assistance = planReport(template('assistance-monthly'), '500116', november);
    expect(assistance.window).toEqual({ kind: 'running', from: '2026-11-01', to: '2026-11-30' });
    expect(assistance.scope).toEqual([
      { on: 'status', in: ['active'] },
      { on: 'assistanceType', in: ['城乡低保', '特困供养'] },
    ]);
    expect(cellSubjectType(assistance, columnOf(assistance, 'dibaoPersons'))).toBe('person');
    expect(cellSubjectType(assistance, columnOf(assistance, 'dibaoAmount'))).toBe('event');
    const incidents = planReport(
      template('grid-incidents'),
      '500116005',
      resolvePeriod('range', { from: '2026-10-01', to: '2026-11-30' }, '2026-12-05'),
    );
    expect(incidents).toMatchObject({
      rows: { by: 'grid' },
      byMonth: true,
      window: { kind: 'dated', from: '2026-10-01', to: '2026-11-30' },
      listDivisions: null,
    });
  });

  it('checks row keys and columns against the plan', () => {
    const plan = planReport(template('grid-incidents'), '500116005', november);
    expect(parseRowKey(plan, '500116005002-03/2026-11')).toEqual(['500116005002-03', '2026-11']);
    expect(parseRowKey(plan, 'total')).toBeNull();
    expect(() => parseRowKey(plan, '500116005002-03')).toThrow(/not a row of this report/);
    expect(() => parseRowKey(plan, '500116006001-01/2026-11')).toThrow(/not a row/);
    const villages = planReport(template('elderly-statistics'), '500116005', date);
    expect(parseRowKey(villages, '500116005002')).toEqual(['500116005002']);
    expect(() => parseRowKey(villages, '500116005002-03')).toThrow(/division code/);
    expect(() => columnOf(villages, 'age70to79')).toThrow(/not a column of this report: total, /);
  });
});

describe('report tables', () => {
  const period = resolvePeriod('month', { month: '2026-11' }, '2026-12-05');
  const plan = planReport(template('assistance-monthly'), '500116', period);
  const values = (n: number) =>
    plan.columns.map((c) => (c.measure === 'sum' ? `${n}.005` : `${n}`));
  const aggregate = (groups: string[], n: number, name: string | null = null): AggregateRow => ({
    groups,
    total: groups.length === 0,
    divisionCode: groups[0] ?? null,
    divisionName: name,
    values: values(n),
  });

  it('orders rows by place, marks a coarser division unplaced, and keeps the totals apart', () => {
    const table = assembleTable(
      template('assistance-monthly'),
      plan,
      period,
      { code: '500116', name: '江津区' },
      [
        aggregate([], 9),
        aggregate(['500116006'], 2, '琅山'),
        aggregate(['500116'], 1, '江津区'),
        aggregate(['500116005'], 6, '鼎山街道'),
      ],
    );
    expect(table.rows.map((r) => [r.key, r.groups, r.unplaced ?? false])).toEqual([
      ['500116', { township: '500116' }, true],
      ['500116005', { township: '500116005' }, false],
      ['500116006', { township: '500116006' }, false],
    ]);
    expect(table.rows[1].cells).toMatchObject({ dibaoHouseholds: 6, dibaoAmount: 6.01 });
    expect(table.totals).toEqual({
      key: 'total',
      cells: expect.objectContaining({ households: 9, amount: 9.01 }) as unknown,
    });
    expect(table.columns.map((c) => c.key)).toEqual(plan.columns.map((c) => c.key));
  });

  it('answers zeros when the query has no totals row', () => {
    const table = assembleTable(
      template('assistance-monthly'),
      plan,
      period,
      { code: '500116', name: null },
      [],
    );
    expect(Object.values(table.totals.cells).every((v) => v === 0)).toBe(true);
  });
});

describe('report queries', () => {
  const date = resolvePeriod('date', { date: '2026-12-05' }, '2026-12-05');

  it('binds every value as a parameter, never into the SQL text', () => {
    const plan = planReport(
      template('assistance-monthly'),
      '500116005',
      resolvePeriod('month', { month: '2026-11' }, '2026-12-05'),
    );
    const { sql, params } = aggregateQuery(plan, ['grid']);
    expect(sql).not.toContain('城乡低保');
    expect(sql).not.toContain('500116005');
    expect(sql).not.toContain('2026-11');
    expect(params).toEqual(expect.arrayContaining(['500116005', ['城乡低保'], '2026-11-30']));
    expect(
      sql
        .match(/\$\d+/g)!
        .map((p) => Number(p.slice(1)))
        .every((n) => n <= params.length),
    ).toBe(true);
    expect(sql).toContain('GROUPING SETS');
    expect(sql).toContain('unnest(s.persons)');
  });

  it('reads only what the report needs', () => {
    const elderly = aggregateQuery(
      planReport(template('elderly-statistics'), '500116005002', date),
    );
    expect(elderly.sql).toContain("attribute = 'tags'");
    expect(elderly.sql).toContain("'elderly_allowance'");
    expect(elderly.sql).not.toContain("attribute = 'gridCode'");
    expect(elderly.sql).not.toContain('unnest');
    const incidents = planReport(template('grid-incidents'), '500116005', date);
    const cell = cellQuery(incidents, columnOf(incidents, 'hazard'), [
      '500116005002-03',
      '2026-12',
    ]);
    expect(cell.sql).toContain('first_seen');
    expect(cell.params).toEqual(expect.arrayContaining(['500116005002-03', '2026-12', ['hazard']]));
  });

  it('never lets a template name into the SQL', () => {
    expect(() =>
      conditionsOf({ status: ["active'; DROP TABLE person; --"] }, '2026-12-05'),
    ).not.toThrow();
    const plan = planReport(template('grid-incidents'), '500116005', date);
    plan.columns[0].conditions = conditionsOf(
      { status: ["x'); DROP TABLE person; --"] },
      date.date,
    );
    expect(aggregateQuery(plan).sql).not.toContain('DROP TABLE');
  });
});
