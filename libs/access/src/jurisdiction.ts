/**
 * A jurisdiction is a division subtree, written as the code prefix its divisions share:
 * 500116 (江津区), 500116005 (a township), 500116005001 (a community), '' for everything.
 * Division codes are stored with 6, 9 or 12 digits (GB/T 2260 padded: 500000 is the province,
 * 500100 a city), so the prefix of a 6-digit code drops its zero pairs.
 */
export type Jurisdiction = string;

export const EVERYWHERE: Jurisdiction = '';

/** The prefix every division inside `code` starts with. */
export function jurisdictionOf(code: string): Jurisdiction {
  if (!/^(\d{6}|\d{9}|\d{12})$/.test(code)) throw new Error(`not a division code: ${code}`);
  if (code.length > 6) return code;
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** Whether a division (any length) lies inside the jurisdiction. Unknown divisions never do. */
export function covers(jurisdiction: Jurisdiction, divisionCode: string | null | undefined) {
  if (jurisdiction === EVERYWHERE) return true;
  return typeof divisionCode === 'string' && divisionCode.startsWith(jurisdiction);
}

/**
 * A division filter a caller asked for, narrowed to their jurisdiction: the stricter of the
 * two prefixes, or null when the two do not overlap (the caller asked for somewhere else).
 */
export function narrowDivision(
  jurisdiction: Jurisdiction,
  requested: string | undefined,
): string | null {
  if (requested === undefined || requested === '') return jurisdiction;
  if (requested.startsWith(jurisdiction)) return requested;
  if (jurisdiction.startsWith(requested)) return jurisdiction;
  return null;
}
