/** What a staff member typed in the one search box, as the API's filters. */
export type SearchQuery =
  | { field: 'idNumber'; idNumber: string }
  | { field: 'phone'; phone: string }
  | { field: 'name'; name: string; birthDate?: string };

export const SEARCH_FIELD_NAMES: Record<SearchQuery['field'], string> = {
  idNumber: '身份证号',
  phone: '电话',
  name: '姓名',
};

/**
 * An ID number (18 characters, or the old 15 digits), a phone (at least seven digits, with the
 * spaces and dashes people type), else a name or part of one.
 */
export function parseSearch(text: string, birth?: string): SearchQuery | null {
  const q = text.trim();
  if (!q) return null;
  const compact = q.replace(/[\s-]/g, '');
  if (/^(\d{17}[\dXx]|\d{15})$/.test(compact))
    return { field: 'idNumber', idNumber: compact.toUpperCase() };
  if (/^\+?\d{7,}$/.test(compact)) return { field: 'phone', phone: compact };
  const birthDate = parseBirth(birth);
  return { field: 'name', name: q, ...(birthDate ? { birthDate } : {}) };
}

/**
 * A birth year or month as people write it (1956, 1956-3, 1956年3月, 195603, 1956.3.2) as the
 * API takes it (YYYY, YYYY-MM or YYYY-MM-DD); undefined when blank or not a date.
 */
export function parseBirth(text: string | null | undefined): string | undefined {
  const t = (text ?? '').trim();
  if (!t) return undefined;
  const compact = /^(\d{4})(\d{2})?(\d{2})?$/.exec(t);
  const parts = compact
    ? compact.slice(1).filter(Boolean)
    : /^(\d{4})(?:[-./年](\d{1,2})(?:[-./月](\d{1,2})日?)?月?)?年?$/
        .exec(t)
        ?.slice(1)
        .filter(Boolean);
  if (!parts) return undefined;
  const [y, m, d] = parts;
  if (m && (Number(m) < 1 || Number(m) > 12)) return undefined;
  if (d && (Number(d) < 1 || Number(d) > 31)) return undefined;
  return [y, m?.padStart(2, '0'), d?.padStart(2, '0')].filter(Boolean).join('-');
}
