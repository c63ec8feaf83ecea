/** Dates as people read them: 2026年12月5日 (and 1956年3月 for a birth month). */
export function chineseDate(value: string | null | undefined): string {
  if (!value) return '';
  const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(value);
  if (!match) return value;
  const [, y, m, d] = match;
  return d ? `${y}年${Number(m)}月${Number(d)}日` : `${y}年${Number(m)}月`;
}

/** A date and time in Beijing: 2026年12月5日 14:03. */
export function chineseDateTime(value: string | null | undefined): string {
  if (!value) return '';
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  const beijing = new Date(at.getTime() + 8 * 3_600_000).toISOString();
  return `${chineseDate(beijing)} ${beijing.slice(11, 16)}`;
}

/** Today's date in Beijing, as the API takes it (2026-12-05). */
export const todayInBeijing = (): string =>
  new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Departments as staff name them, by feed. */
export const DEPARTMENTS: Record<string, string> = {
  population: '公安',
  assistance: '民政',
  grid: '网格',
  township: '镇街采集',
};
