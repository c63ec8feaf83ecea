import { formatStandardAddress, standardAddress } from './standard-address';

describe('standardAddress', () => {
  it.each([
    '东门路12号3栋2单元501室',
    '东门路12号3-2-501',
    '东门路12号3幢2单元501',
    '东门路１２号 3栋 2单元 0501室',
    '东门路12号3号楼2单元501',
  ])('reads %j as 东门路 12号 3栋 2单元 501室', (detail) => {
    expect(standardAddress(detail)).toEqual({
      road: '东门路',
      number: '12',
      building: '3',
      unit: '2',
      room: '501',
      rest: '',
    });
    expect(formatStandardAddress(standardAddress(detail))).toBe('东门路12号3栋2单元501室');
  });

  it('reads building-room without a unit', () => {
    expect(formatStandardAddress(standardAddress('滨江大道8号2-1103'))).toBe(
      '滨江大道8号2栋1103室',
    );
  });

  it('reads village groups as the road part', () => {
    expect(standardAddress('3组41号')).toMatchObject({ road: '3组', number: '41', room: null });
    expect(standardAddress('石龙村3组41号')).toMatchObject({ road: '石龙村3组', number: '41' });
  });

  it('keeps what it cannot place', () => {
    expect(standardAddress('东门路12号附1号')).toMatchObject({ number: '12', rest: '附1号' });
    expect(standardAddress('老街菜市场旁')).toEqual({
      road: null,
      number: null,
      building: null,
      unit: null,
      room: null,
      rest: '老街菜市场旁',
    });
    expect(formatStandardAddress(standardAddress('老街 菜市场旁'))).toBe('老街菜市场旁');
  });
});
