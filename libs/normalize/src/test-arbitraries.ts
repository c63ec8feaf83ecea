import fc from 'fast-check';
import { pad2 } from './calendar';

/** A real calendar date between 1900-01-01 and 2020-12-31, as "YYYYMMDD". */
export const compactDate = fc
  .date({
    min: new Date('1900-01-01T00:00:00Z'),
    max: new Date('2020-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}`);

export const digits = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });

const fullWidth = (s: string) =>
  [...s].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');

/** The same text as a careless source would send it: full-width in places, stray spaces. */
export const messUp = (s: string) =>
  fc
    .array(fc.tuple(fc.boolean(), fc.constantFrom('', '', ' ', '\u3000', '\t')), {
      minLength: s.length,
      maxLength: s.length,
    })
    .map((choices) =>
      [...s]
        .map((c, i) => (choices[i][0] && /[!-~]/.test(c) ? fullWidth(c) : c) + choices[i][1])
        .join(''),
    );

const COUNTED = [...'零一二三四五六七八九'];

/** 1..9999 as counted in Chinese (12 → 十二, 105 → 一百零五), the way addresses write small numbers. */
export function chineseNumeral(n: number): string {
  if (n < 10) return COUNTED[n];
  if (n < 20) return `十${n % 10 === 0 ? '' : COUNTED[n % 10]}`;
  const units: [number, string][] = [
    [1000, '千'],
    [100, '百'],
    [10, '十'],
  ];
  let out = '';
  let zero = false;
  for (const [value, name] of units) {
    const digit = Math.floor(n / value) % 10;
    if (digit === 0) zero = out !== '';
    else {
      out += `${zero ? '零' : ''}${COUNTED[digit]}${name}`;
      zero = false;
    }
  }
  const last = n % 10;
  return last === 0 ? out : `${out}${zero ? '零' : ''}${COUNTED[last]}`;
}
