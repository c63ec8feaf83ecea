import fc from 'fast-check';
import { normalizeName, simplifiedName } from './name';

describe('normalizeName', () => {
  it('trims and removes inner spaces, including the ideographic space', () => {
    expect(normalizeName('李秀英 ')).toBe('李秀英');
    expect(normalizeName(' 李\u3000秀 英')).toBe('李秀英');
  });

  it('folds every middle-dot variant to U+00B7', () => {
    for (const dot of ['·', '•', '・', '．', '‧', '･', '.', ' · '])
      expect(normalizeName(`阿依古丽${dot}买买提`)).toBe('阿依古丽\u00b7买买提');
  });

  it('converts full-width letters', () => {
    expect(normalizeName('ＡＢＣ')).toBe('ABC');
  });

  it('returns null for blank input', () => {
    for (const blank of [null, undefined, '', ' \u3000 ']) expect(normalizeName(blank)).toBeNull();
  });

  it('is idempotent and never leaves whitespace', () => {
    const nameChars = fc.constantFrom(...'李秀英阿依古丽买买提 \u3000·•・．AＡ.');
    fc.assert(
      fc.property(fc.string({ unit: nameChars }), (raw) => {
        const once = normalizeName(raw);
        if (once === null) return;
        expect(once).not.toMatch(/\s/);
        expect(normalizeName(once)).toBe(once);
      }),
    );
  });
});

describe('simplifiedName', () => {
  it('writes traditional forms in mainland simplified characters and leaves those alone', () => {
    expect(simplifiedName('湯國永')).toBe('汤国永');
    expect(simplifiedName('孫平強')).toBe('孙平强');
    expect(simplifiedName('汤国永')).toBe('汤国永');
    expect(simplifiedName('阿依古丽·买买提')).toBe('阿依古丽·买买提');
  });
});
