import { LRUCache } from 'lru-cache';
import { toHalfWidth } from './half-width';

// OpenCC's traditional-to-mainland table: the sources' names mix forms (湯國永 for 汤国永). The
// package is an ES module with a CommonJS build whose types are declared for `import` only, so
// the one function used is typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Converter } = require('opencc-js/t2cn') as {
  Converter: (options: { from: 't'; to: 'cn' }) => (text: string) => string;
};
const toSimplified = Converter({ from: 't', to: 'cn' });

const MIDDLE_DOT = '\u00b7';
// Dots typed for the separator in minority and foreign names (阿依古丽·买买提): bullet,
// katakana middle dot, full-width full stop, hyphenation point, half-width katakana middle dot,
// bullet operator, dot operator. Folded before half-width conversion turns U+FF0E into ".".
const DOT_VARIANTS = /[\u00b7\u2022\u30fb\uff0e\u2027\uff65\u2219\u22c5]/g;
// An ASCII full stop between two non-ASCII characters is the same separator typed on a plain keyboard.
const ASCII_DOT_IN_CJK = /(?<=\P{ASCII})\.(?=\P{ASCII})/gu;

/** A person's name as sources write it, cleaned: no spaces, one kind of middle dot; null when blank. */
export function normalizeName(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const name = toHalfWidth(raw.replace(DOT_VARIANTS, MIDDLE_DOT))
    .replace(/\s+/g, '')
    .replace(ASCII_DOT_IN_CJK, MIDDLE_DOT)
    .replace(/·{2,}/g, MIDDLE_DOT)
    .replace(/^·+|·+$/g, '');
  return name === '' ? null : name;
}

// The matcher asks for the same names pair after pair; the conversion costs about a microsecond.
const simplifiedNames = new LRUCache<string, string>({ max: 20_000 });

/** The name in mainland simplified characters. */
export function simplifiedName(name: string): string {
  let simplified = simplifiedNames.get(name);
  if (simplified === undefined) simplifiedNames.set(name, (simplified = toSimplified(name)));
  return simplified;
}
