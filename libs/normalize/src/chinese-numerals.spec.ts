import fc from 'fast-check';
import { chineseNumeralValue, replaceChineseNumerals } from './chinese-numerals';
import { chineseNumeral } from './test-arbitraries';

describe('chineseNumeralValue', () => {
  it.each([
    ['三', 3],
    ['十', 10],
    ['十二', 12],
    ['二十', 20],
    ['二十一', 21],
    ['一百零五', 105],
    ['两千', 2000],
    ['两', 2],
    ['五〇一', 501],
    ['一二〇三', 1203],
    ['零', 0],
  ])('reads %s as %d', (text, value) => {
    expect(chineseNumeralValue(text)).toBe(value);
  });

  it.each(['', '十十', '三四十', '百千', '一百十', 'a'])('refuses %j', (text) => {
    expect(chineseNumeralValue(text)).toBeNull();
  });

  it('reads back every counted numeral of 1..9999 it is given', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), (n) => {
        expect(chineseNumeralValue(chineseNumeral(n))).toBe(n);
      }),
    );
  });
});

describe('replaceChineseNumerals', () => {
  it('replaces only the numerals the context accepts', () => {
    expect(replaceChineseNumerals('三峡路十二栋', (_b, after) => after.startsWith('栋'))).toBe(
      '三峡路12栋',
    );
  });
});
