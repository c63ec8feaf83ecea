import { maskAddress, maskIdNumber, maskPhone, type FieldPolicy } from '@hub/access';
import type { FormTemplate } from './form-template';
import type { FilledField, FilledForm } from './prefill';

const MASKS = {
  idNumber: (v: unknown) => (typeof v === 'string' ? maskIdNumber(v) : v),
  phone: (v: unknown) => (typeof v === 'string' ? maskPhone(v) : v),
  address: maskAddress,
} as const;

/**
 * A filled form as the caller's role may see it: each field of a masking class shown in full,
 * masked (value, display text and alternatives alike) or left empty, by the caller's field
 * policy. Answers which classes were masked and which went out in full (for the audit).
 */
export function maskForm(
  form: FilledForm,
  policy: FieldPolicy,
): { form: FilledForm; masked: string[]; unmasked: string[] } {
  const masked = new Set<string>();
  const unmasked = new Set<string>();
  const field = (f: FilledField): FilledField => {
    if (!f.mask || f.value === null) return f;
    const treatment = policy[f.mask];
    if (treatment === 'full') {
      unmasked.add(f.mask);
      return f;
    }
    masked.add(f.mask);
    if (treatment === 'omit') return { ...f, value: null, display: null, alternatives: [] };
    const mask = MASKS[f.mask];
    const text = (value: unknown, display: string | null) =>
      f.mask === 'address'
        ? typeof mask(display) === 'string'
          ? (mask(display) as string)
          : null
        : (mask(value) as string);
    return {
      ...f,
      value: mask(f.value),
      display: text(f.value, f.display),
      alternatives: f.alternatives.map((a) => ({
        ...a,
        value: mask(a.value),
        display: text(a.value, a.display),
      })),
    };
  };
  const sections = form.sections.map((s) => ({
    ...s,
    fields: s.fields?.map(field),
    rows: s.rows?.map((r) => ({ ...r, cells: r.cells.map(field) })),
  }));
  return {
    form: { ...form, sections },
    masked: [...masked].sort(),
    unmasked: [...unmasked].sort(),
  };
}

/**
 * The values a clerk entered (by `section.field`) as the caller's role may see them: a field of a
 * masking class masked or left out like the same field on a form.
 */
export function maskEntered(
  template: FormTemplate,
  entered: Record<string, unknown>,
  policy: FieldPolicy,
): Record<string, unknown> {
  const classOf = new Map(
    template.sections.flatMap((s) => (s.fields ?? []).map((f) => [`${s.key}.${f.key}`, f.mask])),
  );
  return Object.fromEntries(
    Object.entries(entered).flatMap(([key, value]) => {
      const mask = classOf.get(key);
      if (!mask || value === null || policy[mask] === 'full') return [[key, value]];
      return policy[mask] === 'omit' ? [] : [[key, MASKS[mask](value)]];
    }),
  );
}
