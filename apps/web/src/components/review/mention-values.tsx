import type { components } from '../../api/schema';
import { chineseDate, DEPARTMENTS } from '../../format';

export type PersonDetail = components['schemas']['PersonDetailDto'];
/** A mention as a review task gives it: what its record states, with its codes' texts. */
export type StatedMention = components['schemas']['ReviewMentionDto'];

/** A person mention: a department's record and the place inside it. */
export interface MentionRef {
  feed: string;
  sourceRecordId: string;
  pointer: string;
}

export const sameMention = (a: MentionRef, b: MentionRef): boolean =>
  a.feed === b.feed && a.sourceRecordId === b.sourceRecordId && a.pointer === b.pointer;

/** What a department's record states, field by field, as the reviewer compares them. */
export const MENTION_FIELDS = [
  { key: 'name', label: '姓名' },
  { key: 'idNumber', label: '身份证号' },
  { key: 'birthDate', label: '出生日期' },
  { key: 'gender', label: '性别' },
  { key: 'hukouAddress', label: '户籍地址' },
  { key: 'residenceAddress', label: '居住地址' },
  { key: 'phone', label: '联系电话' },
  { key: 'householdNumber', label: '户号' },
  { key: 'relationToHead', label: '与户主关系' },
  { key: 'relationToApplicant', label: '与申请人关系' },
] as const;

export type MentionField = (typeof MENTION_FIELDS)[number]['key'];

/** The department's name for a feed (公安), or the feed when it has none. */
export const departmentOf = (feed: string): string => DEPARTMENTS[feed] ?? feed;

/** Where in its record a mention is, in words: 申请人, 家庭成员第2人 ("" for the whole record). */
export function pointerText(pointer: string): string {
  if (!pointer) return '';
  const member = /\/members\/(\d+)$/.exec(pointer);
  if (member) return `家庭成员第${Number(member[1]) + 1}人`;
  if (pointer.endsWith('/applicant')) return '申请人';
  if (pointer.endsWith('/head')) return '户主';
  return pointer;
}

/** An address value as the hub gives it: a string, or {standard, detail, divisionCode}. */
function addressText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return '';
  const address = value as { standard?: string; detail?: string };
  // A masked address keeps its division only: its detail is ***, and so is what we show.
  if (address.detail === '***') return '***';
  return address.standard ?? address.detail ?? '';
}

/** One field's value in words: a code's text, a date as 1990年1月1日, an address. */
function fieldText(field: MentionField, value: unknown, label: string | undefined): string {
  if (label) return label;
  switch (field) {
    case 'birthDate':
      return chineseDate(typeof value === 'string' ? value : '');
    case 'hukouAddress':
    case 'residenceAddress':
      return addressText(value);
    case 'name':
    case 'idNumber':
    case 'gender':
    case 'phone':
    case 'householdNumber':
    case 'relationToHead':
    case 'relationToApplicant':
      return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  }
}

export type MentionValues = Partial<Record<MentionField, string>>;

/** The values a review task's mention states (masked by the API where the role's policy says). */
export function statedValues(mention: StatedMention): MentionValues {
  const out: MentionValues = {};
  for (const { key } of MENTION_FIELDS) {
    const value = mention.values[key];
    if (value !== undefined && value !== null)
      out[key] = fieldText(key, value, mention.labels[key]);
  }
  return out;
}

/** The values one mention of a person gives, read from the person's candidate values. */
export function mentionValues(person: PersonDetail, ref: MentionRef): MentionValues {
  const out: MentionValues = {};
  for (const { key } of MENTION_FIELDS) {
    const candidate = (person.candidates[key] ?? []).find((c) => sameMention(c, ref));
    if (candidate) out[key] = fieldText(key, candidate.value, candidate.label);
  }
  return out;
}
