import type { FieldPolicy, PolicedField } from './access-rules';

/** 500381********2029: the division of issue and the last four, as on printed forms. */
export function maskIdNumber(value: string): string {
  if (value.length < 10) return '*'.repeat(value.length);
  return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
}

/** 138****6789: the carrier prefix and the last four. */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

const COMMUNITY_END = /^(.*(?:社区|居委会|村委会|村))/;

/**
 * An address up to its community or village, the rest starred: a normalized address keeps its
 * division code and loses its detail; a written one keeps the text up to 社区/村.
 */
export function maskAddress(value: unknown): unknown {
  if (typeof value === 'string') return `${COMMUNITY_END.exec(value)?.[1] ?? ''}***`;
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return { ...(value as Record<string, unknown>), detail: '***' };
  return value;
}

const MASKS: Record<PolicedField, (value: unknown) => unknown> = {
  idNumber: (v) => (typeof v === 'string' ? maskIdNumber(v) : v),
  phone: (v) => (typeof v === 'string' ? maskPhone(v) : v),
  address: maskAddress,
};

/** Property names that carry a policed field's value, wherever they appear in a response. */
const FIELD_OF_KEY: Record<string, PolicedField> = {
  idNumber: 'idNumber',
  phone: 'phone',
  address: 'address',
  residenceAddress: 'address',
  hukouAddress: 'address',
};

/** Inside a field's context (candidates.idNumber[], changed.phone, a flag about idNumber). */
const VALUE_KEYS = new Set(['value', 'before', 'after']);

export interface PolicedBody<T> {
  body: T;
  /** Policed fields present in the body, masked or left out. */
  masked: PolicedField[];
  /** Policed fields present in the body in full. */
  unmasked: PolicedField[];
}

/**
 * Applies a field policy to a response body, whatever its shape: a person's golden fields,
 * their candidate values by attribute, conflict flags (`{attribute, values:[{value}]}`), change
 * events' `attributes` and `changed.{field}.before/after`. Pure; the input is not changed.
 */
export function applyFieldPolicy<T>(body: T, policy: FieldPolicy): PolicedBody<T> {
  const masked = new Set<PolicedField>();
  const unmasked = new Set<PolicedField>();
  const OMIT = Symbol('omit');

  const treat = (field: PolicedField, value: unknown): unknown => {
    if (value === null || value === undefined) return value;
    const treatment = policy[field];
    if (treatment === 'full') {
      unmasked.add(field);
      return value;
    }
    masked.add(field);
    return treatment === 'omit' ? OMIT : MASKS[field](value);
  };

  const walk = (node: unknown, context: PolicedField | undefined): unknown => {
    if (Array.isArray(node))
      return node.map((item) => walk(item, context)).filter((v) => v !== OMIT);
    if (node === null || typeof node !== 'object' || node instanceof Date) return node;
    const object = node as Record<string, unknown>;
    const about = typeof object.attribute === 'string' ? FIELD_OF_KEY[object.attribute] : undefined;
    const here = about ?? context;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(object)) {
      const field = FIELD_OF_KEY[key];
      let result: unknown;
      if (field !== undefined) {
        const scalar = value === null || typeof value !== 'object' || isAddress(value);
        result = scalar ? treat(field, value) : walk(value, field);
        // A whole structure about an omitted field (candidates.idNumber) goes too.
        if (!scalar && policy[field] === 'omit') {
          masked.add(field);
          result = OMIT;
        }
      } else if (here !== undefined && VALUE_KEYS.has(key)) {
        result =
          value !== null && typeof value === 'object' && !isAddress(value)
            ? walk(value, here)
            : treat(here, value);
      } else {
        result = walk(value, here);
      }
      if (result !== OMIT) out[key] = result;
    }
    return out;
  };

  const policed = walk(body, undefined) as T;
  return { body: policed, masked: [...masked].sort(), unmasked: [...unmasked].sort() };
}

function isAddress(value: object): boolean {
  return !Array.isArray(value) && ('detail' in value || 'divisionCode' in value);
}
