import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FieldPolicy, Principal } from '@hub/access';
import type { Candidate } from './choose-value';
import type { FormTemplate } from './form-template';
import { maskForm } from './form-masking';
import type { FormSubjectRepository, ResidentCursor } from './form-subject.repository';
import type { FormsService } from './forms.service';
import { prefill, type FilledRow, type PersonSnapshot } from './prefill';
import {
  beijingTime,
  contentDisposition,
  csvField,
  csvLine,
  displayWidth,
  fitWidths,
  isCalendarDate,
  maskedClasses,
  RosterExport,
  rosterCells,
  rosterColumns,
  rosterFileName,
  rosterSection,
  sheetName,
  sourceCells,
  sourceText,
} from './roster-export';

const TEMPLATE = JSON.parse(
  readFileSync(join(__dirname, '../../../forms/elderly-roster.json'), 'utf8'),
) as FormTemplate;
const SECTION = rosterSection(TEMPLATE);
const FULL: FieldPolicy = { idNumber: 'full', phone: 'full', address: 'full' };
const DEPARTMENTS: Record<string, string> = { population: '公安', grid: '网格' };
const context = {
  order: (attribute: string) => (attribute === 'phone' ? ['grid', 'population'] : []),
  department: (feed: string) => DEPARTMENTS[feed] ?? feed,
};

const candidate = (value: unknown, feed: string, sourceRecordId: string): Candidate => ({
  value,
  valid: true,
  feed,
  sourceRecordId,
  pointer: '/0',
  observedAt: '2024-03-01T01:00:00Z',
});

function elder(n: number, birthDate = '1940-05-05'): PersonSnapshot {
  const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const idNumber = `50011619400505${String(n % 1000).padStart(3, '0')}X`;
  return {
    id,
    golden: { name: `老人${n}`, idNumber, gender: '2', birthDate, status: 'normal' },
    candidates: {
      name: [candidate(`老人${n}`, 'population', `RK-${n}`)],
      phone: [candidate('13900008101', 'grid', `WG-${n}`)],
      residenceAddress: [
        candidate(
          { divisionCode: '500116005002', detail: '东门路81号1栋1单元101室' },
          'grid',
          `WG-${n}`,
        ),
      ],
      tags: [candidate(['独居老人'], 'grid', `WG-${n}`)],
    },
    conflicts: [],
    openReviewTasks: 0,
    events: [],
  };
}

const rowsOf = (persons: PersonSnapshot[], policy = FULL): FilledRow[] =>
  maskForm(
    prefill(
      TEMPLATE,
      { residents: persons, divisionNames: { '500116005002': '东门社区' } },
      '2026-12-05',
      context,
    ),
    policy,
  ).form.sections[0].rows!;

describe('roster export: csv', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180), CRLF between records', () => {
    expect(csvField('赵大娘')).toBe('赵大娘');
    expect(csvField('东门路81号, 1栋')).toBe('"东门路81号, 1栋"');
    expect(csvField('他说"好"')).toBe('"他说""好"""');
    expect(csvField('一\r\n二')).toBe('"一\r\n二"');
    expect(csvField(null)).toBe('');
    expect(csvField(86)).toBe('86');
    expect(csvLine(['a', null, 'b,c'])).toBe('a,,"b,c"\r\n');
  });

  it('keeps a spreadsheet from running a text as a formula, but not numbers', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+8613900008101')).toBe("'+8613900008101");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-1)).toBe('-1');
    expect(csvField('-5', false)).toBe('-5');
  });
});

describe('roster export: file names', () => {
  it('names the download in RFC 5987 form with an ASCII fallback', () => {
    const name = rosterFileName('辖区80周岁以上老人花名册', '东门社区', '2026-12-05', 'xlsx');
    expect(name).toBe('辖区80周岁以上老人花名册_东门社区_2026-12-05.xlsx');
    const header = contentDisposition(name, 'elderly-roster_500116005002_2026-12-05.xlsx');
    expect(header).toBe(
      `attachment; filename="elderly-roster_500116005002_2026-12-05.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
    expect(decodeURIComponent(header.split("UTF-8''")[1])).toBe(name);
  });

  it('escapes what RFC 5987 does not allow and file systems refuse', () => {
    expect(contentDisposition("a'(b)*.csv", 'x"y\\z.csv')).toBe(
      `attachment; filename="x_y_z.csv"; filename*=UTF-8''a%27%28b%29%2A.csv`,
    );
    expect(rosterFileName('名册', '东/门:社区', '2026-12-05', 'csv')).toBe(
      '名册_东_门_社区_2026-12-05.csv',
    );
    expect(sheetName('a[b]:c*d?e/f\\g'.repeat(4))).toHaveLength(31);
    expect(sheetName('辖区80周岁以上老人花名册')).toBe('辖区80周岁以上老人花名册');
  });
});

describe('roster export: columns and cells', () => {
  it('has 序号, then the template’s fields with their labels in order', () => {
    const columns = rosterColumns(SECTION);
    expect(columns.map((c) => c.label)).toEqual([
      '序号',
      '姓名',
      '性别',
      '公民身份号码',
      '出生日期',
      '年龄',
      '居住地址',
      '联系电话',
      '是否独居',
      '享受高龄津贴',
    ]);
    expect(columns.map((c) => c.kind)).toEqual([
      'index',
      'text',
      'text',
      'text',
      'text',
      'number',
      'text',
      'text',
      'text',
      'text',
    ]);
    const width = (key: string) => columns.find((c) => c.key === key)!.width;
    expect(width('idNumber')).toBeGreaterThanOrEqual(20);
    expect(width('residenceAddress')).toBeGreaterThan(width('phone'));
  });

  it('measures Chinese characters as two', () => {
    expect(displayWidth('公民身份号码')).toBe(12);
    expect(displayWidth('500116')).toBe(6);
    expect(displayWidth('东门路81号')).toBe(10);
    const columns = fitWidths(rosterColumns(SECTION), [
      [1, '欧阳'.repeat(10), null, null, null, null, null, null, null, null],
    ]);
    expect(columns[1].width).toBe(42);
  });

  it('maps a prefilled row to display texts, the age a number, ID numbers and phones as text', () => {
    const columns = rosterColumns(SECTION);
    const [row] = rowsOf([elder(7)]);
    expect(rosterCells(columns, 3, row)).toEqual([
      3,
      '老人7',
      '女',
      '50011619400505007X',
      '1940-05-05',
      86,
      '东门社区东门路81号1栋1单元101室',
      '13900008101',
      '是',
      null,
    ]);
  });

  it('masks cells as the prefill does for the caller’s role', () => {
    const policy: FieldPolicy = { idNumber: 'masked', phone: 'masked', address: 'omit' };
    const columns = rosterColumns(SECTION);
    const cells = rosterCells(columns, 1, rowsOf([elder(7)], policy)[0]);
    expect(cells[3]).toBe('500116********007X');
    expect(cells[6]).toBeNull();
    expect(cells[7]).toBe('139****8101');
    expect(maskedClasses(SECTION, policy)).toEqual({
      masked: ['address', 'idNumber', 'phone'],
      unmasked: [],
    });
    expect(maskedClasses(SECTION, FULL)).toEqual({
      masked: [],
      unmasked: ['address', 'idNumber', 'phone'],
    });
  });

  it('gives on 来源, at the roster cell’s place, its department, record and time', () => {
    const columns = rosterColumns(SECTION);
    const row = rowsOf([elder(7)])[0];
    const cells = sourceCells(columns, 5, row);
    expect(cells).toHaveLength(columns.length);
    const at = (label: string) => cells[columns.findIndex((c) => c.label === label)];
    expect(at('序号')).toBe(5);
    expect(at('姓名')).toBe('公安 RK-7 2024-03-01 09:00:00');
    expect(at('性别')).toBe('【中台推算】');
    expect(at('联系电话')).toBe(
      `网格 WG-7 ${beijingTime(row.cells.find((c) => c.key === 'phone')!.provenance!.observedAt)}`,
    );
    expect(at('享受高龄津贴')).toBe('【缺失】');
  });

  it('names the status and what other sources say where they disagree', () => {
    const field = rowsOf([elder(7)])[0].cells.find((c) => c.key === 'phone')!;
    expect(
      sourceText({
        ...field,
        status: 'conflict',
        provenance: { ...field.provenance!, observedAt: '2024-03-01T01:00:00Z' },
        alternatives: [
          {
            value: '13900000000',
            display: '139****0000',
            provenance: { ...field.provenance!, department: '公安', sourceRecordId: 'RK-7' },
          },
        ],
      }),
    ).toBe('【各部门不一致】 网格 WG-7 2024-03-01 09:00:00 其他来源：公安 RK-7：139****0000');
  });

  it('checks dates and shows times in Beijing', () => {
    expect(isCalendarDate('2026-12-05')).toBe(true);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-1-5')).toBe(false);
    expect(beijingTime('2024-03-01T17:30:00Z')).toBe('2024-03-02 01:30:00');
    expect(beijingTime(null)).toBeNull();
  });
});

/** A client that reads only when told to. */
class StalledClient extends Writable {
  readonly chunks: Buffer[] = [];
  private waiting: (() => void)[] = [];
  reading = false;

  constructor() {
    super({ highWaterMark: 1024 });
  }

  override _write(chunk: Buffer, _: string, done: () => void) {
    this.chunks.push(chunk);
    if (this.reading) done();
    else this.waiting.push(done);
  }

  startReading() {
    this.reading = true;
    this.waiting.splice(0).forEach((done) => done());
  }
}

describe('roster export: streaming', () => {
  const PERSONS = 3000;

  function exporter() {
    const pages: number[] = [];
    const subjects = {
      divisionNames: () => Promise.resolve({ '500116005002': '东门社区' }),
      residentsOfDivisionPage: (
        _prefix: string,
        _bornBy: string | undefined,
        after: ResidentCursor | null,
        limit: number,
      ) => {
        const start = after ? Number(after.id.slice(-12)) + 1 : 0;
        pages.push(start);
        const ids = Array.from({ length: Math.max(0, Math.min(limit, PERSONS - start)) }, (_, i) =>
          elder(start + i),
        );
        return Promise.resolve(ids.map((p) => ({ id: p.id, birthDate: '1940-05-05' })));
      },
    } as unknown as FormSubjectRepository;
    const forms = {
      templateFor: () => TEMPLATE,
      fillResidents: (template: FormTemplate, ids: string[], date: string) =>
        Promise.resolve(
          prefill(
            template,
            {
              residents: ids.map((id) => elder(Number(id.slice(-12)))),
              divisionNames: { '500116005002': '东门社区' },
            },
            date,
            context,
          ),
        ),
    } as unknown as FormsService;
    const principal = { jurisdiction: '500116005002', fieldPolicy: FULL } as Principal;
    return { roster: new RosterExport(forms, subjects), pages, principal };
  }

  it('stops paging while the client does not read, and writes every row once it does', async () => {
    const { roster, pages, principal } = exporter();
    const plan = await roster.plan(principal, 'elderly-allowance-review', {
      divisionCode: '500116005002',
      formDate: '2026-12-05',
    });
    const client = new StalledClient();
    const done = roster.writeXlsx(plan, client);
    // Stalled: the export waits for the client after the first page instead of reading on
    // (without waiting it reads every page). Wait until it asks for no page for half a second.
    for (let seen = -1, waited = 0; seen !== pages.length && waited < 10_000; waited += 500) {
      seen = pages.length;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const stalledAt = pages.length;
    client.startReading();
    expect(await done).toBe(PERSONS);
    expect(stalledAt).toBeLessThanOrEqual(2);
    expect(pages.length).toBe(PERSONS / 500 + 1);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(client.chunks) as unknown as ExcelJS.Buffer);
    const [sheet, sources] = workbook.worksheets;
    expect(sheet.name).toBe('辖区80周岁以上老人花名册');
    expect(sheet.rowCount).toBe(PERSONS + 1);
    expect(sheet.getRow(PERSONS + 1).getCell(1).value).toBe(PERSONS);
    expect(sheet.getRow(2).getCell(4).value).toBe('50011619400505000X');
    expect(sources.name).toBe('来源');
    expect(sources.rowCount).toBe(PERSONS + 1);
  });

  it('stops paging when the client goes away, and leaves no temporary file behind', async () => {
    const { roster, pages, principal } = exporter();
    const plan = await roster.plan(principal, 'elderly-allowance-review', {
      divisionCode: '500116005002',
      formDate: '2026-12-05',
    });
    const before = new Set(readdirSync(tmpdir()).filter((f) => f.startsWith('hub-roster-')));
    const client = new StalledClient();
    const done = roster.writeXlsx(plan, client);
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.destroy();
    expect(await done).toBeLessThan(PERSONS);
    // The pages written before the client's buffer filled (one or two), and the two read ahead:
    // never the export's seven.
    expect(pages.length).toBeLessThanOrEqual(4);
    const after = readdirSync(tmpdir()).filter((f) => f.startsWith('hub-roster-'));
    expect(after.filter((f) => !before.has(f))).toEqual([]);
  });

  it('writes CSV with a BOM, the header and one CRLF line per row', async () => {
    const { roster, principal } = exporter();
    const plan = await roster.plan(principal, 'elderly-allowance-review', {
      divisionCode: '500116005002',
      formDate: '2026-12-05',
      format: 'csv',
    });
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    expect(await roster.writeCsv(plan, out)).toBe(PERSONS);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.startsWith('\ufeff序号,姓名,性别,公民身份号码,')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines).toHaveLength(PERSONS + 2);
    expect(lines[1]).toBe(
      '1,老人0,女,50011619400505000X,1940-05-05,86,东门社区东门路81号1栋1单元101室,13900008101,是,',
    );
  });

  it('refuses a division outside the caller’s jurisdiction and a date that is not one', async () => {
    const { roster, principal } = exporter();
    await expect(
      roster.plan(principal, 'elderly-allowance-review', { divisionCode: '500116005001' }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      roster.plan(principal, 'elderly-allowance-review', {
        divisionCode: '500116005002',
        formDate: '2026-02-30',
      }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
