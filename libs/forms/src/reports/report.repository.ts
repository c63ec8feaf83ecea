import { shortDivisionName } from '@hub/normalize';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SURVIVORSHIP_RULES, type SurvivorshipRules } from '@hub/resolution';
import {
  cellSubjectType,
  type AggregateRow,
  type Condition,
  type PlannedColumn,
  type ReportPlan,
} from './report-engine';

/** Bind parameters in order: `add` answers the placeholder. */
class Params {
  readonly values: unknown[] = [];

  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

export interface Query {
  sql: string;
  params: unknown[];
}

/** The subject-row column each condition reads. */
const COLUMN: Record<Condition['on'], string> = {
  birth: 'birth',
  living: 'living',
  livingAlone: 'living_alone',
  elderlyAllowance: 'elderly_allowance',
  tags: 'tags',
  status: 'status',
  assistanceType: 'assistance_type',
  incidentType: 'incident_type',
};

function conditionSql(condition: Condition, p: Params, row: string): string {
  const column = `${row}.${COLUMN[condition.on]}`;
  switch (condition.on) {
    case 'birth':
      return `(${condition.ranges
        .map(
          (r) =>
            `(${column} <= ${p.add(r.notAfter)}${r.after ? ` AND ${column} > ${p.add(r.after)}` : ''})`,
        )
        .join(' OR ')})`;
    case 'living':
    case 'livingAlone':
    case 'elderlyAllowance':
      return `${column} IS ${condition.is ? 'TRUE' : 'NOT TRUE'}`;
    case 'tags':
      return `(CASE WHEN jsonb_typeof(${column}) = 'array' THEN ${column} ?| ${p.add(condition.anyOf, 'text[]')} ELSE false END)`;
    case 'status':
    case 'assistanceType':
    case 'incidentType':
      return `${column} = ANY(${p.add(condition.in, 'text[]')})`;
  }
}

const allOf = (conditions: Condition[], p: Params, row: string, extra: string[] = []) =>
  [...extra, ...conditions.map((c) => conditionSql(c, p, row))].join(' AND ') || 'true';

/** What the subject rows must carry for this plan (the costly columns only when used). */
function needsOf(plan: ReportPlan) {
  const conditions = [...plan.scope, ...plan.columns.flatMap((c) => c.conditions)];
  const uses = (on: Condition['on']) => conditions.some((c) => c.on === on);
  return {
    grid: plan.rows.by === 'grid',
    tags: uses('tags') || uses('livingAlone'),
    allowance: uses('elderlyAllowance'),
    household: plan.columns.some((c) => c.measure === 'households'),
    persons: plan.set === 'events' && plan.columns.some((c) => c.measure === 'persons'),
    firstSeen: plan.window?.kind === 'dated' || plan.byMonth,
    amounts: [...new Set(plan.columns.flatMap((c) => (c.amount ? [c.amount] : [])))],
  };
}

/** The events a current record names a person in (as forms find them: the `involves` relation). */
const INVOLVEMENTS = `
         FROM mention pm
         JOIN feed_record_head h ON h.feed = pm.feed AND h.source_record_id = pm.source_record_id
         JOIN source_record sr ON sr.id = h.current_id AND sr.superseded_at IS NULL
        CROSS JOIN LATERAL jsonb_array_elements(sr.relations) rel(r)
         JOIN mention em ON em.feed = sr.feed AND em.source_record_id = sr.source_record_id
                        AND em.pointer = rel.r->>'from' AND em.entity_type = 'event'
        WHERE pm.entity_type = 'person' AND pm.active
          AND rel.r->>'type' = 'involves' AND rel.r->>'to' = pm.pointer`;

/**
 * Residents (not merged) living in the prefix (golden division, as the roster reads them): birth
 * date padded to a day, living, the grid of their newest grid record, their tags chosen as forms
 * choose them (survivorship order, newest among equals), an active elderly allowance, household.
 */
function personRows(plan: ReportPlan, p: Params, tagOrder: readonly string[]): string {
  const needs = needsOf(plan);
  const gridJoin = needs.grid
    ? `LEFT JOIN LATERAL (
         SELECT v.value #>> '{}' AS code FROM attribute_value v
          WHERE v.entity_type = 'person' AND v.entity_id = p.id AND v.attribute = 'gridCode'
            AND v.ended_at IS NULL AND v.valid
          ORDER BY v.observed_at DESC NULLS LAST LIMIT 1) g ON true`
    : '';
  const tagsJoin = needs.tags
    ? `LEFT JOIN LATERAL (
         SELECT v.value FROM attribute_value v JOIN source_record tr ON tr.id = v.source_record_id
          WHERE v.entity_type = 'person' AND v.entity_id = p.id AND v.attribute = 'tags'
            AND v.ended_at IS NULL AND v.value IS NOT NULL AND v.value NOT IN ('null'::jsonb, '""'::jsonb)
          ORDER BY coalesce(array_position(${p.add(tagOrder, 'text[]')}, tr.feed::text), 1000),
                   v.observed_at DESC NULLS LAST, v.valid DESC, tr.source_record_id
          LIMIT 1) t ON true`
    : '';
  const allowance = needs.allowance
    ? `EXISTS (SELECT 1 ${INVOLVEMENTS}
                 AND pm.entity_id = p.id
                 AND EXISTS (SELECT 1 FROM event ae WHERE ae.id = em.entity_id AND ae.ended_at IS NULL
                                AND ae.event_type = 'elderly_allowance' AND ae.status = 'active'))`
    : 'false';
  const household = needs.household
    ? `coalesce((SELECT m.household FROM mention m
                  WHERE m.entity_type = 'person' AND m.entity_id = p.id AND m.active AND m.household IS NOT NULL
                  ORDER BY m.observed_at DESC NULLS LAST LIMIT 1), p.id::text)`
    : 'NULL::text';
  // The report's own conditions on birth and status first: the costly columns are read only
  // for the persons that can count (the elderly of a district, not all its residents).
  const cheap = plan.scope.filter((c) => c.on === 'birth' || c.on === 'living');
  return `
    SELECT p.id, p.division, ${needs.grid ? 'g.code' : 'NULL::text'} AS grid, p.birth, p.living,
           ${needs.tags ? 't.value' : 'NULL::jsonb'} AS tags,
           ${
             needs.tags
               ? `CASE WHEN jsonb_typeof(t.value) = 'array'
                       THEN EXISTS (SELECT 1 FROM jsonb_array_elements_text(t.value) tag(text)
                                     WHERE strpos(tag.text, '独居') > 0)
                       ELSE false END`
               : 'false'
           } AS living_alone,
           ${allowance} AS elderly_allowance,
           ${household} AS household
      FROM (SELECT p.id, p.division_code AS division,
                   CASE length(p.birth_date) WHEN 4 THEN p.birth_date || '-01-01'
                                             WHEN 7 THEN p.birth_date || '-01' ELSE p.birth_date END AS birth,
                   coalesce(p.status, 'normal') NOT IN ('deceased', 'moved_out', 'missing') AS living
              FROM person p
             WHERE p.merged_into IS NULL AND p.division_code LIKE ${p.add(plan.prefix)} || '%') p
      ${gridJoin}
      ${tagsJoin}
     WHERE ${allOf(cheap, p, 'p')}`;
}

/**
 * Events of the type that no record ended, with their current values (newest wins), placed in
 * the community of their grid code, else their own division; their date (start date, else when
 * a record of theirs was first collected, in Beijing) and the persons current records name in them.
 */
function eventRows(plan: ReportPlan, p: Params): string {
  const needs = needsOf(plan);
  const amounts = needs.amounts.map((attribute, i) => {
    const value = `a.v ->> ${p.add(attribute, 'text')}`;
    return `CASE WHEN ${value} ~ '^-?[0-9]+([.][0-9]+)?$' THEN (${value})::numeric END AS amount_${i}`;
  });
  const persons = needs.persons
    ? `ARRAY(SELECT DISTINCT pm.entity_id ${INVOLVEMENTS} AND em.entity_id = e.id)`
    : `'{}'::uuid[]`;
  const prefix = p.add(plan.prefix);
  return `
    SELECT e.id, e.status,
           coalesce(substring(a.v ->> 'gridCode' from '^([0-9]{12})-'), e.division_code) AS division,
           a.v ->> 'gridCode' AS grid,
           a.v ->> 'assistanceType' AS assistance_type,
           a.v ->> 'incidentType' AS incident_type,
           ${amounts.map((a) => `${a},`).join('\n           ')}
           left(a.v ->> 'startDate', 10) AS start_date,
           left(a.v ->> 'endDate', 10) AS end_date,
           ${
             needs.firstSeen
               ? `coalesce(left(a.v ->> 'startDate', 10),
                           to_char(f.first_seen AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD'))`
               : `left(a.v ->> 'startDate', 10)`
           } AS day,
           ${persons} AS persons
      FROM event e
      LEFT JOIN LATERAL (
        SELECT jsonb_object_agg(v.attribute, v.value ORDER BY v.observed_at NULLS FIRST, v.source_record_id, v.position) AS v
          FROM attribute_value v
         WHERE v.entity_type = 'event' AND v.entity_id = e.id AND v.ended_at IS NULL AND v.valid) a ON true
      ${
        needs.firstSeen
          ? `LEFT JOIN LATERAL (
        SELECT min(fr.observed_at) AS first_seen
          FROM mention fm JOIN source_record fr ON fr.feed = fm.feed AND fr.source_record_id = fm.source_record_id
         WHERE fm.entity_type = 'event' AND fm.entity_id = e.id AND fm.active AND fr.status <> 'cancelled') f ON true`
          : ''
      }
     WHERE e.event_type = ${p.add(plan.eventType)} AND e.ended_at IS NULL
       AND ${allOf(
         plan.scope.filter((c) => c.on === 'status'),
         p,
         'e',
       )}
       -- only a cheap first cut: the grid code may place an event finer than its division
       AND (e.division_code IS NULL OR e.division_code LIKE ${prefix} || '%' OR ${prefix} LIKE e.division_code || '%')`;
}

/** The subject rows in scope, with their row's place (g0), month (g1) and division (gd). */
function scopedRows(plan: ReportPlan, p: Params, tagOrder: readonly string[]): string {
  const needs = needsOf(plan);
  const subjects = plan.set === 'persons' ? personRows(plan, p, tagOrder) : eventRows(plan, p);
  const prefix = p.add(plan.prefix);
  let place: string;
  let division: string;
  if (plan.rows.by === 'grid') {
    const inGrid = `s.grid ~ '^[0-9]{12}-' AND s.grid LIKE ${prefix} || '%'`;
    place = `CASE WHEN ${inGrid} THEN s.grid ELSE s.division END`;
    division = `CASE WHEN ${inGrid} THEN substr(s.grid, 1, 12) ELSE s.division END`;
  } else {
    const length = plan.rows.length;
    place = `CASE WHEN length(s.division) >= ${length} THEN substr(s.division, 1, ${length}) ELSE s.division END`;
    division = place;
  }
  const window = plan.window
    ? plan.window.kind === 'running'
      ? [
          `(s.start_date IS NULL OR s.start_date <= ${p.add(plan.window.to)})`,
          `(s.end_date IS NULL OR s.end_date >= ${p.add(plan.window.from)})`,
        ]
      : [`s.day BETWEEN ${p.add(plan.window.from)} AND ${p.add(plan.window.to)}`]
    : [];
  const unnest = needs.persons;
  return `
  WITH s AS MATERIALIZED (${subjects}),
  r AS (
    SELECT s.*, ${place} AS g0, ${plan.byMonth ? 'left(s.day, 7)' : 'NULL::text'} AS g1, ${division} AS gd
           ${unnest ? ', u.person_id, u.n' : ''}
      FROM s ${unnest ? 'LEFT JOIN LATERAL unnest(s.persons) WITH ORDINALITY u(person_id, n) ON true' : ''}
     WHERE ${allOf(plan.scope, p, 's', [`s.division LIKE ${prefix} || '%'`, ...window])})`;
}

function measureSql(plan: ReportPlan, column: PlannedColumn, index: number, p: Params): string {
  const filter = allOf(column.conditions, p, 'r');
  const unnested = needsOf(plan).persons;
  switch (column.measure) {
    case 'persons':
      return `count(DISTINCT ${plan.set === 'persons' ? 'r.id' : 'r.person_id'}) FILTER (WHERE ${filter})`;
    case 'households':
      return `count(DISTINCT ${plan.set === 'persons' ? 'r.household' : 'r.id'}) FILTER (WHERE ${filter})`;
    case 'events':
      return `count(DISTINCT r.id) FILTER (WHERE ${filter})`;
    case 'sum': {
      const amount = needsOf(plan).amounts.indexOf(column.amount!);
      // Each event once, whatever the persons it was joined with.
      const once = unnested ? '(r.n IS NULL OR r.n = 1) AND ' : '';
      return `coalesce(sum(r.amount_${amount}) FILTER (WHERE ${once}${filter}), 0)`;
    }
    default:
      throw new Error(`measure ${String(column.measure)} of column ${index}`);
  }
}

/**
 * The one query of a report: every row (and the totals, as the empty grouping set) with one
 * value per column, each row's division named; every seeded division of the row level inside the
 * prefix appears, with zeros when nothing counts there.
 */
export function aggregateQuery(plan: ReportPlan, tagOrder: readonly string[] = []): Query {
  const p = new Params();
  const rows = scopedRows(plan, p, tagOrder);
  const measures = plan.columns.map((c, i) => `${measureSql(plan, c, i, p)} AS c${i}`);
  const values = plan.columns.map((_, i) => `a.c${i}`).join(', ');
  const zeros = plan.columns.map((_, i) => `0 AS c${i}`).join(', ');
  const empty = plan.listDivisions
    ? `
  UNION ALL
  SELECT d.code AS g0, NULL::text AS g1, d.code AS "divisionCode", d.name AS "divisionName", false AS total, ${zeros}
    FROM place d
   WHERE d.level = ${p.add(plan.listDivisions)} AND d.code LIKE ${p.add(plan.prefix)} || '%'
     AND NOT EXISTS (SELECT 1 FROM agg a WHERE NOT a.total AND a.g0 = d.code)`
    : '';
  const sql = `${rows},
  agg AS (
    SELECT r.g0, r.g1, r.gd, GROUPING(r.g0) = 1 AS total, ${measures.join(',\n           ')}
      FROM r
     GROUP BY GROUPING SETS ((r.g0, r.g1, r.gd), ()))
  SELECT a.g0, a.g1, a.gd AS "divisionCode", d.name AS "divisionName", a.total, ${values}
    FROM agg a LEFT JOIN place d ON d.code = a.gd${empty}`;
  return { sql, params: p.values };
}

/** The ids one cell counts: of its row (null: the totals row) and column. */
export function cellQuery(
  plan: ReportPlan,
  column: PlannedColumn,
  row: string[] | null,
  tagOrder: readonly string[] = [],
): Query {
  const p = new Params();
  const only = { ...plan, columns: [column] };
  const rows = scopedRows(only, p, tagOrder);
  const id =
    cellSubjectType(plan, column) === 'person' && plan.set === 'events' ? 'r.person_id' : 'r.id';
  const where = [`${id} IS NOT NULL`];
  if (row) {
    where.push(`r.g0 = ${p.add(row[0])}`);
    if (plan.byMonth) where.push(`r.g1 = ${p.add(row[1])}`);
  }
  const sql = `${rows}
  SELECT DISTINCT ${id} AS id FROM r WHERE ${allOf(column.conditions, p, 'r', where)} ORDER BY 1`;
  return { sql, params: p.values };
}

/**
 * Reports: one set-based query per report over persons or events, grouped in PostgreSQL by
 * division prefix (substr of the code), grid code and month.
 */
@Injectable()
export class ReportRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(SURVIVORSHIP_RULES) private readonly rules: SurvivorshipRules,
  ) {}

  /** The tags' sources in order of authority, as forms choose a person's tags. */
  private get tagOrder(): readonly string[] {
    return this.rules.attributes?.tags ?? [];
  }

  /** A seeded administrative division (not a grid or an address), with its short name. */
  async division(code: string): Promise<{ code: string; name: string } | undefined> {
    const [row] = await this.db.query<{ code: string; name: string }[]>(
      `SELECT code, name FROM place
        WHERE code = $1 AND level IN ('province', 'city', 'county', 'township', 'village')`,
      [code],
    );
    return row && { code: row.code, name: shortDivisionName(row.name) };
  }

  async aggregate(plan: ReportPlan): Promise<AggregateRow[]> {
    const { sql, params } = aggregateQuery(plan, this.tagOrder);
    const rows = await this.db.query<
      (Record<string, string | number | null> & {
        g0: string | null;
        g1: string | null;
        divisionCode: string | null;
        divisionName: string | null;
        total: boolean;
      })[]
    >(sql, params);
    return rows.map((row) => ({
      groups: row.total ? [] : [row.g0 ?? '', ...(plan.byMonth ? [row.g1 ?? ''] : [])],
      total: row.total,
      divisionCode: row.total ? null : row.divisionCode,
      divisionName: row.divisionName === null ? null : shortDivisionName(row.divisionName),
      values: plan.columns.map((_, i) => row[`c${i}`] ?? null),
    }));
  }

  async cell(plan: ReportPlan, column: PlannedColumn, row: string[] | null): Promise<string[]> {
    const { sql, params } = cellQuery(plan, column, row, this.tagOrder);
    const rows = await this.db.query<{ id: string }[]>(sql, params);
    return rows.map((r) => r.id);
  }
}
