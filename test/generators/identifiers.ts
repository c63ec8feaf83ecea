/**
 * National identifiers for generated data, computed here from the standards (independent of
 * the hub's own normalization code, so tests compare two implementations).
 */

// GB 11643: weights 2^(17-i) mod 11 over the first 17 digits.
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** The GB 11643 check character of the first 17 digits of a citizen ID. */
export function citizenIdCheckCharacter(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new Error(`expected 17 digits: ${first17}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/**
 * An 18-character citizen ID: 6-digit area code, birth date, 3-digit sequence (odd for men,
 * even for women; `sequence` is adjusted to the gender), check character.
 */
export function citizenId(
  area: string,
  birthDate: string,
  sequence: number,
  gender: '1' | '2',
): string {
  const compact = birthDate.replace(/-/g, '');
  if (!/^\d{6}$/.test(area) || !/^\d{8}$/.test(compact))
    throw new Error(`bad area ${area} or birth date ${birthDate}`);
  let seq = Math.abs(Math.trunc(sequence)) % 1000;
  if ((seq % 2 === 1) !== (gender === '1')) seq = seq === 999 ? 998 : seq + 1;
  const first17 = `${area}${compact}${String(seq).padStart(3, '0')}`;
  return first17 + citizenIdCheckCharacter(first17);
}

/** The legacy 15-digit form of an 18-digit ID of someone born in the 1900s (null otherwise). */
export function legacyCitizenId(id18: string): string | null {
  if (id18.slice(6, 8) !== '19') return null;
  return id18.slice(0, 6) + id18.slice(8, 17);
}

/** The same ID with a wrong check character (a typo). */
export function withWrongCheckCharacter(id18: string): string {
  const right = citizenIdCheckCharacter(id18.slice(0, 17));
  const wrong = ID_CHECK[(ID_CHECK.indexOf(right) + 1 + (Number(id18[16]) % 9)) % 11];
  return id18.slice(0, 17) + wrong;
}

/** GB 32100 charset: no I, O, S, V, Z. */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The GB 32100 check character of the first 17 characters of a unified social credit code. */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new Error(`expected 17 characters: ${first17}`);
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_CHARSET.indexOf(first17[i]);
    if (value < 0) throw new Error(`not a USCC character: ${first17[i]}`);
    sum += value * USCC_WEIGHTS[i];
  }
  const c = 31 - (sum % 31);
  return USCC_CHARSET[c === 31 ? 0 : c];
}

/** GB 11714 organization code (9 characters) from its 8-digit body. */
export function organizationCode(body8: string): string {
  if (!/^\d{8}$/.test(body8)) throw new Error(`expected 8 digits: ${body8}`);
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(body8[i]) * weights[i];
  const c = 11 - (sum % 11);
  return body8 + (c === 11 ? '0' : c === 10 ? 'X' : String(c));
}

/**
 * A unified social credit code: registration authority (5 civil affairs, 9 market regulation),
 * organization category (1 社会团体/企业, 2 民办非企业单位/个体工商户, 3 基金会, 9 other),
 * 6-digit division, GB 11714 organization code, check character.
 */
export function uscc(authority: string, category: string, division: string, body8: string): string {
  const first17 = `${authority}${category}${division}${organizationCode(body8)}`;
  return first17 + usccCheckCharacter(first17);
}

/** The 18-character form of a legacy 15-digit ID ("19" inserted, check character computed). */
export function upgradeLegacyCitizenId(id15: string): string {
  if (!/^\d{15}$/.test(id15)) throw new Error(`expected 15 digits: ${id15}`);
  const first17 = `${id15.slice(0, 6)}19${id15.slice(6)}`;
  return first17 + citizenIdCheckCharacter(first17);
}
