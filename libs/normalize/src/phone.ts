import { toHalfWidth } from './half-width';

export interface NormalizedPhone {
  /** The number without separators and without a +86 / 0086 / 86 country prefix. */
  value: string;
  /** A mainland mobile number: 11 digits starting 1[3-9]. */
  valid: boolean;
}

const SEPARATORS = /[\s\-\u2010-\u2015()]/g;
const COUNTRY_PREFIX = /^(?:\+86|0086|86)(\d{11})$/;
const MOBILE = /^1[3-9]\d{9}$/;

/** Clean a phone number as typed (spaces, dashes, parentheses, +86) and tell whether it is a mobile number. */
export function normalizePhone(raw: string | null | undefined): NormalizedPhone | null {
  if (raw == null) return null;
  const cleaned = toHalfWidth(raw).replace(SEPARATORS, '');
  if (cleaned === '') return null;
  const value = COUNTRY_PREFIX.exec(cleaned)?.[1] ?? cleaned;
  return { value, valid: MOBILE.test(value) };
}
