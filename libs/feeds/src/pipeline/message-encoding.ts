import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

/**
 * How the hub reads a message's bytes: UTF-8, unless its Content-Type declares GB18030 or one of
 * its subsets GBK and GB2312 (国家标准 GB 18030, what legacy department systems export), which
 * are read as GB18030. Any other declared charset is unknown.
 */
export type MessageEncoding = 'utf-8' | 'gb18030';

const ENCODINGS = new Map<string, MessageEncoding>([
  ['utf-8', 'utf-8'],
  ['utf8', 'utf-8'],
  ['gb18030', 'gb18030'],
  ['gbk', 'gb18030'],
  ['gb2312', 'gb18030'],
]);

/** What the hub reads, for the messages that name a charset it does not. */
export const KNOWN_CHARSETS = 'UTF-8, or GB18030 and its subsets GBK and GB2312';

/** The `charset` parameter of a Content-Type, lower case and unquoted; undefined without one. */
export function charsetOf(contentType: string | null | undefined): string | undefined {
  for (const parameter of (contentType ?? '').split(';').slice(1)) {
    const at = parameter.indexOf('=');
    if (at === -1 || parameter.slice(0, at).trim().toLowerCase() !== 'charset') continue;
    const value = parameter.slice(at + 1).trim();
    return (value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value)
      .trim()
      .toLowerCase();
  }
  return undefined;
}

/** The encoding a charset names (none declared: UTF-8); undefined for a charset the hub does not read. */
export const encodingOf = (charset: string | undefined): MessageEncoding | undefined =>
  charset === undefined ? 'utf-8' : ENCODINGS.get(charset);

/** The byte offset of the first sequence `bytes` cannot hold in `encoding`; undefined when none. */
export const firstInvalidByte = (
  bytes: Uint8Array,
  encoding: MessageEncoding,
): number | undefined =>
  // isUtf8 (simdutf) answers most messages at memory speed; the scan finds where.
  encoding === 'utf-8' && isUtf8(bytes) ? undefined : firstInvalid(bytes, encoding);

/** The length in bytes of the well-formed character at `i` in `encoding`, 0 when ill-formed. */
export const characterLength = (bytes: Uint8Array, i: number, encoding: MessageEncoding) =>
  encoding === 'utf-8' ? utf8Length(bytes, i) : gb18030Length(bytes, i);

/** The text of bytes valid in `encoding` (see firstInvalidByte). */
export const decodeText = (bytes: Buffer, encoding: MessageEncoding): string =>
  encoding === 'utf-8' ? bytes.toString('utf8') : iconv.decode(bytes, 'gb18030');

function firstInvalid(bytes: Uint8Array, encoding: MessageEncoding): number | undefined {
  for (let i = 0; i < bytes.length;) {
    const length = characterLength(bytes, i, encoding);
    if (length === 0) return i;
    i += length;
  }
  return undefined;
}

const inRange = (byte: number | undefined, low: number, high: number) =>
  byte !== undefined && byte >= low && byte <= high;

/** Length and range of the second byte of a UTF-8 sequence by its lead (the Unicode Standard's table 3-7). */
function utf8Shape(lead: number): [number, number, number] | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf]; // no overlong forms
  if (lead === 0xed) return [3, 0x80, 0x9f]; // no surrogates
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f]; // nothing above U+10FFFF
  return undefined;
}

/** The length of the well-formed UTF-8 sequence at `i`, 0 when ill-formed. */
function utf8Length(bytes: Uint8Array, i: number): number {
  if (bytes[i] < 0x80) return 1;
  const shape = utf8Shape(bytes[i]);
  if (!shape || !inRange(bytes[i + 1], shape[1], shape[2])) return 0;
  for (let k = 2; k < shape[0]; k++) if (!inRange(bytes[i + k], 0x80, 0xbf)) return 0;
  return shape[0];
}

/** Four-byte GB18030 codes by their linear index: U+0080–U+FFFF, then U+10000–U+10FFFF. */
const GB18030_BMP_LAST = 39419; // 84 31 A4 39
const GB18030_SUPPLEMENTARY = [189000, 1237575]; // 90 30 81 30 to E3 32 9A 35

/**
 * The length of the well-formed GB18030 character at `i`, 0 when ill-formed: one byte up to
 * 0x80 (0x80 is the euro sign of Windows' GBK, code page 936, as iconv-lite reads it), two bytes
 * (lead 81–FE, trail 40–7E or 80–FE), or four (81–FE, 30–39, 81–FE, 30–39) inside the ranges
 * the standard maps.
 */
function gb18030Length(bytes: Uint8Array, i: number): number {
  const lead = bytes[i];
  if (lead <= 0x80) return 1;
  if (lead === 0xff) return 0;
  const second = bytes[i + 1];
  if (inRange(second, 0x40, 0x7e) || inRange(second, 0x80, 0xfe)) return 2;
  if (!inRange(second, 0x30, 0x39) || !inRange(bytes[i + 2], 0x81, 0xfe)) return 0;
  if (!inRange(bytes[i + 3], 0x30, 0x39)) return 0;
  const linear =
    (((lead - 0x81) * 10 + (second - 0x30)) * 126 + (bytes[i + 2] - 0x81)) * 10 +
    (bytes[i + 3] - 0x30);
  const [first, last] = GB18030_SUPPLEMENTARY;
  return linear <= GB18030_BMP_LAST || (linear >= first && linear <= last) ? 4 : 0;
}
