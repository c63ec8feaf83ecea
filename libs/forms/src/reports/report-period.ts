import type { PeriodKind } from './report-template';

/** What a request asks for: one of these per the template's period (YYYY-MM, YYYY-MM-DD). */
export interface PeriodRequest {
  month?: string;
  date?: string;
  from?: string;
  to?: string;
}

/** The days a report covers, both included, and the day ages are on. */
export interface ReportPeriod {
  kind: PeriodKind;
  from: string;
  to: string;
  /** The report date: ages are on it (the period's last day for months and ranges). */
  date: string;
  /** Set when the period is one calendar month. */
  month?: string;
}

/** A request a report cannot answer (400): a period it does not take, a bad row or column. */
export class ReportRequestError extends Error {}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function checkDate(name: string, value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12)
    throw new ReportRequestError(`${name} ${value} is not a date (YYYY-MM-DD)`);
  if (Number(match[3]) < 1 || Number(match[3]) > daysIn(Number(match[1]), Number(match[2])))
    throw new ReportRequestError(`${name} ${value} is not a day of the calendar`);
  return value;
}

function monthDays(month: string): { from: string; to: string } {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match || Number(match[2]) < 1 || Number(match[2]) > 12)
    throw new ReportRequestError(`month ${month} is not a month (YYYY-MM)`);
  return { from: `${month}-01`, to: `${month}-${pad(daysIn(Number(match[1]), Number(match[2])))}` };
}

/**
 * The period a request asks of a template, checked: `date` reports are as of one day (a month
 * gives its last day), `month` reports cover one month (a date gives its month), `range` reports a
 * month or `from`–`to`; each defaults to today (Beijing) or its month.
 */
export function resolvePeriod(
  kind: PeriodKind,
  request: PeriodRequest,
  today: string,
): ReportPeriod {
  const { month, date, from, to } = request;
  if (date !== undefined) checkDate('date', date);
  if (from !== undefined) checkDate('from', from);
  if (to !== undefined) checkDate('to', to);
  if (month !== undefined) monthDays(month);
  if (date !== undefined && month !== undefined)
    throw new ReportRequestError('give date or month, not both');
  const oneMonth = (m: string): ReportPeriod => ({
    kind,
    ...monthDays(m),
    date: monthDays(m).to,
    month: m,
  });
  if (kind !== 'range' && (from !== undefined || to !== undefined))
    throw new ReportRequestError(
      `this report is ${kind === 'date' ? 'as of one date: give date' : 'of one month: give month'}, not from and to`,
    );
  switch (kind) {
    case 'date': {
      const day = date ?? (month ? monthDays(month).to : today);
      return { kind, from: day, to: day, date: day };
    }
    case 'month':
      return oneMonth(month ?? (date ?? today).slice(0, 7));
    case 'range': {
      if (from !== undefined || to !== undefined) {
        if (from === undefined || to === undefined || month !== undefined || date !== undefined)
          throw new ReportRequestError('give a month, or both from and to');
        if (from > to) throw new ReportRequestError(`from ${from} is after to ${to}`);
        return { kind, from, to, date: to };
      }
      if (date !== undefined) return { kind, from: date, to: date, date };
      return oneMonth(month ?? today.slice(0, 7));
    }
  }
}
