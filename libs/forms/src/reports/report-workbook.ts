import ExcelJS from 'exceljs';
import type { ReportTable } from './report-engine';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The heading of the columns that place a row, by what the rows are. */
const PLACE_HEADINGS: Record<string, [string, string]> = {
  village: ['区划代码', '村(社区)'],
  township: ['区划代码', '乡镇(街道)'],
  grid: ['网格编码', '所属村(社区)'],
};

/** Display width in Excel's units: a Chinese character (or full-width form) takes two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text)
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        char,
      )
        ? 2
        : 1;
  return width;
}

function periodText(table: ReportTable): string {
  const { period } = table;
  if (period.kind === 'date') return `统计日期:${period.date}`;
  if (period.month) return `统计月份:${period.month}`;
  return `统计期间:${period.from} 至 ${period.to}`;
}

/**
 * The table as an .xlsx workbook: a title row, the range and period, a frozen header, one row
 * per table row and the totals, columns as wide as their Chinese text.
 */
export async function reportWorkbook(table: ReportTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'grassroots data hub';
  const [level, month] = table.groupBy;
  const keyHeadings = [...PLACE_HEADINGS[level], ...(month ? ['月份'] : [])];
  const keys = keyHeadings.length;
  const sheet = workbook.addWorksheet(
    table.template.title.replace(/[\\/?*[\]:]/g, '_').slice(0, 31),
    {
      views: [{ state: 'frozen', xSplit: keys, ySplit: 3 }],
    },
  );
  const width = keys + table.columns.length;
  const [header, ...body]: (string | number)[][] = [
    [...keyHeadings, ...table.columns.map((c) => c.label)],
    ...table.rows.map((row) => [
      row.groups[level],
      `${row.divisionName ?? ''}${row.unplaced ? '(未细分)' : ''}`,
      ...(month ? [row.groups[month]] : []),
      ...table.columns.map((c) => row.cells[c.key]),
    ]),
    [
      '合计',
      ...Array<string>(keys - 1).fill(''),
      ...table.columns.map((c) => table.totals.cells[c.key]),
    ],
  ];
  const title = sheet.addRow([table.template.title]);
  title.font = { bold: true, size: 14 };
  title.alignment = { horizontal: 'center' };
  sheet.mergeCells(1, 1, 1, width);
  sheet.addRow([
    `统计范围:${table.division.name ?? ''}(${table.division.code})  ${periodText(table)}`,
  ]);
  sheet.mergeCells(2, 1, 2, width);
  const heading = sheet.addRow(header);
  heading.font = { bold: true };
  heading.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  body.forEach((line) => sheet.addRow(line));
  sheet.lastRow!.font = { bold: true };
  table.columns.forEach((c, i) => {
    if (c.measure === 'sum') sheet.getColumn(keys + i + 1).numFmt = '#,##0.00';
  });
  for (let i = 0; i < width; i++) {
    const widest = Math.max(
      ...[header, ...body].map((line) => displayWidth(String(line[i] ?? ''))),
    );
    sheet.getColumn(i + 1).width = Math.min(Math.max(widest + 2, i < keys ? 10 : 8), 40);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
