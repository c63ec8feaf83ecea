import fc from 'fast-check';
import { InvalidDateError } from './calendar';
import { parsePartialDate } from './partial-date';
import { compactDate } from './test-arbitraries';

describe('parsePartialDate', () => {
  it.each([
    ['19560302', '1956-03-02'],
    ['1956-03-02', '1956-03-02'],
    ['1956/3/2', '1956-03-02'],
    ['1956.03', '1956-03'],
    ['1956.3', '1956-03'],
    ['1956年3月', '1956-03'],
    ['1956年3月2日', '1956-03-02'],
    ['1956-03', '1956-03'],
    ['1956', '1956'],
    ['１９５６．０３', '1956-03'],
    [' 2024-02-29\u3000', '2024-02-29'],
  ])('reads %j as %j', (raw, expected) => {
    expect(parsePartialDate(raw)).toBe(expected);
  });

  it('returns null for blank input', () => {
    for (const blank of [null, undefined, '', ' \u3000'])
      expect(parsePartialDate(blank)).toBeNull();
  });

  it.each([
    '2023-02-30',
    '2023-13',
    '1956.13',
    '2023-00-10',
    '2023年2月29日',
    '19560230',
    '56.03',
    '1956-03/02',
    '三月',
    '1956年',
    '2023-08-24 09:30',
  ])('throws InvalidDateError naming %j', (raw) => {
    expect(() => parsePartialDate(raw)).toThrow(InvalidDateError);
    expect(() => parsePartialDate(raw)).toThrow(JSON.stringify(raw));
  });

  it('reads every real date the same in all its spellings', () => {
    fc.assert(
      fc.property(compactDate, (compact) => {
        const [y, m, d] = [compact.slice(0, 4), compact.slice(4, 6), compact.slice(6)];
        const iso = `${y}-${m}-${d}`;
        const [mn, dn] = [Number(m), Number(d)];
        for (const spelling of [
          compact,
          iso,
          `${y}/${mn}/${dn}`,
          `${y}年${mn}月${dn}日`,
          `${y}.${m}.${d}`,
        ])
          expect(parsePartialDate(spelling)).toBe(iso);
        expect(parsePartialDate(`${y}.${mn}`)).toBe(`${y}-${m}`);
        expect(parsePartialDate(`${y}年${mn}月`)).toBe(`${y}-${m}`);
      }),
    );
  });
});
