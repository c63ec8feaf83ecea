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
});
