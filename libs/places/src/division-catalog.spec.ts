import { CHONGQING, readProvinceDivisions } from './division-catalog';

describe('readProvinceDivisions', () => {
  let divisions: Awaited<ReturnType<typeof readProvinceDivisions>>;
  beforeAll(async () => {
    divisions = await readProvinceDivisions(CHONGQING);
  });

  it('has Jiangjin with its 30 townships and 301 villages and communities', () => {
    const byCode = new Map(divisions.map((d) => [d.code, d]));
    expect(byCode.get('500116')).toEqual({
      level: 'county',
      code: '500116',
      name: '江津区',
      parentCode: '500100',
    });
    expect(byCode.get('500116005')?.name).toBe('鼎山街道');
    const townships = divisions.filter((d) => d.level === 'township' && d.parentCode === '500116');
    expect(townships).toHaveLength(30);
    const townshipCodes = new Set(townships.map((t) => t.code));
    expect(
      divisions.filter((d) => d.level === 'village' && townshipCodes.has(d.parentCode!)),
    ).toHaveLength(301);
  });

  it('lists every parent before its children', () => {
    const seen = new Set<string>();
    for (const d of divisions) {
      if (d.parentCode) expect(seen.has(d.parentCode)).toBe(true);
      seen.add(d.code);
    }
    expect(seen.size).toBe(divisions.length);
  });

  it('rejects a malformed province code', async () => {
    await expect(readProvinceDivisions('5')).rejects.toThrow(/2 digits/);
  });
});
