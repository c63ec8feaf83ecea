import type AjvCore from 'ajv/dist/core';
import { compactDateToIso } from './calendar';
import { normalizeIdNumber } from './id-number';
import { parseInstant } from './instant';
import { parsePartialDate } from './partial-date';
import { normalizeUscc } from './uscc';

const succeeds = (parse: () => unknown): boolean => {
  try {
    return parse() !== null;
  } catch {
    return false;
  }
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The hub's string formats, by name: each true when the text is usable as that kind of value. */
export const HUB_FORMATS: Readonly<Record<string, (value: string) => boolean>> = {
  // A correct GB 11643 number; a legacy 15-digit one counts when its upgrade is correct.
  'citizen-id': (v) => normalizeIdNumber(v)?.valid === true,
  // The shape alone: the grid feed carries typos in the check character that must still land.
  'citizen-id-shape': (v) => /^\d{17}[\dX]$/.test(normalizeIdNumber(v)?.value ?? ''),
  uscc: (v) => normalizeUscc(v)?.valid === true,
  'compact-date': (v) => compactDateToIso(v) !== null,
  'iso-date': (v) => {
    const m = ISO_DATE.exec(v);
    return m !== null && compactDateToIso(m[1] + m[2] + m[3]) !== null;
  },
  'loose-date': (v) => succeeds(() => parsePartialDate(v)),
  'beijing-datetime': (v) => succeeds(() => parseInstant(v)),
  // GB/T 2260 county (6), township (9) and village/community (12) codes.
  'division-code': (v) => /^\d{6}(\d{3}){0,2}$/.test(v),
  'grid-code': (v) => /^\d{12}-\d{2}$/.test(v),
  'decimal-yuan': (v) => /^\d+(\.\d{1,2})?$/.test(v),
};

/** Register the hub's string formats (HUB_FORMATS) on an Ajv instance (Ajv, Ajv2019, Ajv2020). */
export function addHubFormats<A extends AjvCore>(ajv: A): A {
  for (const [name, validate] of Object.entries(HUB_FORMATS))
    ajv.addFormat(name, { type: 'string', validate });
  return ajv;
}
