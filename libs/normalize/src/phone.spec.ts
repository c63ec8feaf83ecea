import fc from 'fast-check';
import { digits, messUp } from './test-arbitraries';
import { normalizePhone } from './phone';

describe('normalizePhone', () => {
  it('cleans the feed examples to a valid mobile number', () => {
    for (const raw of [
      '+86 138-2345-6789',
      '138 2345 6789',
      '13823456789',
      '0086 13823456789',
      '(+86)１３８２３４５６７８９',
      '86-138-2345-6789',
    ])
      expect(normalizePhone(raw)).toEqual({ value: '13823456789', valid: true });
  });

  it('keeps a landline or a short number cleaned but invalid', () => {
    expect(normalizePhone('(023) 4755-1234')).toEqual({ value: '02347551234', valid: false });
    expect(normalizePhone('12345')).toEqual({ value: '12345', valid: false });
    expect(normalizePhone('12823456789')).toEqual({ value: '12823456789', valid: false });
  });

  it('strips 86 only when eleven digits remain', () => {
    expect(normalizePhone('8613823456789')?.value).toBe('13823456789');
    expect(normalizePhone('861382345678')).toEqual({ value: '861382345678', valid: false });
  });

  it('returns null for blank input', () => {
    for (const blank of [null, undefined, '', ' - ']) expect(normalizePhone(blank)).toBeNull();
  });

  it('recovers every mobile number from a messy spelling with any country prefix', () => {
    const mobile = fc
      .tuple(fc.constantFrom(...'3456789'), digits(9))
      .map(([second, rest]) => `1${second}${rest}`);
    fc.assert(
      fc.property(
        mobile.chain((m) =>
          fc.tuple(fc.constant(m), fc.constantFrom('', '+86', '0086', '86', '+86-'), messUp(m)),
        ),
        ([m, prefix, messy]) => {
          expect(normalizePhone(prefix + messy)).toEqual({ value: m, valid: true });
        },
      ),
    );
  });
});
