import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { charsetOf, decodeText, encodingOf, firstInvalidByte } from './message-encoding';

/** Valid text with stray bytes among it: what a garbled export looks like. */
const mixedBytes = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'binary' }).map((text) => Buffer.from(text)),
      fc.uint8Array({ minLength: 1, maxLength: 4 }).map((bytes) => Buffer.from(bytes)),
    ),
    { maxLength: 8 },
  )
  .map((parts) => Buffer.concat(parts));

describe('charsetOf', () => {
  it.each([
    ['application/json; charset=GBK', 'gbk'],
    ['application/json;charset="GB2312"', 'gb2312'],
    ['Application/JSON; Charset = UTF-8 ', 'utf-8'],
    ['application/json; q=1; charset=big5', 'big5'],
    ['application/json', undefined],
    ['application/json; charsets=gbk', undefined],
    [undefined, undefined],
    [null, undefined],
  ])('%s: %s', (contentType, charset) => {
    expect(charsetOf(contentType)).toBe(charset);
  });
});

describe('encodingOf', () => {
  it('reads no charset and UTF-8 as UTF-8, GBK, GB2312 and GB18030 as GB18030', () => {
    expect([undefined, 'utf-8', 'utf8'].map(encodingOf)).toEqual(['utf-8', 'utf-8', 'utf-8']);
    expect(['gbk', 'gb2312', 'gb18030'].map(encodingOf)).toEqual(['gb18030', 'gb18030', 'gb18030']);
  });

  it('knows no other charset, nor a name that an object has', () => {
    expect(['big5', 'latin1', 'utf-16', 'constructor', ''].map(encodingOf)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('firstInvalidByte in UTF-8', () => {
  it('finds nothing exactly where isUtf8 finds nothing, and otherwise where valid text ends', () => {
    fc.assert(
      fc.property(mixedBytes, (bytes) => {
        const offset = firstInvalidByte(bytes, 'utf-8');
        if (isUtf8(bytes)) return offset === undefined;
        return (
          offset !== undefined &&
          isUtf8(bytes.subarray(0, offset)) &&
          !isUtf8(bytes.subarray(offset)) &&
          // Node reads the bytes before it as they are, and the one at it as U+FFFD.
          bytes.toString('utf8').startsWith(`${bytes.toString('utf8', 0, offset)}\uFFFD`)
        );
      }),
    );
  });

  it.each([
    ['an overlong slash', [0x41, 0xc0, 0xaf], 1],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a surrogate', [0x41, 0x42, 0xed, 0xa0, 0x80], 2],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a lead byte cut short at the end', [0x41, 0xe6, 0x9d], 1],
    ['GBK 李', [...iconv.encode('李', 'gbk')], 0],
  ])('names where %s starts', (_name, bytes, offset) => {
    expect(firstInvalidByte(Buffer.from(bytes), 'utf-8')).toBe(offset);
  });
});

describe('firstInvalidByte in GB18030', () => {
  it('finds nothing in any text iconv-lite wrote as GB18030, which reads back the same', () => {
    fc.assert(
      // A byte order mark at the start is left out of the text, as iconv-lite reads one.
      fc.property(
        fc.string({ unit: 'binary' }).filter((text) => !text.startsWith('\uFEFF')),
        (text) => {
          const bytes = iconv.encode(text, 'gb18030');
          return (
            firstInvalidByte(bytes, 'gb18030') === undefined &&
            decodeText(bytes, 'gb18030') === text
          );
        },
      ),
    );
  });

  it('reads what GBK systems send: two-byte characters, and 0x80 as the euro sign of code page 936', () => {
    const bytes = Buffer.concat([iconv.encode('李秀英，东门路', 'gbk'), Buffer.from([0x80])]);
    expect(firstInvalidByte(bytes, 'gb18030')).toBeUndefined();
    expect(decodeText(bytes, 'gb18030')).toBe('李秀英，东门路€');
  });

  it.each([
    ['0xFF', [0x41, 0xff], 1],
    ['a lead byte at the end', [0x41, 0x42, 0x81], 2],
    ['a lead byte before a control character', [0x81, 0x0a], 0],
    ['a four-byte code cut short', [0x81, 0x30, 0x81], 0],
    ['a four-byte code past U+FFFF in the BMP range', [0x84, 0x31, 0xa5, 0x30], 0],
    ['a four-byte code past U+10FFFF', [0xe3, 0x32, 0x9a, 0x36], 0],
  ])('names where %s is', (_name, bytes, offset) => {
    expect(firstInvalidByte(Buffer.from(bytes), 'gb18030')).toBe(offset);
  });
});
