import { codeTable, relationCode, relationCodesByGender } from './code-table';
import ethnicityData from './code-tables/ethnicity.json';
import relationTable from './code-tables/relation.json';

describe('codeTable', () => {
  it('maps gender codes and texts', () => {
    const gender = codeTable('gender');
    expect(gender.standard).toMatch(/GB\/T 2261\.1/);
    expect(Object.keys(gender.codes).sort()).toEqual(['0', '1', '2', '9']);
    expect(['男', '男性', ' 1 ', '１'].map((t) => gender.lookup(t))).toEqual(['1', '1', '1', '1']);
    expect(['女', '女性', '2'].map((t) => gender.lookup(t))).toEqual(['2', '2', '2']);
    expect(gender.lookup('未说明的性别')).toBe('9');
    expect(gender.lookup('M')).toBeUndefined();
  });

  it('has all 56 ethnic groups in GB 3304 order plus 97 and 98', () => {
    const { codes, lookup } = codeTable('ethnicity');
    expect(Object.keys(codes)).toHaveLength(58);
    expect(codes['01']).toBe('汉族');
    expect(codes['15']).toBe('土家族');
    expect(codes['46']).toBe('德昂族');
    expect(codes['56']).toBe('基诺族');
    expect(codes['98']).toBe('外国血统中国籍人士');
    expect(
      Object.keys(codes)
        .filter((c) => Number(c) <= 56)
        .sort(),
    ).toEqual(Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')));
    expect(['01', '汉族', '汉', ' 汉 族 '].map(lookup)).toEqual(['01', '01', '01', '01']);
    expect(lookup('土家')).toBe('15');
    expect(lookup('外国血统')).toBe('98');
    expect(lookup('1')).toBeUndefined();
  });

  it('maps every ethnicity name with and without 族 to its code', () => {
    for (const [code, name] of Object.entries(ethnicityData.codes)) {
      expect(codeTable('ethnicity').lookup(name)).toBe(code);
      if (name.endsWith('族')) expect(codeTable('ethnicity').lookup(name.slice(0, -1))).toBe(code);
    }
  });

  it('maps the relation texts departments write to the police codes', () => {
    const { lookup, codes } = codeTable('relation');
    expect(Object.keys(codes).sort()).toEqual([
      '02',
      '10',
      '20',
      '30',
      '40',
      '50',
      '60',
      '70',
      '80',
    ]);
    const expected: Record<string, string> = {
      户主: '02',
      本人: '02',
      配偶: '10',
      妻: '10',
      妻子: '10',
      夫: '10',
      丈夫: '10',
      子: '20',
      儿子: '20',
      长子: '20',
      次子: '20',
      女: '30',
      女儿: '30',
      长女: '30',
      次女: '30',
      孙子: '40',
      孙女: '40',
      外孙: '40',
      外孙女: '40',
      孙子女: '40',
      父亲: '50',
      母亲: '50',
      父: '50',
      母: '50',
      父母: '50',
      祖父: '60',
      祖母: '60',
      外祖父: '60',
      外祖母: '60',
      哥哥: '70',
      弟弟: '70',
      姐姐: '70',
      妹妹: '70',
      兄弟姐妹: '70',
      其他: '80',
      '02': '02',
      '80': '80',
    };
    for (const [text, code] of Object.entries(expected))
      expect([text, lookup(text)]).toEqual([text, code]);
    expect(lookup('子女')).toBe('80');
    expect(lookup('constructor')).toBeUndefined();
  });

  it('returns the same table on each call', () => {
    expect(codeTable('relation')).toBe(codeTable('relation'));
  });
});

describe('relationCode', () => {
  it('resolves 子女 by the member gender and falls back to the table otherwise', () => {
    expect(relationCode('子女', '1')).toBe('20');
    expect(relationCode('子女', '2')).toBe('30');
    expect(relationCode('子女')).toBe('80');
    expect(relationCode('子女', '9')).toBe('80');
    expect(relationCode('妻', '2')).toBe('10');
    expect(relationCode('朋友')).toBeUndefined();
    expect(relationCode('子女', 'constructor')).toBe('80');
  });
});

describe('relationCodesByGender', () => {
  it('gives the codes of a text GB/T 4761 files by the gender, and nothing for other texts', () => {
    expect(relationCodesByGender('子女')).toEqual({ '1': '20', '2': '30' });
    expect(relationCodesByGender(' 孩 子 ')).toEqual({ '1': '20', '2': '30' });
    for (const text of ['儿子', '女儿', '其他', '80', '', 'constructor', 'toString'])
      expect([text, relationCodesByGender(text)]).toEqual([text, undefined]);
  });

  it('agrees with relationCode for either gender', () => {
    for (const text of Object.keys(relationTable.genderDependent))
      for (const [gender, code] of Object.entries(relationCodesByGender(text)!))
        expect(relationCode(text, gender)).toBe(code);
  });
});
