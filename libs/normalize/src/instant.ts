import { BEIJING_OFFSET_MINUTES, InvalidDateError, daysInMonth } from './calendar';
import { toHalfWidth } from './half-width';

const Y = '(?<y>[1-9]\\d{3})';
const TIME =
  '(?:(?:T|\\s+)(?<h>\\d{1,2}):(?<mi>\\d{2})(?::(?<s>\\d{2})(?:\\.(?<frac>\\d{1,9}))?)?(?<zone>Z|[+-]\\d{2}(?::?\\d{2})?)?)?';
const FORMATS: RegExp[] = [
  new RegExp(`^${Y}(?<sep>[-/])(?<m>\\d{1,2})\\k<sep>(?<d>\\d{1,2})${TIME}$`),
  new RegExp(`^${Y}(?<m>\\d{2})(?<d>\\d{2})$`), // YYYYMMDD, date only
];

/** Minutes east of UTC for "Z", "+08", "+0800" or "+08:00"; null when out of range. */
function offsetMinutes(zone: string): number | null {
  if (zone === 'Z') return 0;
  const [, sign, hh, mm = '0'] = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
  if (Number(hh) > 14 || Number(mm) > 59) return null;
  return (sign === '-' ? -1 : 1) * (Number(hh) * 60 + Number(mm));
}

/**
 * An instant from ISO 8601 with an offset, or from the zone-less forms sources write
 * ("2023-08-24 09:30:00", "2023/8/24 9:30", "2023-08-24", "20230824"), read as Beijing time
 * (a fixed UTC+08:00). A date alone is 00:00 Beijing time. Throws InvalidDateError otherwise.
 */
export function parseInstant(raw: string): Date {
  const text = toHalfWidth(raw).trim();
  let g: Record<string, string | undefined> | undefined;
  for (const format of FORMATS) if ((g = format.exec(text)?.groups)) break;
  if (!g) throw new InvalidDateError(raw);
  const [year, month, day] = [Number(g.y), Number(g.m), Number(g.d)];
  const [hour, minute, second] = [g.h, g.mi, g.s].map((v) => Number(v ?? '0'));
  const millis = Number((g.frac ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    throw new InvalidDateError(raw, 'the day does not exist');
  if (hour > 23 || minute > 59 || second > 59)
    throw new InvalidDateError(raw, 'the time of day does not exist');
  const offset = g.zone === undefined ? BEIJING_OFFSET_MINUTES : offsetMinutes(g.zone);
  if (offset === null) throw new InvalidDateError(raw, `the offset ${g.zone} does not exist`);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset * 60_000);
}
