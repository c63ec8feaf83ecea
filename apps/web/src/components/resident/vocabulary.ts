import { chineseDate } from '../../format';

/** What staff call each attribute of a person or an event (the field names of their forms). */
export const ATTRIBUTE_NAMES: Record<string, string> = {
  name: '姓名',
  formerName: '曾用名',
  idNumber: '公民身份号码',
  gender: '性别',
  birthDate: '出生日期',
  ethnicity: '民族',
  phone: '联系电话',
  status: '人员状态',
  division: '所属村（社区）',
  residentType: '人口类型',
  hukouAddress: '户籍地址',
  residenceAddress: '居住地址',
  householdNumber: '户号',
  relationToHead: '与户主关系',
  relationToApplicant: '与申请人关系',
  householdHeadName: '户主姓名',
  gridCode: '网格编码',
  residencePermitNumber: '居住证号',
  disabilityLevel: '残疾等级',
  tags: '人员类别',
  bankAccount: '银行账号',
  householdMonthlyIncome: '家庭月收入',
  // Events (事)
  eventType: '事件类别',
  assistanceType: '救助类别',
  caseNumber: '案件编号',
  monthlyAmount: '月发放金额',
  startDate: '开始日期',
  endDate: '结束日期',
  ageBand: '年龄段',
  incidentNumber: '事件编号',
  incidentType: '事件类型',
  description: '事件描述',
  handlingDepartment: '处置部门',
  satisfaction: '满意度',
  address: '地址',
};

export const attributeName = (attribute: string): string => ATTRIBUTE_NAMES[attribute] ?? attribute;

/**
 * Texts of codes the API does not label yet (it labels GB codes and statuses; the population
 * feed's resident type comes as a bare hub code).
 */
const LOCAL_LABELS: Record<string, Record<string, string>> = {
  residentType: { registered: '户籍人口', floating: '流动人口' },
};

/** What a relation between a person and another entity means, as staff say it. */
export const RELATION_NAMES: Record<string, string> = {
  lives_at: '居住地址',
  lives_in: '居住地',
  registered_at: '户籍地址',
  registered_in: '户籍地',
  owns: '房屋产权人',
  manages: '场所负责人',
  represents: '法定代表人',
  operates: '运营',
  involves: '涉及',
  family_member_of: '家庭成员',
  located_at: '位于',
  located_in: '所在地',
  happened_at: '发生地址',
  happened_in: '发生地',
};

export const relationName = (type: string): string => RELATION_NAMES[type] ?? type;

/** The date of an instant in Beijing, as people read it: 2022年7月24日. */
export function beijingDate(instant: string | null | undefined): string {
  if (!instant) return '';
  const at = new Date(instant);
  if (Number.isNaN(at.getTime())) return instant;
  return chineseDate(new Date(at.getTime() + 8 * 3_600_000).toISOString());
}

/** Age in whole years on today's date in Beijing, from a YYYY-MM-DD birth date. */
export function ageOf(birthDate: string | null | undefined, today: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate ?? '');
  if (!match) return null;
  const [, y, m, d] = match;
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - Number(y) - (tm * 100 + td < Number(m) * 100 + Number(d) ? 1 : 0);
}

/**
 * A value as staff read it: a code by its text (the API's `label`, else a local one, else the
 * code itself), dates as 2026年12月5日, amounts in 元, lists joined. Addresses are rendered by
 * AddressText (they need their division's name).
 */
export function valueText(attribute: string, value: unknown, label?: string | null): string {
  if (label) return label;
  if (value === null || value === undefined || value === '') return '';
  const local = typeof value === 'string' ? LOCAL_LABELS[attribute]?.[value] : undefined;
  if (local) return local;
  if (Array.isArray(value)) return value.map((v) => valueText(attribute, v)).join('、');
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}(-\d{2})?$/.test(value)) return chineseDate(value);
    if (/Amount$|Income$/.test(attribute) && /^\d+(\.\d+)?$/.test(value)) return `${value}元`;
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A person's status (人员状态) as a tag: colour and text. Undefined for 正常. */
export function statusTag(
  status: string | null | undefined,
): { color: string; text: string } | undefined {
  return status ? STATUS_TAGS[status] : undefined;
}

const STATUS_TAGS: Record<string, { color: string; text: string } | undefined> = {
  deceased: { color: 'red', text: '已死亡' },
  moved_out: { color: 'orange', text: '已迁出' },
  missing: { color: 'volcano', text: '下落不明' },
};
