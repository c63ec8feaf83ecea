import { DivisionIndex } from '@hub/normalize';
import { CHONGQING, readProvinceDivisions } from '@hub/places';
import { normalizeAttribute } from './attribute-normalizer';

describe('normalizeAttribute on addresses', () => {
  let divisions: DivisionIndex;
  beforeAll(async () => {
    divisions = new DivisionIndex(await readProvinceDivisions(CHONGQING));
  });
  const address = (raw: unknown, divisionRaw?: unknown) =>
    normalizeAttribute('address', { normalize: 'address' }, raw, divisionRaw, divisions);

  it('reads an address seen again as the first time, and hands out values nobody can change', () => {
    const first = address('江津区鼎山街道东门路12号3-2-501');
    const again = address('江津区鼎山街道东门路12号3-2-501');
    expect(again).toEqual(first);
    expect(first).toEqual({
      value: {
        divisionCode: '500116005',
        detail: '东门路12号3-2-501',
        standard: '东门路12号3栋2单元501室',
      },
      valid: true,
    });
    expect(Object.isFrozen(again) && Object.isFrozen(again!.value)).toBe(true);
  });

  it('tells a detail under a given division from the same text alone', () => {
    expect(address('东门路12号', '500116005')!.value).toMatchObject({ divisionCode: '500116005' });
    expect(address('东门路12号')!.value).toMatchObject({ divisionCode: null });
    expect(address('', '')).toBeNull();
  });

  describe('within the division a record lies in (a grid code)', () => {
    const within = (raw: string, grid: string) =>
      normalizeAttribute('address', { normalize: 'address' }, raw, undefined, divisions, grid)!
        .value as { divisionCode: string; detail: string; standard: string };

    it.each([
      '双福大道72号2栋3单元501室',
      '双福大道72号2-3-501',
      '鼎山街道双福大道72号2幢3单元501',
      '重庆市江津区鼎山街道东门社区双福大道72号2栋3单元501',
      '鼎山街道双福大道７２号二栋三单元501',
    ])('places %j in the grid community, as one flat', (raw) => {
      expect(within(raw, '500116005002-03')).toMatchObject({
        divisionCode: '500116005002',
        standard: '双福大道72号2栋3单元501室',
      });
    });

    it('keeps a division the text names below or beside it', () => {
      expect(within('鼎山街道琅山社区东门路1号', '500116005002-03').divisionCode).toBe(
        '500116005001',
      );
      expect(within('几江街道东门路1号', '500116005002-03').divisionCode).toBe('500116001');
    });

    it('takes a community newer than the division list by its code, and ignores what is no code', () => {
      expect(within('东门路1号', '500116005099-01').divisionCode).toBe('500116005099');
      expect(within('东门路1号', '网格三').divisionCode).toBeNull();
    });
  });
});
