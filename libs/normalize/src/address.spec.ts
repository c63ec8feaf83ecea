import { CHONGQING, readProvinceDivisions } from '@hub/places';
import { splitAddress, splitAddressWithin } from './address';
import { DivisionIndex } from './division-index';

describe('splitAddress on the published Chongqing divisions', () => {
  let index: DivisionIndex;
  beforeAll(async () => {
    index = new DivisionIndex(await readProvinceDivisions(CHONGQING));
  });

  it.each([
    ['江津区鼎山街道东门路12号3-2-501', '500116005', '东门路12号3-2-501'],
    ['鼎山街道东门路12号3栋2单元501室', '500116005', '东门路12号3栋2单元501室'],
    ['重庆市江津区鼎山街道东门社区东门路12号', '500116005002', '东门路12号'],
    ['重庆市 江津区 鼎山街道东门社区居民委员会 东门路１２号', '500116005002', '东门路12号'],
    ['重庆江津区几江街道', '500116001', ''],
    ['长寿区双龙镇石龙村3组', '500115127', '石龙村3组'],
    ['长寿区双龙镇龙滩村3组', '500115127200', '3组'],
  ])('splits %j', (raw, divisionCode, detail) => {
    const split = splitAddress(raw, index);
    expect(split).toEqual({ divisionCode, detail });
  });

  it('keeps the whole cleaned text when no division leads it', () => {
    expect(splitAddress('　东门路１２号 3栋 ', index)).toEqual({
      divisionCode: null,
      detail: '东门路12号 3栋',
    });
    // 双龙镇 exists in four Chongqing counties: without one, it names none of them.
    expect(splitAddress('双龙镇场镇街1号', index)).toEqual({
      divisionCode: null,
      detail: '双龙镇场镇街1号',
    });
  });

  it('resolves the civil-affairs community field', () => {
    expect(index.resolve('鼎山街道东门社区')).toBe('500116005002');
    expect(index.resolve('东门社区', '500116')).toBe('500116005002');
  });

  describe('within a known division (a grid community)', () => {
    const DONGMEN = '500116005002';
    it.each([
      ['双福大道72号', DONGMEN, '双福大道72号'],
      ['鼎山街道双福大道72号', DONGMEN, '双福大道72号'],
      ['江津区鼎山街道东门社区双福大道72号', DONGMEN, '双福大道72号'],
      ['鼎山街道琅山社区双福大道72号', '500116005001', '双福大道72号'],
      ['几江街道东门路1号', '500116001', '东门路1号'],
    ])('splits %j', (raw, divisionCode, detail) => {
      expect(splitAddressWithin(raw, index, DONGMEN)).toEqual({ divisionCode, detail });
    });

    it('reads an address that names the village it lies in as that village', () => {
      // 双河村 names villages of several townships; the record's own village is one of them.
      expect(splitAddressWithin('双河村6组33号', index, '500116110201')).toEqual({
        divisionCode: '500116110201',
        detail: '6组33号',
      });
      expect(splitAddressWithin('李市镇双河村6组33号', index, '500116110201')).toEqual({
        divisionCode: '500116110201',
        detail: '6组33号',
      });
    });

    it('reads a village name common to many townships under the division given', () => {
      // 龙滩村 alone names villages of several Chongqing townships.
      expect(splitAddress('龙滩村3组', index).divisionCode).toBeNull();
      expect(splitAddressWithin('龙滩村3组', index, '500115127')).toEqual({
        divisionCode: '500115127200',
        detail: '3组',
      });
    });
  });
});
