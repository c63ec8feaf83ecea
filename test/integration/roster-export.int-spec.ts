import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import type { Response } from 'superagent';
import {
  FormSubjectRepository,
  type ResidentCursor,
} from '../../libs/forms/src/form-subject.repository';
import { as, hubHttp, staffToken } from '../support/access';
import { feedExamples } from '../support/feed-examples';
import { gridResident, withCheck } from '../support/residents';
import { apiOnScenarioDatabase } from '../support/scenario-api';

const DONGMEN = '500116005002'; // 东门社区
const LANGSHAN = '500116005001'; // 琅山社区, its neighbour
const FORM_DATE = '2026-12-05';
const PURPOSE = 'elderly-allowance-review';
const EXPORT = '/v1/forms/elderly-roster/export';
const TITLE = '辖区80周岁以上老人花名册';

/** The residents pushed, and what the roster must say of each (birth date from the ID). */
const RESIDENTS = [
  // Born 1938-08-08, a man (17th digit odd), check character X: 88 on the form date.
  { n: 91, name: '吴大爷', idFirst17: '50011619380808017', alone: true },
  { n: 92, name: '赵大娘', idFirst17: '50011619400505002' }, // 86
  { n: 93, name: '孙大爷', idFirst17: '50011619461205001' }, // 80 on the form date itself
  { n: 94, name: '李阿婆', idFirst17: '50011619461206002' }, // 79: one day short
  { n: 95, name: '钱小妹', idFirst17: '50011619900505004' }, // 36
  { n: 96, name: '周老太', idFirst17: '50011619350301004' }, // 91, but deceased (公安)
  // 84; her address names only the township, the grid she is recorded in is 东门社区's.
  { n: 97, name: '郑奶奶', idFirst17: '50011619420315008', townshipOnly: true },
].map((r) => ({ ...r, idNumber: withCheck(r.idFirst17), phone: `139000091${r.n}` }));
const person = (name: string) => RESIDENTS.find((r) => r.name === name)!;

/** The roster as the model says it must be, row by row: the living aged 80+, oldest first. */
const HEADER = [
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
];
const EXPECTED_ROWS = [
  ['1', '吴大爷', '男', person('吴大爷').idNumber, '1938-08-08', '88', '东门路91号', '是'],
  ['2', '赵大娘', '女', person('赵大娘').idNumber, '1940-05-05', '86', '东门路92号', ''],
  ['3', '郑奶奶', '女', person('郑奶奶').idNumber, '1942-03-15', '84', '双福大道97号', ''],
  ['4', '孙大爷', '男', person('孙大爷').idNumber, '1946-12-05', '80', '东门路93号', ''],
].map(([index, name, gender, idNumber, birthDate, age, street, alone]) => [
  index,
  name,
  gender,
  idNumber,
  birthDate,
  age,
  expect.stringContaining(street),
  person(name).phone,
  alone,
  '',
]);

/** RFC 4180 records (CRLF or LF line ends), for reading what LibreOffice and the hub wrote. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      records.push([...record, field]);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

const binary = (res: Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

/** LibreOffice Calc, headless, with a profile of its own: the workbook's first sheet as CSV. */
async function libreOfficeCsv(workbook: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'roster-lo-'));
  const profile = `/tmp/lo-${randomBytes(8).toString('hex')}`;
  try {
    await writeFile(join(dir, 'roster.xlsx'), workbook);
    await promisify(execFile)(
      'soffice',
      [
        `-env:UserInstallation=file://${profile}`,
        '--headless',
        '--convert-to',
        'csv:Text - txt - csv (StarCalc):44,34,76,1',
        '--outdir',
        dir,
        join(dir, 'roster.xlsx'),
      ],
      { timeout: 90_000 },
    );
    return await readFile(join(dir, 'roster.csv'), 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(profile, { recursive: true, force: true });
  }
}

const valuesOf = (row: ExcelJS.Row, columns: number) =>
  Array.from({ length: columns }, (_, i) => row.getCell(i + 1).value ?? null);

/**
 * The 80+ roster of a community as a workbook and as CSV: the rows the model gives (living,
 * 80 or more on the form date), read back by LibreOffice and by exceljs; who may export it;
 * the audit row of each export.
 */
describe('the 80+ roster as a workbook', () => {
  const suite = apiOnScenarioDatabase();
  let clerk: string;
  let neighbour: string;
  let gridWorker: string;
  let xlsx: Buffer;

  beforeAll(async () => {
    await hubHttp(suite.api)
      .post('/v1/feeds/grid/records')
      .send(
        RESIDENTS.map((r) => ({
          ...gridResident({ ...r, community: DONGMEN, communityName: '东门社区' }),
          ...(r.alone ? { 人员类别: '独居老人' } : {}),
          ...(r.townshipOnly ? { 居住地址: `鼎山街道双福大道${r.n}号` } : {}),
        })),
      )
      .expect(200);
    const [police] = feedExamples();
    const deceased = person('周老太');
    await hubHttp(suite.api)
      .post('/v1/feeds/population/records')
      .send([
        {
          ...police.value,
          RKBM: '50011620230824009996',
          GMSFHM: deceased.idNumber,
          XM: deceased.name,
          XBDM: '2',
          CSRQ: '19350301',
          LXDH: deceased.phone,
          RYZTDM: '1',
          HH: '500116005000996',
        },
      ])
      .expect(200);
    clerk = await staffToken(suite.api, {
      username: 'dongmen-roster-clerk',
      role: 'community-staff',
      divisionCode: DONGMEN,
    });
    neighbour = await staffToken(suite.api, {
      username: 'langshan-roster-clerk',
      role: 'community-staff',
      divisionCode: LANGSHAN,
    });
    gridWorker = await staffToken(suite.api, {
      username: 'dongmen-roster-grid',
      role: 'grid-worker',
      divisionCode: DONGMEN,
    });
  });

  const download = (token: string, query: Record<string, string>, purpose = PURPOSE) =>
    as(suite.api, token, purpose).get(EXPORT).query(query).buffer(true).parse(binary);

  it('lives in the community as the model has it: the deceased elder is there, dead, and the one whose address names only the township', async () => {
    const rows = await suite.scenario.db.query<
      { idNumber: string; status: string; divisionCode: string }[]
    >(
      `SELECT id_number AS "idNumber", status, division_code AS "divisionCode"
         FROM person WHERE id_number = ANY($1::text[]) AND merged_into IS NULL`,
      [RESIDENTS.map((r) => r.idNumber)],
    );
    expect(rows).toHaveLength(RESIDENTS.length);
    for (const row of rows) expect(row.divisionCode).toBe(DONGMEN);
    expect(rows.find((r) => r.idNumber === person('周老太').idNumber)!.status).toBe('deceased');
  });

  it('streams an xlsx that LibreOffice reads as the roster: the living aged 80+, IDs in full', async () => {
    const res = await download(clerk, {
      divisionCode: DONGMEN,
      formDate: FORM_DATE,
      format: 'xlsx',
    }).expect(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const fileName = `${TITLE}_东门社区_${FORM_DATE}.xlsx`;
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="elderly-roster_${DONGMEN}_${FORM_DATE}.xlsx"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    );
    expect(res.headers['x-masked-fields']).toBe('none');
    xlsx = res.body as Buffer;
    expect(xlsx.subarray(0, 2).toString()).toBe('PK');

    const csv = parseCsv(await libreOfficeCsv(xlsx));
    expect(csv[0]).toEqual(HEADER);
    expect(csv.slice(1)).toEqual(EXPECTED_ROWS);
    expect(csv.flat().join()).not.toMatch(/E\+17/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual([TITLE, '来源']);
    const [roster, sources] = workbook.worksheets;
    expect(roster.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(roster.rowCount).toBe(5);
    for (const column of [4, 8]) {
      const cell = roster.getRow(3).getCell(column);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.numFmt).toBe('@');
    }
    expect(roster.getRow(3).getCell(4).value).toBe(person('赵大娘').idNumber);
    expect(roster.getRow(2).getCell(4).value).toMatch(/X$/);
    expect(roster.getRow(2).getCell(6).value).toBe(88);
    expect(roster.getColumn(4).width).toBeGreaterThanOrEqual(20);
    expect(roster.getColumn(7).width).toBeGreaterThan(roster.getColumn(3).width!);

    expect(sources.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    // 来源 mirrors the roster: the source of a roster cell is at the same row and column.
    expect(valuesOf(sources.getRow(1), 10)).toEqual(HEADER);
    expect(sources.rowCount).toBe(5);
    const sourceOf = (row: number, label: string) =>
      sources.getRow(row + 1).getCell(HEADER.indexOf(label) + 1);
    expect(sourceOf(2, '序号').value).toBe(2);
    expect(sourceOf(2, '联系电话').value).toBe(
      `网格 WG-${DONGMEN}-01-20240301-0092 2024-03-01 09:00:00`,
    );
    expect(sourceOf(2, '公民身份号码').value).toMatch(/^(公安|民政|网格) \S+ \d{4}-\d{2}-\d{2} /);
    expect(sourceOf(2, '公民身份号码').numFmt).toBe('@');
    expect(sourceOf(2, '年龄').value).toBe(sourceOf(2, '出生日期').value);
    expect(sourceOf(1, '是否独居').value).toMatch(/^(公安|民政|网格) /);
    expect(sourceOf(2, '享受高龄津贴').value).toBe('【缺失】');
  });

  it('gives the same rows as CSV: UTF-8 with a BOM, RFC 4180', async () => {
    const res = await download(clerk, {
      divisionCode: DONGMEN,
      formDate: FORM_DATE,
      format: 'csv',
    }).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent(`${TITLE}_东门社区_${FORM_DATE}.csv`)}`,
    );
    const body = res.body as Buffer;
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8').slice(1);
    expect(text.split('\r\n')).toHaveLength(6); // header, four rows, the last CRLF
    const csv = parseCsv(text);
    expect(csv).toEqual([HEADER, ...EXPECTED_ROWS]);
    // The workbook, as LibreOffice reads it, says exactly the same.
    expect(parseCsv(await libreOfficeCsv(xlsx))).toEqual(csv);
  });

  it('is not the template: /v1/forms/elderly-roster still answers the template', async () => {
    const template = await as(suite.api, clerk, null).get('/v1/forms/elderly-roster').expect(200);
    expect(template.body).toMatchObject({ id: 'elderly-roster', title: TITLE });
  });

  it('refuses a role without the form (404), another community (403), another purpose (400)', async () => {
    const query = { divisionCode: DONGMEN, formDate: FORM_DATE };
    await download(gridWorker, query).expect(404);
    await download(neighbour, query).expect(403);
    await download(clerk, query, 'dibao-review').expect(400);
    await download(clerk, { ...query, formDate: '2026-02-30' }).expect(400);
    await download(clerk, { ...query, format: 'pdf' }).expect(400);
  });

  it('writes one audit row per export, with its range and no subjects', async () => {
    const rows = await suite.scenario.db.query<
      {
        actor: string;
        role: string;
        purpose: string;
        subject_ids: string[];
        fields_unmasked: string[];
        status: number;
        detail: Record<string, unknown>;
      }[]
    >(
      `SELECT actor, role, purpose, subject_ids, fields_unmasked, status, detail
         FROM audit_log WHERE endpoint = $1 ORDER BY id`,
      [`GET ${EXPORT}`],
    );
    expect(rows).toEqual([
      {
        actor: 'dongmen-roster-clerk',
        role: 'community-staff',
        purpose: PURPOSE,
        subject_ids: [],
        fields_unmasked: ['address', 'idNumber', 'phone'],
        status: 200,
        detail: {
          form: 'elderly-roster',
          divisionCode: DONGMEN,
          formDate: FORM_DATE,
          format: 'xlsx',
        },
      },
      expect.objectContaining({ detail: expect.objectContaining({ format: 'csv' }) }),
    ]);
  });

  it('pages through the division in the whole list’s order, unknown birth dates last', async () => {
    const repository = suite.api.get(FormSubjectRepository);
    // Last: it changes the model (a birth date lost).
    await suite.scenario.db.query(`UPDATE person SET birth_date = NULL WHERE id_number = $1`, [
      person('钱小妹').idNumber,
    ]);
    const paged = async (bornBy: string | undefined) => {
      const ids: string[] = [];
      let after: ResidentCursor | null = null;
      for (;;) {
        const page = await repository.residentsOfDivisionPage(DONGMEN, bornBy, after, 2);
        if (page.length === 0) return ids;
        ids.push(...page.map((p) => p.id));
        after = page[page.length - 1];
      }
    };
    const whole = await repository.residentsOfDivision(DONGMEN);
    expect(whole).toHaveLength(RESIDENTS.length);
    expect(await paged(undefined)).toEqual(whole);
    const [last] = await suite.scenario.db.query<{ idNumber: string }[]>(
      `SELECT id_number AS "idNumber" FROM person WHERE id = $1`,
      [whole[whole.length - 1]],
    );
    expect(last.idNumber).toBe(person('钱小妹').idNumber);
    expect(await paged('1946-12-05')).toEqual(
      await repository.residentsOfDivision(DONGMEN, '1946-12-05'),
    );
    expect(await paged('1946-12-05')).toHaveLength(5);
  });
});
