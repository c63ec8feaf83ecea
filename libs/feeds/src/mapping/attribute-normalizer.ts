import {
  codeTable,
  DivisionIndex,
  formatStandardAddress,
  InvalidDateError,
  normalizeIdNumber,
  normalizeName,
  normalizePhone,
  normalizeUscc,
  parseInstant,
  parsePartialDate,
  splitAddress,
  splitAddressWithin,
  standardAddress,
  splitTags,
  toHalfWidth,
} from '@hub/normalize';
import { LRUCache } from 'lru-cache';
import { RecordRejection } from '../rejection';
import type { AttributeRule, NormalizerName } from './feed-mapping';

export interface NormalizedValue {
  value: unknown;
  valid: boolean;
}

const blank = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const text = (v: unknown) => toHalfWidth(String(v)).trim();

type Normalizer = (
  raw: unknown,
  divisions: DivisionIndex,
  divisionRaw: unknown,
  withinRaw: unknown,
) => NormalizedValue | null;

function checked(result: { value: string; valid: boolean } | null): NormalizedValue | null {
  return result && { value: result.value, valid: result.valid };
}

function dateOrReject<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidDateError) {
      throw new RecordRejection('schema_violation', error.message);
    }
    throw error;
  }
}

const NORMALIZERS: Record<NormalizerName, Normalizer> = {
  text: (raw) => ({ value: text(raw), valid: true }),
  name: (raw) => {
    const value = normalizeName(String(raw));
    return value === null ? null : { value, valid: true };
  },
  idNumber: (raw) => checked(normalizeIdNumber(String(raw))),
  uscc: (raw) => checked(normalizeUscc(String(raw))),
  phone: (raw) => checked(normalizePhone(String(raw))),
  date: (raw) => {
    const value = dateOrReject(() => parsePartialDate(String(raw)));
    return value === null ? null : { value, valid: true };
  },
  instant: (raw) => ({
    value: dateOrReject(() => parseInstant(String(raw))).toISOString(),
    valid: true,
  }),
  tags: (raw) => {
    const tags = splitTags(String(raw));
    return tags.length ? { value: tags, valid: true } : null;
  },
  integer: (raw) => {
    const n = Number(text(raw));
    return { value: Number.isInteger(n) ? n : text(raw), valid: Number.isInteger(n) };
  },
  decimal: (raw) => ({ value: text(raw), valid: /^\d+(\.\d+)?$/.test(text(raw)) }),
  division: (raw, divisions) => {
    const code = divisions.resolve(text(raw));
    return code ? { value: code, valid: true } : { value: text(raw), valid: false };
  },
  address: memoizedAddress,
};

/*
 * Reading an address against the division catalogue is the dearest normalizer, and addresses
 * repeat: every version, redelivery and feed of a resident writes the same ones. Results are
 * kept per catalogue by the raw texts (strings only), frozen since the callers share them.
 */
const ADDRESS_CACHE_SIZE = 50_000;
type AddressInput = {
  raw: unknown;
  divisionRaw: unknown;
  withinRaw: unknown;
  divisions: DivisionIndex;
};
const addressCaches = new WeakMap<DivisionIndex, LRUCache<string, NormalizedValue, AddressInput>>();

function memoizedAddress(
  raw: unknown,
  divisions: DivisionIndex,
  divisionRaw: unknown,
  withinRaw: unknown,
) {
  const textual = (v: unknown): v is string | null | undefined =>
    v === undefined || v === null || typeof v === 'string';
  // Both blank gives null, which a cache cannot hold (normalizeAttribute never asks for it).
  if (
    !textual(raw) ||
    !textual(divisionRaw) ||
    !textual(withinRaw) ||
    (blank(raw) && blank(divisionRaw))
  )
    return normalizeAddress(raw, divisions, divisionRaw, withinRaw);
  let cache = addressCaches.get(divisions);
  if (!cache)
    addressCaches.set(
      divisions,
      (cache = new LRUCache({
        max: ADDRESS_CACHE_SIZE,
        memoMethod: (_key, _stale, { context: c }) => {
          const value = normalizeAddress(c.raw, c.divisions, c.divisionRaw, c.withinRaw)!;
          return Object.freeze({ ...value, value: Object.freeze(value.value) });
        },
      })),
    );
  return cache.memo(`${divisionRaw ?? ''}\u001f${withinRaw ?? ''}\u001f${raw ?? ''}`, {
    context: { raw, divisionRaw, withinRaw, divisions },
  });
}

function normalizeAddress(
  raw: unknown,
  divisions: DivisionIndex,
  divisionRaw: unknown,
  withinRaw: unknown,
): NormalizedValue | null {
  if (!blank(divisionRaw)) {
    const given = divisions.resolve(text(divisionRaw));
    const detail = blank(raw) ? '' : text(raw);
    if (given === null) return { value: addressValue(text(divisionRaw), detail), valid: false };
    // The detail may go on naming divisions below the given one (500116 + 鼎山街道东门路…).
    const split = splitAddress(detail, divisions, given);
    return { value: addressValue(split.divisionCode ?? given, split.detail), valid: true };
  }
  if (blank(raw)) return null;
  const within = blank(withinRaw) ? null : divisionOfCode(text(withinRaw), divisions);
  const split =
    within === null
      ? splitAddress(String(raw), divisions)
      : splitAddressWithin(String(raw), divisions, within);
  return { value: addressValue(split.divisionCode, split.detail), valid: true };
}

/**
 * The division of a code given beside a record (`within`): a division code, or a grid code
 * (500116005002-03), which starts with its community's code. Null when unknown.
 */
function divisionOfCode(code: string, divisions: DivisionIndex): string | null {
  return divisions.resolve(/^(\d{12})-\d+$/.exec(code)?.[1] ?? code);
}

/**
 * An address value: its division, the detail as written (cleaned) and, when there is a detail,
 * its standard form (东门路12号3-2-501 → 东门路12号3栋2单元501室) by which places are resolved.
 */
function addressValue(divisionCode: string | null, detail: string) {
  return detail === ''
    ? { divisionCode, detail }
    : { divisionCode, detail, standard: formatStandardAddress(standardAddress(detail)) };
}

/**
 * Applies one attribute rule of a mapping to a raw value. Returns null when the source says
 * nothing; throws a RecordRejection for an unknown code or an impossible date.
 */
export function normalizeAttribute(
  attribute: string,
  rule: AttributeRule,
  raw: unknown,
  divisionRaw: unknown,
  divisions: DivisionIndex,
  withinRaw?: unknown,
): NormalizedValue | null {
  if (rule.value !== undefined) return { value: rule.value, valid: true };
  if (blank(raw) && (rule.normalize !== 'address' || blank(divisionRaw))) return null;
  if (rule.code) {
    const code = codeTable(rule.code).lookup(text(raw));
    if (code === undefined) {
      throw new RecordRejection(
        'unknown_code',
        `${attribute}: ${JSON.stringify(raw)} is not in ${rule.code}`,
        {
          attribute,
          value: raw,
          table: rule.code,
        },
      );
    }
    return { value: code, valid: true };
  }
  if (rule.codes) {
    const mapped = rule.codes[text(raw)];
    if (mapped === undefined) {
      throw new RecordRejection(
        'unknown_code',
        `${attribute}: unknown code ${JSON.stringify(raw)}`,
        {
          attribute,
          value: raw,
          known: Object.keys(rule.codes),
        },
      );
    }
    return { value: mapped, valid: true };
  }
  return NORMALIZERS[rule.normalize ?? 'text'](raw, divisions, divisionRaw, withinRaw);
}
