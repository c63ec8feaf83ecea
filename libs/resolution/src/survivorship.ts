import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoFolder } from '@hub/contracts';
import type { PersonFeatures } from './person-features';

/** rules/survivorship.json: per golden attribute, the feeds in order of authority. */
export interface SurvivorshipRules {
  person: Partial<Record<GoldenAttribute, string[]>>;
  /** By golden column of the organization table. */
  organization: Partial<Record<string, string[]>>;
  conflicts: { person: GoldenAttribute[] };
  /** The other person attributes forms show, by attribute: feeds in order of authority. */
  attributes?: Record<string, string[]>;
}

export type GoldenAttribute =
  'name' | 'idNumber' | 'gender' | 'birthDate' | 'status' | 'phone' | 'division';

export function loadSurvivorshipRules(): SurvivorshipRules {
  return JSON.parse(
    readFileSync(join(findRepoFolder('rules'), 'survivorship.json'), 'utf8'),
  ) as SurvivorshipRules;
}

/** A person mention as the golden record sees it. */
export interface GoldenInput {
  feed: string;
  sourceRecordId: string;
  pointer: string;
  observedAt: string;
  features: PersonFeatures;
}

/** Two or more sources giving different values of an identity attribute of one person. */
export interface GoldenConflict {
  attribute: GoldenAttribute;
  values: { value: string; feed: string; sourceRecordId: string; pointer: string }[];
}

export interface GoldenPerson {
  name: string | null;
  id_number: string | null;
  gender: string | null;
  birth_date: string | null;
  status: string;
  phone: string | null;
  flags: GoldenConflict[];
  division_code: string | null;
}

/**
 * The golden record of one person from its active mentions: each attribute from the most
 * authoritative feed that states it, the newest observation among equals, the division refined
 * by a more precise one under it (survivingDivision); identity attributes that sources disagree
 * on are flagged, not silently resolved. A partial birth date that a full one extends is no
 * disagreement.
 */
export function goldenPerson(
  inputs: readonly GoldenInput[],
  rules: SurvivorshipRules,
): GoldenPerson {
  const pick = (attribute: GoldenAttribute): string | null =>
    survivor(inputs, (input) => valueOf(input.features, attribute), rules.person[attribute] ?? []);
  const flags: GoldenConflict[] = [];
  for (const attribute of rules.conflicts.person) {
    const stated = inputs
      .map((input) => ({ input, value: valueOf(input.features, attribute) }))
      .filter((s): s is { input: GoldenInput; value: string } => s.value !== null);
    const distinct = [...new Set(stated.map((s) => s.value))].sort();
    const disagree = distinct.some((a) =>
      distinct.some((b) => a !== b && !(b.startsWith(a) || a.startsWith(b))),
    );
    if (disagree)
      flags.push({
        attribute,
        values: stated
          .map(({ input, value }) => ({
            value,
            feed: input.feed,
            sourceRecordId: input.sourceRecordId,
            pointer: input.pointer,
          }))
          .sort((a, b) =>
            a.value + a.feed + a.sourceRecordId < b.value + b.feed + b.sourceRecordId ? -1 : 1,
          ),
      });
  }
  return {
    name: pick('name'),
    id_number: pick('idNumber'),
    gender: pick('gender'),
    birth_date: pick('birthDate'),
    status: pick('status') ?? 'normal',
    phone: pick('phone'),
    flags,
    division_code: survivingDivision(inputs, rules.person.division ?? []),
  };
}

/**
 * The division a person lives in: the survivor among the divisions their records' addresses
 * name, then, while some current record places them more precisely under it (an address naming
 * the village or community, or the community of the grid a grid worker records them in), that
 * more precise one, chosen among those by the same order. Urban addresses often name only the
 * township (鼎山街道双福大道72号) although the grid worker knows the community, and the roster and
 * reports of a community count the persons whose division lies in it. A refinement only narrows
 * the division: a record placing the person outside it never moves them to another township.
 */
export function survivingDivision(
  inputs: readonly GoldenInput[],
  order: readonly string[],
): string | null {
  let division = survivor(inputs, (input) => input.features.division ?? null, order);
  for (;;) {
    const under = division ?? '';
    const refined = survivor(inputs, (input) => placedUnder(input.features, under), order);
    if (refined === null) return division;
    division = refined;
  }
}

/** The most precise division a mention places its person in strictly under `division`. */
function placedUnder(features: PersonFeatures, division: string): string | null {
  let placed: string | null = null;
  for (const code of [features.division, features.gridCommunity])
    if (
      code &&
      code.length > division.length &&
      code.startsWith(division) &&
      code.length > (placed?.length ?? 0)
    )
      placed = code;
  return placed;
}

function valueOf(features: PersonFeatures, attribute: GoldenAttribute): string | null {
  return features[attribute] ?? null;
}

/**
 * The value that survives among candidates from several sources: from the feed ranked first in
 * `order` (a feed not listed ranks last), the newest observation among equals, and the longer
 * value at the same rank and time (a full birth date beats a partial one), then the first in
 * code-point order, so that the order of the candidates never matters. Nulls never win.
 */
// Reads each candidate's value through `valueIn` rather than taking copies that carry it: the
// golden record runs this for every attribute of every mention of each person a batch concerns.
function survivor<C extends { feed: string; observedAt: string }>(
  candidates: readonly C[],
  valueIn: (candidate: C) => string | null,
  order: readonly string[],
): string | null {
  const rank = (feed: string) => {
    const i = order.indexOf(feed);
    return i < 0 ? order.length : i;
  };
  let best: { rank: number; observedAt: string; value: string } | undefined;
  for (const c of candidates) {
    const value = valueIn(c);
    if (value === null) continue;
    const r = rank(c.feed);
    if (
      !best ||
      r < best.rank ||
      (r === best.rank && c.observedAt > best.observedAt) ||
      (r === best.rank &&
        c.observedAt === best.observedAt &&
        (value.length > best.value.length ||
          // whatever order the candidates come in
          (value.length === best.value.length && value < best.value)))
    )
      best = { rank: r, observedAt: c.observedAt, value };
  }
  return best?.value ?? null;
}

/** What one active mention of an organization says of each golden column. */
export interface OrganizationInput {
  feed: string;
  observedAt: string;
  columns: Record<string, string | null>;
}

/**
 * The golden columns of one organization from all its active mentions, each by the rules'
 * order of feeds for that column: the registering department names it, however the grid
 * worker wrote its sign.
 */
export function goldenOrganization(
  inputs: readonly OrganizationInput[],
  rules: SurvivorshipRules,
): Record<string, string | null> {
  const columns = [...new Set(inputs.flatMap((i) => Object.keys(i.columns)))].sort();
  return Object.fromEntries(
    columns.map((column) => [
      column,
      survivor(inputs, (i) => i.columns[column] ?? null, rules.organization[column] ?? []),
    ]),
  );
}
