import { beijingToday, compactDateToIso } from './calendar';
import { toHalfWidth } from './half-width';

export interface NormalizedIdNumber {
  /** The cleaned number; an 18-character upgrade when the input was a legacy 15-digit one. */
  value: string;
  /** Shape, check character and birth date (a real day, not in the future, not before 1800) all hold. */
  valid: boolean;
  /** The input was a legacy 15-digit number (GB 11643 predecessor), upgraded here. */
  legacy: boolean;
}

// GB 11643-1999: weights 2^(17-i) mod 11 for the 17 leading digits.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = '10X98765432';
const FIRST_17 = /^\d{17}$/;
const SHAPE_18 = /^\d{17}[\dX]$/;
const SHAPE_15 = /^\d{15}$/;
// Nobody alive was born before this; a date earlier than that is a typo, not a person.
const EARLIEST_BIRTH = '1800-01-01';

/** The GB 11643 check character for the first 17 digits of a citizen ID. */
export function idCheckCharacter(first17: string): string {
  if (!FIRST_17.test(first17)) throw new Error(`expected 17 digits: ${JSON.stringify(first17)}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK_CHARACTERS[sum % 11];
}

/** Legacy 15-digit IDs were issued to people born in the 1900s: the year lost its "19". */
function upgradeLegacy(id15: string): string {
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + idCheckCharacter(first17);
}

function toEighteen(id: string): string | null {
  if (SHAPE_18.test(id)) return id;
  if (SHAPE_15.test(id)) return upgradeLegacy(id);
  return null;
}

/** The birth date an 18-digit (or legacy 15-digit) ID embeds, "YYYY-MM-DD", or null when it is not a real date. */
export function birthDateFromIdNumber(id18: string): string | null {
  const id = toEighteen(id18);
  return id ? compactDateToIso(id.slice(6, 14)) : null;
}

/** GB/T 2261.1 gender code from the sequence number's last digit: odd '1' male, even '2' female. */
export function genderFromIdNumber(id18: string): '1' | '2' | null {
  const id = toEighteen(id18);
  if (!id) return null;
  return Number(id[16]) % 2 === 1 ? '1' : '2';
}

function isValid18(id: string, now: Date): boolean {
  if (!SHAPE_18.test(id) || idCheckCharacter(id.slice(0, 17)) !== id[17]) return false;
  const birth = birthDateFromIdNumber(id);
  return birth !== null && birth >= EARLIEST_BIRTH && birth <= beijingToday(now);
}

/** Clean a citizen ID as sources send it (spaces, full-width digits, lower-case x) and check it. */
export function normalizeIdNumber(
  raw: string | null | undefined,
  now: Date = new Date(),
): NormalizedIdNumber | null {
  if (raw == null) return null;
  const cleaned = toHalfWidth(raw).replace(/\s+/g, '').toUpperCase();
  if (cleaned === '') return null;
  if (SHAPE_15.test(cleaned)) {
    const value = upgradeLegacy(cleaned);
    return { value, valid: isValid18(value, now), legacy: true };
  }
  if (SHAPE_18.test(cleaned))
    return { value: cleaned, valid: isValid18(cleaned, now), legacy: false };
  return { value: cleaned, valid: false, legacy: false };
}
