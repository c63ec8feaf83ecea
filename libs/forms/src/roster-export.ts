import { BadRequestException, ForbiddenException, Injectable } from '@nestjs/common';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import { covers, jurisdictionOf, type FieldPolicy, type Principal } from '@hub/access';
import type { FormSection, FormTemplate } from './form-template';
import { maskForm } from './form-masking';
import { personReads } from './person-reads';
import { FormSubjectRepository, type ResidentCursor } from './form-subject.repository';
import { FormsService, latestBirthDate, todayInBeijing } from './forms.service';
import type { FieldStatus, FilledField, FilledRow } from './prefill';

/** The form exported as a workbook: 辖区80周岁以上老人花名册. */
export const ROSTER_FORM = 'elderly-roster';

export type RosterFormat = 'xlsx' | 'csv';

export const ROSTER_MEDIA_TYPES: Record<RosterFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** Persons per keyset page. */
const PAGE = 500;

/** Pages read at once: with the page being written, what an export holds in memory. */
const READ_AHEAD = 2;

/**
 * Bytes of workbook XML the archive may hold before the export waits for the client to read:
 * with the rows of one page on top, what a slow client can make the export buffer.
 */
const IN_FLIGHT_LIMIT = 1024 * 1024;

export interface RosterColumn {
  /** '#' for 序号 (the row number), else the template field's key. */
  key: string;
  label: string;
  /** text: written as a string in a text-formatted cell (ID numbers, phones stay digits). */
  kind: 'index' | 'number' | 'text';
  /** Excel column width, in characters of the default font (a Chinese character counts 2). */
  width: number;
}

export type Cell = string | number | null;

/** The table a roster export writes: the template's table of residents. */
export function rosterSection(template: FormTemplate): FormSection {
  const section = template.sections.find((s) => s.rows?.walk === 'residents');
  if (!section) throw new Error(`form ${template.id} has no table of residents to export`);
  return section;
}

/** What a column's values typically need, in characters, beyond its label. */
const TYPICAL_WIDTH: Record<string, number> = {
  name: 8,
  idNumber: 18,
  birthDate: 10,
  age: 4,
  phone: 13,
  residenceAddress: 44,
  hukouAddress: 44,
  monthlyAmount: 10,
};

/** 序号, then the section's fields in the template's order, with their labels. */
export function rosterColumns(section: FormSection): RosterColumn[] {
  const fields = section.fields.map((field): RosterColumn => {
    const source = field.source;
    const attribute =
      source && 'attribute' in source
        ? source.attribute
        : source && 'computed' in source
          ? source.computed
          : field.key;
    const typical = TYPICAL_WIDTH[attribute] ?? TYPICAL_WIDTH[field.mask ?? ''] ?? 0;
    return {
      key: field.key,
      label: field.label,
      kind: source && 'computed' in source && source.computed === 'age' ? 'number' : 'text',
      width: columnWidth(Math.max(displayWidth(field.label), typical)),
    };
  });
  return [{ key: '#', label: '序号', kind: 'index', width: 6 }, ...fields];
}

/** Width of a text as a spreadsheet lays it out: 2 for a Chinese (full-width) character. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text)
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]/u.test(
        ch,
      )
        ? 2
        : 1;
  return width;
}

const columnWidth = (content: number) => Math.min(Math.max(content + 2, 6), 60);

/** Widths that fit the header and the sample rows (the first page), never narrower than planned. */
export function fitWidths(columns: RosterColumn[], sample: Cell[][]): RosterColumn[] {
  return columns.map((column, i) => {
    const widest = Math.max(0, ...sample.map((row) => displayWidth(String(row[i] ?? ''))));
    return { ...column, width: Math.max(column.width, columnWidth(widest)) };
  });
}

/** A roster row's cells: its number (1-based), then each field's display text (age a number). */
export function rosterCells(columns: RosterColumn[], index: number, row: FilledRow): Cell[] {
  const cells = new Map(row.cells.map((c) => [c.key, c]));
  return columns.map((column) => {
    if (column.kind === 'index') return index;
    const cell = cells.get(column.key);
    if (!cell) return null;
    if (column.kind === 'number' && typeof cell.value === 'number') return cell.value;
    return cell.display;
  });
}

const STATUS_TEXT: Record<FieldStatus, string> = {
  filled: '已填',
  conflict: '各部门不一致',
  flagged: '需核实',
  missing: '缺失',
  staff: '待工作人员填写',
};

/**
 * Where a roster cell's value comes from, as the 来源 sheet shows it: the department, its record
 * and the time (Beijing), the status when the value is not simply filled, and what other sources
 * say. 中台推算 marks a value the hub derived itself.
 */
export function sourceText(cell: FilledField): string | null {
  const p = cell.provenance;
  const status =
    cell.status !== 'filled'
      ? STATUS_TEXT[cell.status]
      : !p && cell.value !== null
        ? '中台推算'
        : null;
  const others = cell.alternatives
    .map((a) => `${a.provenance.department} ${a.provenance.sourceRecordId}：${a.display ?? ''}`)
    .join('；');
  const parts = [
    status && `【${status}】`,
    p && [p.department, p.sourceRecordId, beijingTime(p.observedAt)].filter(Boolean).join(' '),
    others && `其他来源：${others}`,
  ];
  return parts.filter(Boolean).join(' ') || null;
}

/**
 * A row of the 来源 sheet, which mirrors the roster: the cell at the same row and column says
 * where the roster cell's value comes from (序号 repeats the row's number).
 */
export function sourceCells(columns: RosterColumn[], index: number, row: FilledRow): Cell[] {
  const cells = new Map(row.cells.map((c) => [c.key, c]));
  return columns.map((column) => {
    if (column.kind === 'index') return index;
    const cell = cells.get(column.key);
    return cell ? sourceText(cell) : null;
  });
}

/** An instant (ISO 8601) as Beijing's wall-clock time: 2024-03-01 09:00:00. */
export function beijingTime(iso: string | null): string | null {
  if (!iso) return null;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes
 * doubled. A text starting with = + - @ (or a tab or CR) is prefixed with ' so that a
 * spreadsheet opening the file shows it instead of running it as a formula.
 */
export function csvField(value: Cell, text = true): string {
  if (value === null) return '';
  let s = String(value);
  if (text && typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record with its CRLF. */
export const csvLine = (values: Cell[], columns?: RosterColumn[]): string =>
  values.map((v, i) => csvField(v, columns ? columns[i]?.kind === 'text' : true)).join(',') +
  '\r\n';

/** What Excel needs to read a CSV file as UTF-8. */
export const UTF8_BOM = '\ufeff';

/**
 * Content-Disposition of a download: a plain ASCII `filename` for old clients and the real
 * (Chinese) name as RFC 5987 / RFC 6266 `filename*=UTF-8''…`.
 */
export function contentDisposition(fileName: string, asciiFallback: string): string {
  const plain = asciiFallback.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${plain}"; filename*=UTF-8''${encoded}`;
}

/** 辖区80周岁以上老人花名册_东门社区_2026-12-05.xlsx, without characters file systems refuse. */
export function rosterFileName(
  title: string,
  divisionName: string,
  formDate: string,
  format: RosterFormat,
): string {
  const safe = (s: string) =>
    [...s].map((ch) => (ch < ' ' || '\\/:*?"<>|'.includes(ch) ? '_' : ch)).join('');
  return `${safe(title)}_${safe(divisionName)}_${formDate}.${format}`;
}

/** A worksheet's name: at most 31 characters, none of []:*?/\. */
export const sheetName = (title: string): string =>
  title.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'Sheet1';

/**
 * The masking classes of the table's fields the caller's role masks (or omits) and those it
 * sees in full: what maskForm does to every cell that has a value, known before the first row.
 */
export function maskedClasses(
  section: FormSection,
  policy: FieldPolicy,
): { masked: string[]; unmasked: string[] } {
  const classes = [...new Set(section.fields.flatMap((f) => (f.mask ? [f.mask] : [])))];
  return {
    masked: classes.filter((c) => policy[c] !== 'full').sort(),
    unmasked: classes.filter((c) => policy[c] === 'full').sort(),
  };
}

/** YYYY-MM-DD that is a day of the calendar (2026-02-30 is not). */
export function isCalendarDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const at = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === date;
}

export interface RosterExportPlan {
  template: FormTemplate;
  section: FormSection;
  columns: RosterColumn[];
  divisionCode: string;
  formDate: string;
  format: RosterFormat;
  policy: FieldPolicy;
  masked: string[];
  unmasked: string[];
  fileName: string;
  asciiFileName: string;
}

interface StreamInternals {
  _writableState?: { length?: number };
  _readableState?: { length?: number };
  buffers?: { length?: number }[];
  pipes?: unknown[];
}

/**
 * The roster of a division as a file: every living resident aged 80 or more on the form date,
 * read in keyset pages and filled page by page with the prefill's own machinery, masked by the
 * caller's role, and written as the client reads. Never more than a page of persons in memory.
 */
@Injectable()
export class RosterExport {
  constructor(
    private readonly forms: FormsService,
    private readonly subjects: FormSubjectRepository,
  ) {}

  /**
   * What an export will be, checked before anything is written: the caller's role may use the
   * form (404), X-Purpose is its purpose (400), the division is in the caller's jurisdiction
   * (403), the form date is a date (400).
   */
  async plan(
    principal: Principal,
    purpose: string | null,
    query: { divisionCode: string; formDate?: string; format?: RosterFormat },
  ): Promise<RosterExportPlan> {
    const template = this.forms.templateFor(principal, ROSTER_FORM, purpose);
    const { divisionCode } = query;
    if (!covers(principal.jurisdiction, divisionCode))
      throw new ForbiddenException(`division ${divisionCode} is outside your jurisdiction`);
    const formDate = query.formDate ?? todayInBeijing();
    if (!isCalendarDate(formDate))
      throw new BadRequestException(`formDate ${formDate} is not a date (YYYY-MM-DD)`);
    const format = query.format ?? 'xlsx';
    const section = rosterSection(template);
    const names = await this.subjects.divisionNames([divisionCode]);
    return {
      template,
      section,
      columns: rosterColumns(section),
      divisionCode,
      formDate,
      format,
      policy: principal.fieldPolicy,
      ...maskedClasses(section, principal.fieldPolicy),
      fileName: rosterFileName(
        template.title,
        names[divisionCode] ?? divisionCode,
        formDate,
        format,
      ),
      asciiFileName: `${template.id}_${divisionCode}_${formDate}.${format}`,
    };
  }

  /**
   * The roster's rows, masked, a keyset page of the division's residents at a time. Reading a
   * page's persons is most of an export's work, in PostgreSQL: READ_AHEAD pages are read at once
   * while the caller writes, so the database works on both cores while the writer waits.
   */
  async *pages(plan: RosterExportPlan): AsyncGenerator<FilledRow[]> {
    const prefix = jurisdictionOf(plan.divisionCode);
    const bornBy = latestBirthDate(plan.template, plan.formDate);
    const at = plan.template.sections.indexOf(plan.section);
    const reads = personReads(plan.section.fields);
    const fill = async (page: ResidentCursor[]) => {
      const filled = await this.forms.fillResidents(
        plan.template,
        page.map((p) => p.id),
        plan.formDate,
        reads,
      );
      return maskForm(filled, plan.policy).form.sections[at].rows ?? [];
    };
    let after: ResidentCursor | null = null;
    let more = true;
    const ahead: Promise<FilledRow[]>[] = [];
    try {
      for (;;) {
        while (more && ahead.length < READ_AHEAD) {
          const page = await this.subjects.residentsOfDivisionPage(prefix, bornBy, after, PAGE);
          more = page.length === PAGE;
          after = page[page.length - 1] ?? after;
          if (page.length > 0) ahead.push(fill(page));
        }
        const next = ahead.shift();
        if (!next) return;
        yield await next;
      }
    } finally {
      // Pages read ahead for a client that went away: their failures are nobody's to report.
      for (const page of ahead) page.catch(() => undefined);
    }
  }

  /** The roster as CSV (UTF-8 with BOM, CRLF, RFC 4180). Answers the rows written. */
  async writeCsv(plan: RosterExportPlan, out: Writable): Promise<number> {
    const gone = closedSignal(out);
    let count = 0;
    await send(out, UTF8_BOM + csvLine(plan.columns.map((c) => c.label)));
    for await (const rows of this.pages(plan)) {
      if (gone.closed) return count;
      const lines = rows.map((row) =>
        csvLine(rosterCells(plan.columns, ++count, row), plan.columns),
      );
      await send(out, lines.join(''));
    }
    if (!gone.closed)
      await Promise.race([new Promise<void>((resolve) => out.end(resolve)), gone.promise]);
    return count;
  }

  /**
   * The roster as a workbook, streamed: the roster sheet, then 来源 with each cell's source.
   * The archive holds its entries one after the other, so the 来源 rows wait in a temporary
   * file (removed at the end) while the roster sheet is written, then follow it. Answers the
   * rows written.
   */
  async writeXlsx(plan: RosterExportPlan, out: Writable): Promise<number> {
    const gone = closedSignal(out);
    const dir = await mkdtemp(join(tmpdir(), 'hub-roster-'));
    const sourcesFile = join(dir, 'sources.ndjson');
    const sources = createWriteStream(sourcesFile, { mode: 0o600 });
    let sourcesError: Error | undefined;
    sources.on('error', (error) => (sourcesError = error));
    let input: ReadStream | undefined;
    try {
      const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
        stream: out,
        useStyles: true,
        useSharedStrings: false,
      });
      workbook.creator = '基层治理数据中台';
      workbook.title = `${plan.template.title} ${plan.divisionCode} ${plan.formDate}`;
      workbook.created = new Date();
      const sheets: ExcelJS.Worksheet[] = [];
      const settle = () =>
        untilFlowing(out, gone, () => backlogOf(workbook, sheets), IN_FLIGHT_LIMIT);

      const pages = this.pages(plan);
      const first = await pages.next();
      const firstRows = first.done ? [] : first.value;
      const columns = fitWidths(
        plan.columns,
        firstRows.map((row, i) => rosterCells(plan.columns, i + 1, row)),
      );
      // 来源 has the roster's columns, as wide as the first page's sources need.
      const sourceColumns = fitWidths(
        plan.columns.map((c) => ({ ...c, kind: c.kind === 'index' ? c.kind : 'text' })),
        firstRows.map((row, i) => sourceCells(plan.columns, i + 1, row)),
      );
      const roster = openSheet(
        workbook,
        sheetName(plan.template.title),
        columns.map((c) => ({ label: c.label, width: c.width, text: c.kind === 'text' })),
      );
      sheets.push(roster.sheet);
      let count = 0;
      const writePage = async (rows: FilledRow[]) => {
        const lines: string[] = [];
        for (const row of rows) {
          count += 1;
          roster.addRow(rosterCells(columns, count, row));
          lines.push(JSON.stringify(sourceCells(columns, count, row)));
        }
        if (lines.length > 0) await send(sources, lines.join('\n') + '\n');
        if (sourcesError) throw sourcesError;
        await settle();
      };
      if (!first.done) {
        await writePage(firstRows);
        for await (const rows of pages) {
          if (gone.closed) return count;
          await writePage(rows);
        }
      }
      roster.sheet.commit();
      await new Promise<void>((resolve) => sources.end(resolve));
      if (sourcesError) throw sourcesError;

      const sourceSheet = openSheet(
        workbook,
        '来源',
        sourceColumns.map((c) => ({ label: c.label, width: c.width, text: c.kind === 'text' })),
      );
      sheets.push(sourceSheet.sheet);
      let written = 0;
      input = createReadStream(sourcesFile);
      for await (const line of createInterface({ input, crlfDelay: Infinity })) {
        if (gone.closed) return count;
        sourceSheet.addRow(JSON.parse(line) as Cell[]);
        if (++written % PAGE === 0) await settle();
      }
      sourceSheet.sheet.commit();
      await Promise.race([workbook.commit(), gone.promise]);
      return count;
    } finally {
      sources.destroy();
      input?.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/**
 * A sheet with its frozen, filtered header row and its columns (text ones formatted '@'), and
 * a function adding a row whose cells share their column's style object. exceljs gives each new
 * cell a style object of its own, merged from its column's, and looks a style up by rendering it
 * as XML unless it has seen that very object before: sharing one object per column makes the
 * lookup a WeakMap hit instead of a render per cell (most of a large export's time).
 */
function openSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: readonly { label: string; width: number; text: boolean }[],
): { sheet: ExcelJS.Worksheet; addRow(values: Cell[]): void } {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
  });
  const styles = columns.map((c): Partial<ExcelJS.Style> => (c.text ? { numFmt: '@' } : {}));
  sheet.columns = columns.map((c, i) => ({ key: String(i), width: c.width, style: styles[i] }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const header = sheet.addRow(columns.map((c) => c.label));
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.alignment = { vertical: 'middle', horizontal: 'center' };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7EEF7' } };
  });
  header.commit();
  return {
    sheet,
    addRow(values: Cell[]) {
      const row = sheet.addRow(values);
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cell.style = styles[column - 1] ?? {};
      });
      row.commit();
    },
  };
}

/** Whether the client went away, as a flag and as a promise. */
function closedSignal(out: Writable): { closed: boolean; promise: Promise<void> } {
  const signal = { closed: out.destroyed, promise: Promise.resolve() };
  signal.promise = new Promise<void>((resolve) =>
    out.once('close', () => {
      signal.closed = true;
      resolve();
    }),
  );
  return signal;
}

/** Writes a chunk and, when the stream's buffer is full, waits for it to drain (or close). */
async function send(out: Writable, chunk: string): Promise<void> {
  if (out.destroyed) return;
  if (!out.write(chunk)) await drainedOrClosed(out);
}

function drainedOrClosed(out: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
}

/**
 * Waits while the client lags: the response wants a drain, or more than `limit` bytes wait in
 * the archive. exceljs' sheet streams push into the archive without regard for backpressure, so
 * waiting for the response alone would let a slow client make the archive buffer the rest.
 */
async function untilFlowing(
  out: Writable,
  gone: { closed: boolean },
  backlog: () => number,
  limit: number,
): Promise<void> {
  while (!gone.closed) {
    if (out.writableNeedDrain) await drainedOrClosed(out);
    else if (backlog() > limit) await delay(5);
    else return;
  }
}

/**
 * Bytes handed to the archive and not yet sent on: what the sheets' streams hold, what the
 * entry being compressed has queued, and the archive's own output buffer. These are exceljs 4.4
 * internals (WorkbookWriter.zip, the sheet stream's buffers and pipes); where one is missing it
 * counts 0, and the export falls back on the response's own drain.
 */
function backlogOf(workbook: unknown, sheets: unknown[]): number {
  const queued = (s: unknown) => {
    const state = s as StreamInternals | undefined;
    return (state?._writableState?.length ?? 0) + (state?._readableState?.length ?? 0);
  };
  let bytes = queued((workbook as { zip?: unknown }).zip);
  for (const sheet of sheets) {
    const stream = (sheet as { stream?: StreamInternals }).stream;
    for (const buffer of stream?.buffers ?? []) bytes += buffer.length ?? 0;
    for (const pipe of stream?.pipes ?? []) bytes += queued(pipe);
  }
  return bytes;
}
