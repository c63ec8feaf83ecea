import fc from 'fast-check';
import { toHalfWidth } from './half-width';

const fullWidthOf = (ascii: string) =>
  [...ascii].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');

describe('toHalfWidth', () => {
  it('converts full-width digits, letters and punctuation and the ideographic space', () => {
    expect(toHalfWidth('０１２ＡＢＣｘ（）；，＋')).toBe('012ABCx();,+');
    expect(toHalfWidth('李\u3000秀英')).toBe('李 秀英');
  });

  it('leaves CJK text and half-width ASCII alone', () => {
    expect(toHalfWidth('李秀英、东门路12号')).toBe('李秀英、东门路12号');
  });

  it('maps every full-width form back to its printable ASCII character', () => {
    const printable = fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    });
    fc.assert(fc.property(printable, (s) => toHalfWidth(fullWidthOf(s)) === s));
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }),
        (s) => toHalfWidth(toHalfWidth(s)) === toHalfWidth(s),
      ),
    );
  });
});
