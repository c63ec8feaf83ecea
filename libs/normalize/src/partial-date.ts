import { InvalidDateError, daysInMonth, pad2 } from './calendar';
import { toHalfWidth } from './half-width';

const Y = '(?<y>[1-9]\\d{3})';
const FORMATS: RegExp[] = [
  new RegExp(`^${Y}$`), // YYYY
  new RegExp(`^${Y}(?<m>\\d{2})(?<d>\\d{2})$`), // YYYYMMDD
  new RegExp(`^${Y}(?<sep>[-/.])(?<m>\\d{1,2})(?:\\k<sep>(?<d>\\d{1,2}))?$`), // YYYY-MM-DD, YYYY/M/D, YYYY.MM
  new RegExp(`^${Y}\\s*年\\s*(?<m>\\d{1,2})\\s*月(?:\\s*(?<d>\\d{1,2})\\s*日)?$`), // YYYY年M月D日
];

/**
 * A date that may be only a year or a year and month, as "YYYY", "YYYY-MM" or "YYYY-MM-DD".
 * Null for blank input; throws InvalidDateError for an unknown format or a day that does not exist.
 */
export function parsePartialDate(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const text = toHalfWidth(raw).trim();
  if (text === '') return null;
  const groups = FORMATS.map((f) => f.exec(text)?.groups).find((g) => g !== undefined);
  if (!groups) throw new InvalidDateError(raw);
  const { y, m, d } = groups;
  if (m === undefined) return y;
  const month = Number(m);
  if (month < 1 || month > 12) throw new InvalidDateError(raw, `there is no month ${m}`);
  if (d === undefined) return `${y}-${pad2(month)}`;
  const day = Number(d);
  if (day < 1 || day > daysInMonth(Number(y), month))
    throw new InvalidDateError(raw, `there is no day ${d} in ${y}-${pad2(month)}`);
  return `${y}-${pad2(month)}-${pad2(day)}`;
}
