import { codeLabel, shortDivisionName } from './code-labels';

describe('codeLabel', () => {
  it('names national codes as staff write them', () => {
    expect(codeLabel('gender', '2')).toBe('女');
    expect(codeLabel('gender', '1')).toBe('男');
    expect(codeLabel('gender', '9')).toBe('未说明的性别');
    expect(codeLabel('ethnicity', '01')).toBe('汉族');
    expect(codeLabel('ethnicity', '15')).toBe('土家族');
    expect(codeLabel('relationToHead', '10')).toBe('配偶');
    expect(codeLabel('relationToHead', '02')).toBe('户主');
    expect(codeLabel('relationToApplicant', '00')).toBe('本人');
  });

  it('names the hub’s own codes', () => {
    expect(codeLabel('status', 'normal')).toBe('正常');
    expect(codeLabel('personStatus', 'deceased')).toBe('死亡');
    expect(codeLabel('status', 'active')).toBe('享受中');
    expect(codeLabel('status', 'closed')).toBe('已办结');
    expect(codeLabel('eventType', 'assistance')).toBe('社会救助');
    expect(codeLabel('incidentType', 'hazard')).toBe('安全隐患');
    expect(codeLabel('role', 'household_member')).toBe('家庭成员');
    expect(codeLabel('disabilityLevel', '2')).toBe('二级');
  });

  it('gives nothing for what is not a known code', () => {
    for (const [attribute, value] of [
      ['gender', '3'],
      ['gender', 'toString'],
      ['ethnicity', '汉族'],
      ['relationToHead', 'constructor'],
      ['status', '__proto__'],
      ['name', '李秀英'],
      ['$comment', 'x'],
      ['$comment', '0'],
      ['constructor', 'name'],
      ['gender', null],
      ['gender', { code: '2' }],
    ] as const)
      expect([attribute, value, codeLabel(attribute, value)]).toEqual([
        attribute,
        value,
        undefined,
      ]);
  });
});

describe('shortDivisionName', () => {
  it('drops the committee', () => {
    expect(shortDivisionName('东门社区居民委员会')).toBe('东门社区');
    expect(shortDivisionName('梅湾村村民委员会')).toBe('梅湾村');
    expect(shortDivisionName('鼎山街道')).toBe('鼎山街道');
  });
});
