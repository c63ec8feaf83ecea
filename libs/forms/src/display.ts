import { codeLabel, formatStandardAddress, type StandardAddress } from '@hub/normalize';
import type { FormField } from './form-template';

/** A scalar as text; objects and absent values as ''. */
export function asText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
}

/** The attribute a field shows, whatever its source kind. */
function attributeOf(field: FormField): string {
  const source = field.source;
  if (!source) return field.key;
  if ('attribute' in source) return source.attribute;
  if ('computed' in source) return source.computed;
  return source.row;
}

/**
 * A value as people read it on the form: code tables' names (性别 女 for 2, 民族 汉族 for 01,
 * relations by GB/T 4761), addresses with their division's name, lists joined, amounts in 元.
 */
export function displayOf(
  field: FormField,
  value: unknown,
  divisionNames: Record<string, string>,
): string | null {
  if (value === null || value === undefined) return null;
  const attribute = attributeOf(field);
  const text = asText(value);
  switch (attribute) {
    case 'gender':
    case 'ethnicity':
    case 'relationToApplicant':
    case 'relationToHead':
    case 'status':
    case 'personStatus':
      return codeLabel(attribute, text) ?? text;
    case 'monthlyAmount':
      return `${text}元`;
    case 'division':
      return divisionNames[text] ?? text;
  }
  if (Array.isArray(value)) return value.map(asText).join('、');
  if (typeof value === 'object') {
    const address = value as {
      divisionCode?: string | null;
      detail?: string;
      standard?: string;
    } & Partial<StandardAddress>;
    const division = address.divisionCode ? (divisionNames[address.divisionCode] ?? '') : '';
    // A keyed place stores the parsed parts of its address rather than the text.
    const text =
      address.detail ??
      address.standard ??
      ('road' in address || 'number' in address || 'group' in address
        ? formatStandardAddress(address)
        : '');
    return `${division}${text}` || null;
  }
  return text;
}
