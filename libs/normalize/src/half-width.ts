const FULL_WIDTH_FIRST = 0xff01;
const FULL_WIDTH_LAST = 0xff5e;
// U+FF01..U+FF5E mirror ASCII U+0021..U+007E at a fixed distance.
const OFFSET = 0xff01 - 0x21;

/** Full-width ASCII (U+FF01–U+FF5E) to half-width; the ideographic space U+3000 to a space. */
export function toHalfWidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code >= FULL_WIDTH_FIRST && code <= FULL_WIDTH_LAST)
      out += String.fromCodePoint(code - OFFSET);
    else if (code === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}
