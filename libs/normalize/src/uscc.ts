import { toHalfWidth } from './half-width';

export interface NormalizedUscc {
  value: string;
  /** 18 characters of the GB 32100 charset with a correct check character. */
  valid: boolean;
}

// GB 32100-2015: 31 characters, the digits and the capitals without I O S V Z.
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
// 3^i mod 31.
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const FIRST_17 = new RegExp(`^[${CHARSET}]{17}$`);
const SHAPE = new RegExp(`^[${CHARSET}]{18}$`);

/** The GB 32100 check character for the first 17 characters of a unified social credit code. */
export function usccCheckCharacter(first17: string): string {
  if (!FIRST_17.test(first17))
    throw new Error(`expected 17 characters of ${CHARSET}: ${JSON.stringify(first17)}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARSET.indexOf(first17[i]) * WEIGHTS[i];
  return CHARSET[(31 - (sum % 31)) % 31];
}

/** Clean a unified social credit code (spaces, full-width, lower case) and check it. */
export function normalizeUscc(raw: string | null | undefined): NormalizedUscc | null {
  if (raw == null) return null;
  const value = toHalfWidth(raw).replace(/\s+/g, '').toUpperCase();
  if (value === '') return null;
  const valid = SHAPE.test(value) && usccCheckCharacter(value.slice(0, 17)) === value[17];
  return { value, valid };
}
