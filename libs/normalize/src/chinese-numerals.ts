/*
 * Hand-written: the npm converter evaluated (nzh, docs/address-parsers.md) reads 五〇一 as 51 and
 * 两 as 0 without an error, and addresses write both. Only the numbers an address uses are read:
 * 0..9999 as counted (十二, 一百零五, 两千) or digit by digit (五〇一, 一二〇三).
 */

const DIGITS: Record<string, number> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** The characters a Chinese numeral of an address is written with. */
export const CHINESE_NUMERAL_CHARS = '〇零一二两三四五六七八九十百千';

/**
 * The value of a Chinese numeral: counted (十二 → 12, 一百零五 → 105, 两千 → 2000) or digit by
 * digit (五〇一 → 501). Null when the text is not one (empty, another character, 十十).
 */
export function chineseNumeralValue(text: string): number | null {
  if (text === '') return null;
  const chars = [...text];
  if (chars.every((c) => c in DIGITS)) {
    // Digit by digit, as room numbers are read out (五〇一); a lone digit is itself.
    return Number(chars.map((c) => DIGITS[c]).join(''));
  }
  let total = 0;
  let digit: number | null = null;
  let lastUnit = Infinity;
  for (const c of chars) {
    if (c in DIGITS) {
      if (digit !== null && DIGITS[c] !== 0) return null; // 三四十: two digits in a row
      digit = DIGITS[c] === 0 ? null : DIGITS[c];
      continue;
    }
    const unit = UNITS[c];
    if (unit === undefined || unit >= lastUnit) return null;
    // 十二: a leading 十 counts one ten.
    total += (digit ?? (total === 0 ? 1 : NaN)) * unit;
    if (Number.isNaN(total)) return null;
    lastUnit = unit;
    digit = null;
  }
  return total + (digit ?? 0);
}

const NUMERAL_RUN = new RegExp(`[${CHINESE_NUMERAL_CHARS}]+`, 'gu');

/**
 * The text with each Chinese numeral that `isNumber` accepts (by the text around it) written in
 * Arabic digits; the others are left as written.
 */
export function replaceChineseNumerals(
  text: string,
  isNumber: (before: string, after: string) => boolean,
): string {
  return text.replace(NUMERAL_RUN, (run, offset: number) => {
    const value = chineseNumeralValue(run);
    if (value === null) return run;
    return isNumber(text.slice(0, offset), text.slice(offset + run.length)) ? String(value) : run;
  });
}
