import { findRepoFolder, loadCheckedFiles, SchemaRegistry } from '@hub/contracts';

/** reports/<id>.json, as schemas/reports/report-template.schema.json describes it. */
export interface ReportTemplate {
  id: string;
  title: string;
  /** What the report is pulled for; a cell's subjects are read under it. */
  purpose: string;
  subjects: ReportSubjects;
  period: PeriodKind;
  groupBy: [RowLevel] | [RowLevel, 'month'];
  columns: ReportColumn[];
}

export type ReportSubjects =
  | { set: 'persons'; where?: ReportFilter }
  | { set: 'events'; eventType: EventType; within: 'running' | 'dated'; where?: ReportFilter };

export type EventType = 'assistance' | 'elderly_allowance' | 'grid_incident';
export type PeriodKind = 'date' | 'month' | 'range';
export type RowLevel = 'village' | 'township' | 'grid';
export type Measure = 'persons' | 'households' | 'events' | 'sum';
export type AgeBand = '80-89' | '90-99' | '100+';

export interface ReportFilter {
  ageBand?: AgeBand[];
  minAge?: number;
  living?: boolean;
  livingAlone?: boolean;
  elderlyAllowance?: boolean;
  tags?: string[];
  status?: string[];
  assistanceType?: string[];
  incidentType?: string[];
}

export interface ReportColumn {
  key: string;
  label: string;
  measure: Measure;
  /** sum: the event attribute summed. */
  amount?: string;
  where?: ReportFilter;
}

/** The filters each subject set has. */
export const FILTERS_OF: Record<ReportSubjects['set'], readonly (keyof ReportFilter)[]> = {
  persons: ['ageBand', 'minAge', 'living', 'livingAlone', 'elderlyAllowance', 'tags'],
  events: ['status', 'assistanceType', 'incidentType'],
};

/** The measures each subject set has (households of events: an assistance case is one). */
const MEASURES_OF: Record<ReportSubjects['set'], readonly Measure[]> = {
  persons: ['persons', 'households'],
  events: ['persons', 'households', 'events', 'sum'],
};

/**
 * Reads and checks every template of `reports/`: its JSON Schema, then what a schema cannot say —
 * the file is named after its id, the purpose exists, filters and measures fit the subjects.
 * Throws naming the file and the field.
 */
export function loadReportTemplates(
  known: { purposes: string[] },
  dir = findRepoFolder('reports'),
  schemas = new SchemaRegistry(),
): ReportTemplate[] {
  return loadCheckedFiles<ReportTemplate>(
    'report template',
    dir,
    'reports/report-template.schema.json',
    schemas,
    (data, fileId) => reportTemplateProblems(data, fileId, known),
  );
}

/** What the schema cannot check; each problem names the field as a JSON path. */
export function reportTemplateProblems(
  template: ReportTemplate,
  fileId: string,
  known: { purposes: string[] },
): string[] {
  const problems: string[] = [];
  if (template.id !== fileId) problems.push(`/id: ${template.id} is not the file name ${fileId}`);
  if (!known.purposes.includes(template.purpose))
    problems.push(`/purpose: ${template.purpose} is not a purpose of rules/access/purposes.json`);
  const { subjects } = template;
  const filterProblems = (where: ReportFilter | undefined, at: string) => {
    for (const name of Object.keys(where ?? {}) as (keyof ReportFilter)[])
      if (!FILTERS_OF[subjects.set].includes(name))
        problems.push(`${at}/${name}: ${subjects.set} have no ${name}`);
    if (where?.assistanceType && subjects.set === 'events' && subjects.eventType !== 'assistance')
      problems.push(`${at}/assistanceType: only assistance events have one`);
    if (where?.incidentType && subjects.set === 'events' && subjects.eventType !== 'grid_incident')
      problems.push(`${at}/incidentType: only grid_incident events have one`);
  };
  filterProblems(subjects.where, '/subjects/where');
  const [place, second] = template.groupBy as string[];
  if (place === 'month')
    problems.push('/groupBy/0: rows are placed first (village, township or grid)');
  if (second !== undefined && second !== 'month')
    problems.push(`/groupBy/1: ${second}: after the place, only month`);
  if (template.groupBy[1] === 'month' && (subjects.set !== 'events' || subjects.within !== 'dated'))
    problems.push('/groupBy/1: month rows need events counted within: dated');
  const keys = new Set<string>();
  template.columns.forEach((column, c) => {
    const at = `/columns/${c}`;
    if (keys.has(column.key)) problems.push(`${at}/key: ${column.key} twice`);
    keys.add(column.key);
    if (!MEASURES_OF[subjects.set].includes(column.measure))
      problems.push(`${at}/measure: ${subjects.set} have no measure ${column.measure}`);
    if (
      column.measure === 'households' &&
      subjects.set === 'events' &&
      subjects.eventType !== 'assistance'
    )
      problems.push(`${at}/measure: only an assistance case is a household`);
    filterProblems(column.where, `${at}/where`);
  });
  return problems;
}
