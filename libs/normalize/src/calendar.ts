/** Thrown when a date or time text is not in an accepted format or names a day that does not exist. */
export class InvalidDateError extends Error {
  constructor(
    readonly input: string,
    reason = 'not a supported date format',
  ) {
    super(`invalid date ${JSON.stringify(input)}: ${reason}`);
    this.name = 'InvalidDateError';
  }
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1];
}

/** A Gregorian calendar date that exists (month 1–12, day within the month). */
export function isRealDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

export const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Beijing time is a fixed UTC+08:00 (the feeds' contract; no daylight saving). */
export const BEIJING_OFFSET_MINUTES = 8 * 60;

const DAY_MS = 86_400_000;
/** The last day asked for: every ID number's check asks, and it changes once a day. */
let lastDay: { day: number; iso: string } | undefined;

/** Today's date in Beijing as "YYYY-MM-DD". */
export function beijingToday(now: Date): string {
  const beijing = now.getTime() + BEIJING_OFFSET_MINUTES * 60_000;
  const day = Math.floor(beijing / DAY_MS);
  if (lastDay?.day !== day)
    lastDay = { day, iso: new Date(day * DAY_MS).toISOString().slice(0, 10) };
  return lastDay.iso;
}

/** "YYYYMMDD" → "YYYY-MM-DD" when it is a real date, else null. */
export function compactDateToIso(compact: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(compact);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isRealDate(y, mo, d) ? `${m[1]}-${m[2]}-${m[3]}` : null;
}
