import ethnicity from './code-tables/ethnicity.json';
import gender from './code-tables/gender.json';
import relation from './code-tables/relation.json';
import { toHalfWidth } from './half-width';

export type CodeTableName = 'gender' | 'ethnicity' | 'relation';

export interface CodeTable {
  /** The national standard the codes come from. */
  standard: string;
  /** Code → official name. */
  codes: Readonly<Record<string, string>>;
  /** The code for a code (exact), an official name or an alias; undefined when unknown. */
  lookup(raw: string): string | undefined;
}

interface CodeTableData {
  standard: string;
  codes: Record<string, string>;
  aliases: Record<string, string>;
}

const DATA: Record<CodeTableName, CodeTableData> = { gender, ethnicity, relation };
const built = new Map<CodeTableName, CodeTable>();

function build(data: CodeTableData): CodeTable {
  const codes = new Map(Object.entries(data.codes));
  const byText = new Map(Object.entries(data.codes).map(([code, name]) => [name, code]));
  for (const [text, code] of Object.entries(data.aliases)) byText.set(text, code);
  return {
    standard: data.standard,
    codes: Object.freeze({ ...data.codes }),
    lookup(raw) {
      const code = toHalfWidth(raw).trim();
      if (codes.has(code)) return code;
      return byText.get(code.replace(/\s+/g, ''));
    },
  };
}

/** One of the national code tables, with a lookup that accepts codes and the texts departments write. */
export function codeTable(name: CodeTableName): CodeTable {
  let table = built.get(name);
  if (!table) {
    table = build(DATA[name]);
    built.set(name, table);
  }
  return table;
}

const GENDER_DEPENDENT: Record<string, Record<string, string> | undefined> =
  relation.genderDependent;

function genderDependent(raw: string): Record<string, string> | undefined {
  const text = toHalfWidth(raw).replace(/\s+/g, '');
  return Object.hasOwn(GENDER_DEPENDENT, text) ? GENDER_DEPENDENT[text] : undefined;
}

/**
 * The GB/T 4761 codes of a relation text without a gender-neutral code (子女: 20 子 for a male
 * member, 30 女 for a female one), by GB/T 2261.1 gender; undefined for any other text.
 */
export function relationCodesByGender(raw: string): Readonly<Record<string, string>> | undefined {
  const byGender = genderDependent(raw);
  return byGender && Object.freeze({ ...byGender });
}

/**
 * GB/T 4761 relation code for a text or code; texts without a gender-neutral code (子女) resolve
 * to 20 子 or 30 女 when the member's GB/T 2261.1 gender ('1' or '2') is known, else to the table's 80.
 */
export function relationCode(raw: string, genderCode?: string | null): string | undefined {
  const byGender = genderDependent(raw);
  const code =
    genderCode && byGender && Object.hasOwn(byGender, genderCode)
      ? byGender[genderCode]
      : undefined;
  return code ?? codeTable('relation').lookup(raw);
}
