/**
 * The matcher's evidence (libs/resolution person-match.ts `scorePair`) as a reviewer reads it;
 * a rule not named here shows its code.
 */
const EVIDENCE: Record<string, string> = {
  'same-id-number': '身份证号相同',
  'same-mistyped-id-number': '身份证号相同（校验位有误）',
  'id-number-one-edit-apart': '身份证号仅差一位',
  'different-id-numbers': '身份证号不同',
  'same-name': '姓名相同',
  'same-name-traditional-form': '姓名相同（繁简写法不同）',
  'same-name-pinyin': '姓名同音',
  'different-names': '姓名不同',
  'same-birth-date': '出生日期相同',
  'compatible-partial-birth-date': '出生年月相符',
  'same-gender': '性别相同',
  'same-phone': '联系电话相同',
  'different-phones': '联系电话不同',
  'same-household': '同一户',
  'same-address': '同一地址',
  'same-township': '同一镇街',
  'same-county': '同一区县',
  'different-counties': '不在同一区县',
};

export const evidenceLabel = (rule: string): string => EVIDENCE[rule] ?? rule;

/** A weight as a reviewer reads it: +4, −0.5. */
export const weightText = (weight: number): string =>
  weight > 0 ? `+${weight}` : weight < 0 ? `−${-weight}` : '0';

/** A score of 0..1 as a percentage: 75%. */
export const scoreText = (score: number): string => `${Math.round(score * 100)}%`;
