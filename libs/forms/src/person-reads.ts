import type { Computed, FormField } from './form-template';

/**
 * What a table's fields read of each person: the attributes (with those a computed value is
 * made of) and, per event type, the attributes of the events. A roster of thousands reads only
 * these instead of the whole person (every candidate, every event).
 */
export interface PersonReads {
  attributes: string[];
  /** Event type → the attributes read of those events. */
  events: Record<string, string[]>;
}

/** The attributes each computed value is made of (prefill.ts, FieldFiller.resolve). */
const COMPUTED_FROM: Record<Computed, readonly string[]> = {
  age: ['birthDate'],
  ageBand: ['birthDate'],
  livingAlone: ['tags'],
  personStatus: ['status'],
  division: ['gridCode'],
  gridCode: ['gridCode'],
  // Read of the place, not of a person.
  houseUsage: [],
  houseOwner: [],
};

export function personReads(fields: readonly FormField[]): PersonReads {
  const attributes = new Set<string>();
  const events: Record<string, Set<string>> = {};
  for (const { source } of fields) {
    if (!source || 'row' in source) continue;
    if ('event' in source) (events[source.event] ??= new Set()).add(source.attribute);
    else if ('attribute' in source) attributes.add(source.attribute);
    else COMPUTED_FROM[source.computed].forEach((a) => attributes.add(a));
  }
  return {
    attributes: [...attributes].sort(),
    events: Object.fromEntries(
      Object.entries(events).map(([type, read]) => [type, [...read].sort()]),
    ),
  };
}
