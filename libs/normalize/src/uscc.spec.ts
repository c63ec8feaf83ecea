import fc from 'fast-check';
import { messUp } from './test-arbitraries';
import { normalizeUscc, usccCheckCharacter } from './uscc';

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const validUscc = fc
  .string({ unit: fc.constantFrom(...CHARSET), minLength: 17, maxLength: 17 })
  .map((first17) => first17 + usccCheckCharacter(first17));

describe('normalizeUscc', () => {
  it('accepts published codes', () => {
    expect(normalizeUscc('914403001922038216')).toEqual({
      value: '914403001922038216',
      valid: true,
    });
    expect(normalizeUscc('9144030071526726XG')).toEqual({
      value: '9144030071526726XG',
      valid: true,
    });
  });

  it('cleans spaces, full-width characters and lower case', () => {
    expect(normalizeUscc(' ９１４４０３００７１５２６７２６ｘｇ\u3000')).toEqual({
      value: '9144030071526726XG',
      valid: true,
    });
  });

  it('rejects a wrong check character, a forbidden letter or a wrong length', () => {
    expect(normalizeUscc('914403001922038217')?.valid).toBe(false);
    expect(normalizeUscc('91440300192203821I')?.valid).toBe(false);
    expect(normalizeUscc('91440300192203821')).toEqual({
      value: '91440300192203821',
      valid: false,
    });
  });

  it('returns null for blank input', () => {
    expect(normalizeUscc(undefined)).toBeNull();
    expect(normalizeUscc(' \u3000 ')).toBeNull();
  });

  it('accepts every code built with its check character, however written', () => {
    fc.assert(
      fc.property(
        validUscc.chain((code) => fc.tuple(fc.constant(code), messUp(code.toLowerCase()))),
        ([code, messy]) => {
          expect(normalizeUscc(messy)).toEqual({ value: code, valid: true });
        },
      ),
    );
  });

  it('rejects every code with another check character', () => {
    fc.assert(
      fc.property(validUscc, fc.constantFrom(...CHARSET), (code, check) => {
        fc.pre(check !== code[17]);
        expect(normalizeUscc(code.slice(0, 17) + check)?.valid).toBe(false);
      }),
    );
  });
});

describe('usccCheckCharacter', () => {
  it('refuses characters outside the charset', () => {
    expect(() => usccCheckCharacter('9144030019220382O')).toThrow(/17 characters/);
  });
});
