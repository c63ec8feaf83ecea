import { ReportRequestError, type ReportPeriod } from './report-period';
import type {
  AgeBand,
  EventType,
  Measure,
  ReportFilter,
  ReportTemplate,
  RowLevel,
} from './report-template';

/**
 * One condition on a subject, in the terms the repository's subject rows have. Ages are turned
 * into bounds on the birth date (padded to a full date) for the report date, so the database
 * compares strings instead of computing ages.
 */
export type Condition =
  | { on: 'birth'; ranges: BirthRange[] }
  | { on: 'living' | 'livingAlone' | 'elderlyAllowance'; is: boolean }
  | { on: 'tags'; anyOf: string[] }
  | { on: 'status' | 'assistanceType' | 'incidentType'; in: string[] };

/** Born on or before `notAfter` (old enough) and, when given, after `after` (not too old). */
export interface BirthRange {
  notAfter: string;
  after?: string;
}

export interface PlannedColumn {
  key: string;
  label: string;
  measure: Measure;
  amount?: string;
  conditions: Condition[];
}

/** How rows are placed: by the first `length` digits of the subject's division, or by grid. */
export type RowPlacement = { by: 'division'; length: number } | { by: 'grid' };

/**
 * A template made concrete for one request: what the repository's one query selects, groups
 * and counts. Pure data; the repository writes it as SQL.
 */
export interface ReportPlan {
  set: 'persons' | 'events';
  eventType: EventType | null;
  /** The requested division as a code prefix: only subjects inside it count. */
  prefix: string;
  rows: RowPlacement;
  byMonth: boolean;
  /** Events: which belong to the period (running during it, or dated in it). */
  window: { kind: 'running' | 'dated'; from: string; to: string } | null;
  /** The template's own filter, on every subject. */
  scope: Condition[];
  columns: PlannedColumn[];
  /** Seeded divisions of this level inside the prefix are rows even without subjects. */
  listDivisions: 'township' | 'village' | null;
}

const LEVEL_LENGTH: Record<Exclude<RowLevel, 'grid'>, number> = { township: 9, village: 12 };

const BAND_AGES: Record<AgeBand, { min: number; max?: number }> = {
  '80-89': { min: 80, max: 89 },
  '90-99': { min: 90, max: 99 },
  '100+': { min: 100 },
};

/**
 * The latest birth date (YYYY-MM-DD) of someone at least `age` whole years old on `date`: ageOn
 * counts a year once the birthday's month and day are reached, so "old enough" is "born on or
 * before the same month and day, `age` years earlier" (compared as strings).
 */
export function bornBy(date: string, age: number): string {
  return `${String(Number(date.slice(0, 4)) - age).padStart(4, '0')}${date.slice(4, 10)}`;
}

/** Age ranges (inclusive, max open when absent) merged where they touch, as birth bounds. */
export function birthRanges(ages: { min: number; max?: number }[], date: string): BirthRange[] {
  const sorted = [...ages].sort((a, b) => a.min - b.min);
  const merged: { min: number; max?: number }[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (!last || (last.max !== undefined && range.min > last.max + 1)) merged.push({ ...range });
    else if (last.max !== undefined)
      last.max = range.max === undefined ? undefined : Math.max(last.max, range.max);
  }
  return merged.map((r) => ({
    notAfter: bornBy(date, r.min),
    ...(r.max === undefined ? {} : { after: bornBy(date, r.max + 1) }),
  }));
}

/** A template filter as conditions, ages on the report date. */
export function conditionsOf(where: ReportFilter | undefined, date: string): Condition[] {
  if (!where) return [];
  const conditions: Condition[] = [];
  if (where.minAge !== undefined)
    conditions.push({ on: 'birth', ranges: birthRanges([{ min: where.minAge }], date) });
  if (where.ageBand)
    conditions.push({
      on: 'birth',
      ranges: birthRanges(
        where.ageBand.map((band) => BAND_AGES[band]),
        date,
      ),
    });
  for (const on of ['living', 'livingAlone', 'elderlyAllowance'] as const)
    if (where[on] !== undefined) conditions.push({ on, is: where[on] });
  if (where.tags) conditions.push({ on: 'tags', anyOf: where.tags });
  for (const on of ['status', 'assistanceType', 'incidentType'] as const)
    if (where[on]) conditions.push({ on, in: where[on] });
  return conditions;
}

/**
 * The plan of a template for a division prefix and a period. Rows are never coarser than the
 * requested division: a village asking for a township report gets its village as the one row.
 */
export function planReport(
  template: ReportTemplate,
  prefix: string,
  period: ReportPeriod,
): ReportPlan {
  const [level, second] = template.groupBy;
  const rows: RowPlacement =
    level === 'grid'
      ? { by: 'grid' }
      : { by: 'division', length: Math.max(LEVEL_LENGTH[level], prefix.length) };
  const byMonth = second === 'month';
  const { subjects } = template;
  return {
    set: subjects.set,
    eventType: subjects.set === 'events' ? subjects.eventType : null,
    prefix,
    rows,
    byMonth,
    window:
      subjects.set === 'events'
        ? { kind: subjects.within, from: period.from, to: period.to }
        : null,
    scope: conditionsOf(subjects.where, period.date),
    columns: template.columns.map((c) => ({
      key: c.key,
      label: c.label,
      measure: c.measure,
      ...(c.amount ? { amount: c.amount } : {}),
      conditions: conditionsOf(c.where, period.date),
    })),
    listDivisions:
      rows.by === 'division' && !byMonth
        ? rows.length === 9
          ? 'township'
          : rows.length === 12
            ? 'village'
            : null
        : null,
  };
}

/** What identifies a row: its group values joined by `/` (grid/month), `total` for the totals. */
export const TOTAL_ROW = 'total';

export const rowKeyOf = (groups: string[]): string => groups.join('/');

/** A row key of this plan, split into its group values and checked; null for the totals row. */
export function parseRowKey(plan: ReportPlan, key: string): string[] | null {
  if (key === TOTAL_ROW) return null;
  const parts = key.split('/');
  const [place, month] = parts;
  const division = /^(\d{6}|\d{9}|\d{12})$/;
  const placeOk =
    plan.rows.by === 'grid'
      ? /^\d{12}-\d{1,4}$/.test(place) || division.test(place)
      : division.test(place) && place.length <= plan.rows.length;
  const monthOk = plan.byMonth
    ? parts.length === 2 && /^\d{4}-\d{2}$/.test(month)
    : parts.length === 1;
  if (!placeOk || !monthOk || !place.startsWith(plan.prefix))
    throw new ReportRequestError(
      `row ${key} is not a row of this report (${plan.rows.by === 'grid' ? 'grid code' : 'division code'}${plan.byMonth ? '/YYYY-MM' : ''}, or total)`,
    );
  return parts;
}

export function columnOf(plan: ReportPlan, key: string): PlannedColumn {
  const column = plan.columns.find((c) => c.key === key);
  if (!column)
    throw new ReportRequestError(
      `column ${key} is not a column of this report: ${plan.columns.map((c) => c.key).join(', ')}`,
    );
  return column;
}

/** Whose ids a cell lists: persons for person counts, else the events it counts or sums. */
export const cellSubjectType = (plan: ReportPlan, column: PlannedColumn): 'person' | 'event' =>
  plan.set === 'persons' || column.measure === 'persons' ? 'person' : 'event';

/** One row the repository's query answers: its group values and one value per column. */
export interface AggregateRow {
  /** The place (division code or grid code) and, by month, the month; empty for the totals. */
  groups: string[];
  total: boolean;
  /** The division the row belongs to (a grid's community), and its name. */
  divisionCode: string | null;
  divisionName: string | null;
  /** Per column, in the plan's order: counts and sums as the database gives them. */
  values: (string | number | null)[];
}

export interface ReportRow {
  key: string;
  groups: Record<string, string>;
  divisionCode: string | null;
  divisionName: string | null;
  /** The subjects of this row are known only to this division, coarser than the rows. */
  unplaced?: true;
  cells: Record<string, number>;
}

export interface ReportTable {
  template: { id: string; title: string; purpose: string };
  division: { code: string; name: string | null };
  period: ReportPeriod;
  groupBy: string[];
  columns: { key: string; label: string; measure: Measure; amount?: string }[];
  rows: ReportRow[];
  totals: { key: typeof TOTAL_ROW; cells: Record<string, number> };
}

const numberOf = (value: string | number | null, measure: Measure) => {
  const n = value === null ? 0 : Number(value);
  return measure === 'sum' ? Math.round(n * 100) / 100 : n;
};

/** Whether a row's place is coarser than the rows of the plan (a township among villages). */
function unplaced(plan: ReportPlan, place: string): boolean {
  return plan.rows.by === 'grid' ? !/^\d{12}-/.test(place) : place.length < plan.rows.length;
}

/** The table a plan's aggregate rows make: rows in order of place and month, then the totals. */
export function assembleTable(
  template: ReportTemplate,
  plan: ReportPlan,
  period: ReportPeriod,
  division: { code: string; name: string | null },
  aggregates: AggregateRow[],
): ReportTable {
  const cellsOf = (values: AggregateRow['values']) =>
    Object.fromEntries(plan.columns.map((c, i) => [c.key, numberOf(values[i] ?? null, c.measure)]));
  const names = template.groupBy;
  const rows = aggregates
    .filter((a) => !a.total)
    .sort((a, b) => a.groups.join('/').localeCompare(b.groups.join('/')))
    .map((a): ReportRow => ({
      key: rowKeyOf(a.groups),
      groups: Object.fromEntries(a.groups.map((g, i) => [names[i], g])),
      divisionCode: a.divisionCode,
      divisionName: a.divisionName,
      ...(unplaced(plan, a.groups[0]) ? { unplaced: true as const } : {}),
      cells: cellsOf(a.values),
    }));
  const total = aggregates.find((a) => a.total);
  return {
    template: { id: template.id, title: template.title, purpose: template.purpose },
    division,
    period,
    groupBy: names,
    columns: plan.columns.map(({ key, label, measure, amount }) => ({
      key,
      label,
      measure,
      ...(amount ? { amount } : {}),
    })),
    rows,
    totals: { key: TOTAL_ROW, cells: cellsOf(total?.values ?? []) },
  };
}
