import fc from 'fast-check';
import { compactDate, digits, messUp } from './test-arbitraries';
import {
  birthDateFromIdNumber,
  genderFromIdNumber,
  idCheckCharacter,
  normalizeIdNumber,
} from './id-number';

const now = new Date('2024-01-01T00:00:00Z');
const validId = fc
  .tuple(digits(6), compactDate, digits(3))
  .map(([area, birth, seq]) => area + birth + seq + idCheckCharacter(area + birth + seq));

describe('normalizeIdNumber', () => {
  it('accepts the example resident and rejects the grid typo', () => {
    expect(normalizeIdNumber('500381195603022029')).toEqual({
      value: '500381195603022029',
      valid: true,
      legacy: false,
    });
    expect(normalizeIdNumber('50038119560302202x')).toEqual({
      value: '50038119560302202X',
      valid: false,
      legacy: false,
    });
  });

  it('upgrades a legacy 15-digit ID to 18 digits with a valid check character', () => {
    expect(normalizeIdNumber('500381560302202')).toEqual({
      value: '500381195603022029',
      valid: true,
      legacy: true,
    });
  });

  it('cleans full-width digits, spaces and a lower-case x', () => {
    expect(normalizeIdNumber(' １１０１０５１９４９１２３１００２ｘ ')?.value).toBe(
      '11010519491231002X',
    );
    expect(normalizeIdNumber('11010519491231002x')?.valid).toBe(true);
  });

  it('returns null for blank input', () => {
    for (const blank of [null, undefined, '', '   ', '\u3000'])
      expect(normalizeIdNumber(blank)).toBeNull();
  });

  it('keeps a malformed value, cleaned, as invalid', () => {
    expect(normalizeIdNumber(' 5003 81-1956 ')).toEqual({
      value: '500381-1956',
      valid: false,
      legacy: false,
    });
    expect(normalizeIdNumber('5003811956030220')).toEqual({
      value: '5003811956030220',
      valid: false,
      legacy: false,
    });
  });

  it('rejects a non-existent or future birth date even with a correct check character', () => {
    const withCheck = (first17: string) => first17 + idCheckCharacter(first17);
    expect(normalizeIdNumber(withCheck('50038119560230202'), now)?.valid).toBe(false);
    expect(normalizeIdNumber(withCheck('50038120250101202'), now)?.valid).toBe(false);
    expect(normalizeIdNumber(withCheck('50038117990101202'), now)?.valid).toBe(false);
    expect(normalizeIdNumber(withCheck('50038120231231202'), now)?.valid).toBe(true);
  });

  it('accepts every well-formed ID, however messily written', () => {
    fc.assert(
      fc.property(
        validId.chain((id) => fc.tuple(fc.constant(id), messUp(id.toLowerCase()))),
        ([id, messy]) => {
          expect(normalizeIdNumber(messy, now)).toEqual({ value: id, valid: true, legacy: false });
        },
      ),
    );
  });

  it('rejects every ID whose check character is wrong', () => {
    fc.assert(
      fc.property(validId, fc.constantFrom(...'0123456789X'), (id, check) => {
        fc.pre(check !== id[17]);
        expect(normalizeIdNumber(id.slice(0, 17) + check, now)?.valid).toBe(false);
      }),
    );
  });

  it('upgrades every legacy ID of a real 1900s birth date to a valid one', () => {
    const legacy = fc
      .tuple(
        digits(6),
        compactDate.filter((d) => d.startsWith('19')),
        digits(3),
      )
      .map(([area, birth, seq]) => area + birth.slice(2) + seq);
    fc.assert(
      fc.property(legacy, (id15) => {
        const result = normalizeIdNumber(id15, now)!;
        expect(result.legacy).toBe(true);
        expect(result.valid).toBe(true);
        expect(result.value).toBe(`${id15.slice(0, 6)}19${id15.slice(6)}${result.value[17]}`);
      }),
    );
  });
});

describe('idCheckCharacter', () => {
  it('computes the GB 11643 check character', () => {
    expect(idCheckCharacter('50038119560302202')).toBe('9');
    expect(idCheckCharacter('11010519491231002')).toBe('X');
  });

  it('refuses anything but 17 digits', () => {
    expect(() => idCheckCharacter('5003811956030220')).toThrow(/17 digits/);
  });
});

describe('birthDateFromIdNumber and genderFromIdNumber', () => {
  it('read the embedded birth date and the sequence parity', () => {
    expect(birthDateFromIdNumber('500381195603022029')).toBe('1956-03-02');
    expect(genderFromIdNumber('500381195603022029')).toBe('2');
    expect(genderFromIdNumber('500381195809113110')).toBe('1');
    expect(birthDateFromIdNumber('500381560302202')).toBe('1956-03-02');
  });

  it('return null for a malformed number or a date that does not exist', () => {
    expect(birthDateFromIdNumber('500381195602302029')).toBeNull();
    expect(birthDateFromIdNumber('5003811956')).toBeNull();
    expect(genderFromIdNumber('abc')).toBeNull();
  });

  it('agree with the parts an ID was built from', () => {
    fc.assert(
      fc.property(digits(6), compactDate, digits(3), (area, birth, seq) => {
        const id = area + birth + seq + idCheckCharacter(area + birth + seq);
        expect(birthDateFromIdNumber(id)).toBe(
          `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`,
        );
        expect(genderFromIdNumber(id)).toBe(Number(seq[2]) % 2 === 1 ? '1' : '2');
      }),
    );
  });
});
