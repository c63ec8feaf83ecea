import { codeTable } from './code-table';
import hubCodes from './code-tables/hub-codes.json';

// The file's $comment is no list of codes.
const HUB_CODES: Readonly<Record<string, Readonly<Record<string, string>>>> = Object.fromEntries(
  Object.entries(hubCodes).filter(([name]) => name !== '$comment'),
) as Record<string, Record<string, string>>;

// GB/T 2261.1 names 1 and 2 男性 and 女性; forms and staff write 男 and 女.
const SHORT_GENDER: Readonly<Record<string, string>> = { '1': '男', '2': '女' };

const own = (table: Readonly<Record<string, string>>, code: string): string | undefined =>
  Object.hasOwn(table, code) ? table[code] : undefined;

/**
 * The text staff read for a coded value of an attribute: 性别 女 for 2 (GB/T 2261.1), 民族 汉族
 * for 01 (GB 3304), 与户主关系 配偶 for 10 (GB/T 4761; 00, a form's applicant, is 本人), and the
 * hub's own codes (statuses, event and incident types, roles in an event, disability levels).
 * Undefined for an attribute without codes, a value that is not a code, or an unknown code.
 */
export function codeLabel(attribute: string, value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const code = String(value);
  switch (attribute) {
    case 'gender':
      return own(SHORT_GENDER, code) ?? own(codeTable('gender').codes, code);
    case 'ethnicity':
      return own(codeTable('ethnicity').codes, code);
    case 'relationToHead':
    case 'relationToApplicant':
      return code === '00' ? '本人' : own(codeTable('relation').codes, code);
    case 'personStatus':
      return own(HUB_CODES.status, code);
  }
  return Object.hasOwn(HUB_CODES, attribute) ? own(HUB_CODES[attribute], code) : undefined;
}

/** 东门社区 for 东门社区居民委员会, 梅湾村 for 梅湾村村民委员会: a division as addresses write it. */
export const shortDivisionName = (name: string): string =>
  name.replace(/(居民委员会|村民委员会|委员会)$/, '');
