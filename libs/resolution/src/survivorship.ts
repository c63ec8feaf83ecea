import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoFolder } from '@hub/contracts';
import type { PersonFeatures } from './person-features';

/** rules/survivorship.json: per golden attribute, the feeds in order of authority. */
export interface SurvivorshipRules {
  person: Partial<Record<GoldenAttribute, string[]>>;
  conflicts: { person: GoldenAttribute[] };
}

export type GoldenAttribute = 'name' | 'idNumber' | 'gender' | 'birthDate' | 'status' | 'phone';

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
}

/**
 * The golden record of one person from its active mentions: each attribute from the most
 * authoritative feed that states it, the newest observation among equals; identity attributes
 * that sources disagree on are flagged, not silently resolved. A partial birth date that a full
 * one extends is no disagreement.
 */
export function goldenPerson(
  inputs: readonly GoldenInput[],
  rules: SurvivorshipRules,
): GoldenPerson {
  const pick = (attribute: GoldenAttribute): string | null => {
    const order = rules.person[attribute] ?? [];
    const rank = (feed: string) => {
      const i = order.indexOf(feed);
      return i < 0 ? order.length : i;
    };
    let best: GoldenInput | undefined;
    for (const input of inputs) {
      if (valueOf(input.features, attribute) === null) continue;
      if (
        !best ||
        rank(input.feed) < rank(best.feed) ||
        (rank(input.feed) === rank(best.feed) && input.observedAt > best.observedAt) ||
        // a full birth date beats a partial one of the same authority and time
        (rank(input.feed) === rank(best.feed) &&
          input.observedAt === best.observedAt &&
          valueOf(input.features, attribute)!.length > valueOf(best.features, attribute)!.length)
      )
        best = input;
    }
    return best ? valueOf(best.features, attribute) : null;
  };
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
  };
}

function valueOf(features: PersonFeatures, attribute: GoldenAttribute): string | null {
  return features[attribute] ?? null;
}
