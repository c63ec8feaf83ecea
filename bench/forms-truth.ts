/**
 * What a form field should say about a generated resident (bench:forms, see forms.ts), whether
 * any source knows it, and how a miss is told apart: missing, conflict, wrong value, flagged.
 */
import { maskIdNumber, maskPhone } from '@hub/access';
import {
  formatStandardAddress,
  normalizeName,
  type DivisionIndex,
  type StandardAddress,
} from '@hub/normalize';
import { normalizeAttribute } from '../libs/feeds/src/mapping/attribute-normalizer';
import { ageBand, ageOn, type FilledField } from '../libs/forms/src/prefill';
import { JIANGJIN } from '../test/generators/jiangjin';
import type { Household, Resident } from '../test/generators/feed-messages';
import type { Knowledge } from './forms-population';

export type Reason = 'missing' | 'conflict' | 'wrongValue' | 'flagged';
export const REASONS: Reason[] = ['missing', 'conflict', 'wrongValue', 'flagged'];

/** One field of one subject as the truth has it. */
export interface TruthField {
  /** Some record of the resident carries the attribute the field shows. */
  known: boolean;
  right: (value: unknown) => boolean;
  /** Some record carries a right value (a wrong value then is the hub's choice, not the sources'). */
  carried: boolean;
  truth: string;
  show: (value: unknown) => string;
}

const text = (v: unknown) =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
/** Digits of a phone, without a +86 / 0086 country prefix. */
const phoneDigits = (v: unknown) =>
  text(v)
    .replace(/\D/g, '')
    .replace(/^(?:0086|86)(?=\d{11}$)/, '');

type AddressValue = { divisionCode?: string | null; detail?: string; standard?: string };
/**
 * An address value as `division|standard form`: a normalized address (division, detail and
 * standard form), or a keyed place's golden address (its StandardAddress parts, no division: `?`).
 */
const addressText = (v: unknown) => {
  if (typeof v !== 'object' || v === null) return text(v);
  if ('road' in v) return `?|${formatStandardAddress(v as StandardAddress)}`;
  const a = v as AddressValue;
  return `${a.divisionCode ?? '-'}|${a.standard ?? a.detail ?? ''}`;
};
/** Right when equal to one of the variants; a value without a division by its standard form. */
const addressRight = (variants: string[]) => (v: unknown) => {
  const shown = addressText(v);
  const standard = (t: string) => t.slice(t.indexOf('|') + 1);
  return shown.startsWith('?|')
    ? variants.some((x) => standard(x) === standard(shown))
    : variants.includes(shown);
};

/**
 * The household's address as each source writes it, normalized as the hub normalizes it: a
 * value equal to one of them (division and standard form) is right. `hukou`: as the police
 * registry (division code and the detail without 室, or the county and the township) and
 * civil affairs (重庆市江津区…) write the registered address; otherwise the actual residence
 * (grid: township and address; police and civil affairs: 江津区, township and address).
 */
export function addressVariants(
  household: Household,
  divisions: DivisionIndex,
  hukou = false,
): string[] {
  const { community, address } = household;
  const township = community.township;
  const written: [string, string | undefined][] = hukou
    ? [
        [address.replace(/室$/, ''), township.code],
        [address.replace(/室$/, ''), community.code],
        [`${township.name}${address}`, JIANGJIN],
        [`重庆市江津区${township.name}${address}`, undefined],
      ]
    : [
        [`${township.name}${address}`, undefined],
        [`江津区${township.name}${address}`, undefined],
      ];
  const rule = { from: '/x', normalize: 'address' as const, ...(hukou ? { division: '/y' } : {}) };
  return written.map(([raw, division]) =>
    addressText(normalizeAttribute('address', rule, raw, division, divisions)?.value),
  );
}

/** The fields the truth tells for a person, by the attribute or computed value a form shows. */
export function personTruth(
  r: Resident,
  known: Knowledge | undefined,
  formDate: string,
  divisions: DivisionIndex,
): Record<string, TruthField> {
  const values = (attribute: string) => known?.values.get(attribute) ?? [];
  const field = (
    attribute: string,
    truth: string,
    right: (v: unknown) => boolean,
    show: (v: unknown) => string = text,
    through: (v: unknown) => unknown = (v) => v,
  ): TruthField => ({
    known: values(attribute).length > 0,
    right,
    carried: values(attribute).some((c) => right(through(c.value))),
    truth: show(truth),
    show,
  });
  const age = ageOn(r.birthDate, formDate);
  const residence = addressVariants(r.household, divisions);
  const hukou = addressVariants(r.household, divisions, true);
  const fields: Record<string, TruthField> = {
    name: field('name', r.name, (v) => normalizeName(text(v)) === r.name),
    idNumber: field(
      'idNumber',
      r.idNumber,
      (v) => text(v).replace(/\s/g, '').toUpperCase() === r.idNumber,
      (v) => maskIdNumber(text(v)),
    ),
    gender: field('gender', r.gender, (v) => text(v) === r.gender),
    birthDate: field(
      'birthDate',
      r.birthDate,
      (v) => /^\d{4}(-\d{2}){0,2}$/.test(text(v)) && r.birthDate.startsWith(text(v)),
    ),
    ethnicity: field('ethnicity', r.ethnicity, (v) => text(v) === r.ethnicity),
    phone: field(
      'phone',
      r.phone,
      (v) => phoneDigits(v) === r.phone,
      (v) => maskPhone(text(v)),
    ),
    age: field(
      'birthDate',
      String(age),
      (v) => v !== null && Number(v) === age,
      text,
      (birth) => ageOn(text(birth), formDate),
    ),
    residenceAddress: field('residenceAddress', residence[0], addressRight(residence), addressText),
    hukouAddress: field('hukouAddress', hukou[0], addressRight(hukou), addressText),
    community: communityTruth(r, values),
  };
  // 年龄段 only for those 80 or older: younger ones have none to fill.
  const band = age === null ? null : ageBand(age);
  if (band)
    fields.ageBand = { ...fields.age, truth: band, right: (v) => text(v) === band, show: text };
  return fields;
}

/** The place a household lives at (grid-visit): its address as the sources write it. */
export function placeTruth(household: Household, divisions: DivisionIndex): TruthField {
  const variants = addressVariants(household, divisions);
  return {
    known: true,
    right: addressRight(variants),
    carried: true,
    truth: variants[0],
    show: addressText,
  };
}

/**
 * 所属村(社区): the village or community of the household. Sources give a person's division by
 * the address they live at (when it names the village) and by the grid they are recorded in
 * (网格编码 starts with the community's code).
 */
function communityTruth(
  r: Resident,
  values: (attribute: string) => { value: unknown }[],
): TruthField {
  const code = r.household.community.code;
  return {
    known: values('residenceAddress').length + values('gridCode').length > 0,
    right: (v) => text(v) === code,
    carried: placedIn(code, values, ['residenceAddress']),
    truth: code,
    show: text,
  };
}

/**
 * Whether some record places the resident in the village or community `code`: an address whose
 * division (as the hub's mapping reads it) is that village, or a grid of it. An urban address
 * often names the road and the township only: no record of such a resident knows the community.
 */
export function placedIn(
  code: string,
  values: (attribute: string) => { value: unknown }[],
  addresses: readonly string[] = ['residenceAddress', 'hukouAddress'],
): boolean {
  return (
    addresses.some((a) => values(a).some((c) => (c.value as AddressValue).divisionCode === code)) ||
    values('gridCode').some((c) => text(c.value).startsWith(code))
  );
}

/**
 * How a known field came out on the form: right, or the reason it is not. A value the form has
 * no display text for is missing: the clerk sees an empty field.
 */
export function judge(f: FilledField | undefined, t: TruthField): 'right' | Reason {
  if (!f || f.value === null || f.value === undefined || f.status === 'missing') return 'missing';
  if (!f.display) return 'missing';
  if (f.status === 'conflict') return 'conflict';
  if (f.status === 'flagged') return 'flagged';
  return t.right(f.value) ? 'right' : 'wrongValue';
}

export interface FieldTally {
  known: number;
  right: number;
  misses: Record<Reason, number>;
  /** Misses although some record of the resident carries the right value. */
  missesSourcesCarryTruth: number;
  examples: Record<Reason, Record<string, unknown>[]>;
}

/** Known and right fields by form and field, with the misses by reason and a few examples. */
export class Tally {
  private readonly forms = new Map<string, Map<string, FieldTally>>();

  count(
    form: string,
    field: string,
    f: FilledField | undefined,
    t: TruthField,
    context: Record<string, unknown>,
  ): void {
    if (!t.known) return;
    const fields = this.forms.get(form) ?? this.forms.set(form, new Map()).get(form)!;
    const tally =
      fields.get(field) ??
      fields
        .set(field, {
          known: 0,
          right: 0,
          misses: { missing: 0, conflict: 0, wrongValue: 0, flagged: 0 },
          missesSourcesCarryTruth: 0,
          examples: { missing: [], conflict: [], wrongValue: [], flagged: [] },
        })
        .get(field)!;
    tally.known++;
    const outcome = judge(f, t);
    if (outcome === 'right') {
      tally.right++;
      return;
    }
    tally.misses[outcome]++;
    if (t.carried) tally.missesSourcesCarryTruth++;
    if (tally.examples[outcome].length < 3)
      tally.examples[outcome].push({
        ...context,
        truth: t.truth,
        value: f && f.value !== null ? t.show(f.value) : null,
        ...(f && f.value !== null && !f.display ? { display: f.display } : {}),
        ...(f && f.value !== null && outcome !== 'wrongValue'
          ? { valueRight: t.right(f.value) }
          : {}),
        status: f?.status ?? 'no row',
        source: f?.provenance?.feed ?? null,
        alternatives: (f?.alternatives ?? []).map(
          (a) => `${a.provenance.feed}: ${t.show(a.value)}`,
        ),
        // Whether some record of the resident carries the right value at all.
        sourcesCarryTruth: t.carried,
      });
  }

  /** Coverage per form and per field, beside the target. */
  report(target: number) {
    const percent = (right: number, known: number) =>
      known === 0 ? null : Number(((100 * right) / known).toFixed(2));
    let known = 0;
    let right = 0;
    const forms: Record<string, unknown> = {};
    for (const [form, fields] of this.forms) {
      const k = [...fields.values()].reduce((s, t) => s + t.known, 0);
      const r = [...fields.values()].reduce((s, t) => s + t.right, 0);
      known += k;
      right += r;
      forms[form] = {
        known: k,
        right: r,
        percent: percent(r, k),
        fields: Object.fromEntries(
          [...fields].map(([field, t]) => [
            field,
            {
              known: t.known,
              right: t.right,
              percent: percent(t.right, t.known),
              ...(t.right < t.known
                ? {
                    misses: Object.fromEntries(
                      REASONS.filter((x) => t.misses[x] > 0).map((x) => [x, t.misses[x]]),
                    ),
                    missesSourcesCarryTruth: t.missesSourcesCarryTruth,
                    examples: Object.fromEntries(
                      REASONS.filter((x) => t.examples[x].length > 0).map((x) => [
                        x,
                        t.examples[x],
                      ]),
                    ),
                  }
                : {}),
            },
          ]),
        ),
      };
    }
    const all = percent(right, known);
    return {
      all: {
        known,
        right,
        percent: all,
        target: `>= ${target} %`,
        met: all !== null && all >= target,
      },
      forms,
    };
  }
}
