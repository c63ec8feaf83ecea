import { errorText } from '../../api/client';
import { chineseDate, chineseDateTime } from '../../format';
import type { Alternative, FilledField, FilledForm, FormSubjectQuery, Provenance } from './types';

/** `section.field`: how a submission names a field. */
export const fieldPath = (section: string, field: string) => `${section}.${field}`;

/** A date as people read it (1941年6月19日); any other text as it is. */
export function readable(text: string | null | undefined): string {
  if (text === null || text === undefined) return '';
  return /^\d{4}-\d{2}(-\d{2})?$/.test(text) ? chineseDate(text) : text;
}

/** The day a source observed a value, in Beijing: 2023年1月19日. */
export const observedDay = (provenance: Provenance | null | undefined): string =>
  provenance?.observedAt ? chineseDateTime(provenance.observedAt).split(' ')[0] : '';

/** A masked value (138****6789): shown as the API gives it, never written back. */
export const isMasked = (field: FilledField, text: string | null | undefined) =>
  field.mask !== null && !!text && text.includes('*');

/**
 * The text a chosen or kept value is submitted as: a phone or code as it is, an address (an
 * object) as the text the form shows, which the hub parses as a clerk's typed address.
 */
export function submittable(value: unknown, display: string | null): string | null {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return display;
}

/** Why a value is doubtful, for the warning beside a flagged field. */
export function flagReason(field: FilledField): string {
  if (field.key === 'status' || field.key === 'personStatus')
    return `人员状态为“${field.display ?? ''}”，请核实后再办理`;
  if (field.key === 'relationToApplicant') return '户籍关系代码不能确定与申请人的具体关系，请核实';
  return '来源数据未通过校验（如身份证号校验位错误），请核实';
}

/** The choices of a conflict: the hub's value first, then each other source's. */
export function conflictChoices(field: FilledField): Alternative[] {
  return [
    { value: field.value, display: field.display, provenance: field.provenance! },
    ...field.alternatives,
  ].filter((choice) => choice.provenance);
}

/** The subject a submission names: the one the prefill resolved (a person's id, a place's id). */
export function subjectOf(form: FilledForm): FormSubjectQuery {
  const { personId, placeId, divisionCode } = form.subject;
  return personId ? { personId } : placeId ? { placeId } : { divisionCode };
}

/** What the hub's 镇街采集 contract accepts of values staff type (schemas/feeds/township.schema.json). */
const FORMATS: Record<string, { pattern: RegExp; message: string }> = {
  bankAccount: { pattern: /^[0-9 ]{8,40}$/, message: '银行账号应为8至40位数字' },
  monthlyIncome: {
    pattern: /^\d{1,9}(\.\d{1,2})?$/,
    message: '家庭月总收入应为金额（元），如 1200 或 1200.50',
  },
};

/** Chinese messages for entered values the hub would refuse, by field key. */
export function invalidValues(values: Record<string, string>): string[] {
  return Object.entries(values).flatMap(([path, value]) => {
    const format = FORMATS[path.split('.')[1] ?? ''];
    return format && !format.pattern.test(value) ? [format.message] : [];
  });
}

/**
 * A failed prefill in the clerk's words (the API answers in English): what was not found or
 * not understood, for this kind of subject.
 */
export function prefillErrorText(
  kind: 'person' | 'household' | 'place' | 'division',
  status: number,
  error: unknown,
): string {
  const person = kind === 'person' || kind === 'household';
  if (status === 404)
    return person
      ? '未找到此人：不在您的辖区内，或系统中没有这个公民身份号码'
      : kind === 'place'
        ? '未找到该地址：您的辖区内没有登记此地址'
        : '未找到该辖区';
  if (status === 400)
    return person
      ? '公民身份号码不正确，请核对'
      : kind === 'place'
        ? '地址无法识别：请写出路名（或村民小组）和门牌号，如 东门路12号3-2-501'
        : '辖区代码不正确：应为6、9或12位';
  if (status === 403) return '无权限：该对象不在您的辖区内';
  return errorText(error, status);
}

/** A refused submission in the clerk's words. */
export function submitErrorText(status: number, error: unknown): string {
  if (status === 400) return '提交未通过：请检查必填项和填写格式（如银行账号、金额）后再提交';
  if (status === 422)
    return '此表暂不能在线提交：系统只能回写有公民身份号码的人员信息。请打印后签字留档。';
  if (status === 403) return '无权限：您的角色不能提交此表';
  if (status === 404) return '未找到：该对象不在您的辖区内';
  return errorText(error, status);
}
