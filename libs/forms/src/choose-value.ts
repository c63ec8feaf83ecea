/** One value a source states about an entity, with where it stands in that source. */
export interface Candidate {
  value: unknown;
  valid: boolean;
  feed: string;
  /** The department's own record id. */
  sourceRecordId: string;
  pointer: string;
  observedAt: string | null;
}

export interface Choice {
  value: unknown;
  /** The source of the chosen value; undefined for values the hub derives. */
  source: Candidate | undefined;
  /** Other values sources state, the best-ranked source of each. */
  alternatives: Candidate[];
  status: 'filled' | 'conflict' | 'flagged';
}

/**
 * The identity of a value for comparing sources: an address by its standard form (the same flat
 * written two ways is one value), anything else by its JSON.
 */
function key(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'standard' in value)
    return `address:${String(value.standard)}`;
  return JSON.stringify(value);
}

/** Two values that say the same, one more precisely: 1956-03 and 1956-03-02. */
function compatible(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return a.startsWith(b) || b.startsWith(a);
}

/**
 * The value a form shows for an attribute: the golden value when the entity has one (persons'
 * identity, chosen by survivorship at ingest), else the value of the best-ranked source in
 * `order` (rules/survivorship.json; a feed not listed ranks last), the newest among equals.
 * Sources that say otherwise are alternatives; one of them observed after the chosen value makes
 * the field a conflict (a newer record disagrees: the clerk decides, nothing is overwritten
 * silently), as does an identity conflict the golden record flags. A value its source marked
 * invalid (an ID number with a wrong check character) is flagged.
 */
export function choose(
  candidates: readonly Candidate[],
  order: readonly string[],
  golden: { golden?: unknown; conflicting?: boolean } = {},
): Choice {
  const rank = (feed: string) => {
    const i = order.indexOf(feed);
    return i < 0 ? order.length : i;
  };
  const ranked = [...candidates]
    .filter((c) => c.value !== null && c.value !== undefined && c.value !== '')
    .sort(
      (a, b) =>
        rank(a.feed) - rank(b.feed) ||
        (b.observedAt ?? '').localeCompare(a.observedAt ?? '') ||
        Number(b.valid) - Number(a.valid) ||
        a.sourceRecordId.localeCompare(b.sourceRecordId),
    );
  const hasGolden = golden.golden !== null && golden.golden !== undefined;
  const chosen = hasGolden
    ? (ranked.find((c) => key(c.value) === key(golden.golden)) ?? ranked[0])
    : ranked[0];
  const value = hasGolden ? golden.golden : chosen?.value;
  if (value === undefined || value === null)
    return { value: null, source: undefined, alternatives: [], status: 'filled' };
  const seen = new Set([key(value)]);
  const alternatives: Candidate[] = [];
  for (const c of ranked)
    if (!seen.has(key(c.value))) {
      seen.add(key(c.value));
      alternatives.push(c);
    }
  // Only a valid value that says something else is a disagreement: not a less precise one (a
  // birth month beside the birth date), nor one its source marked invalid (a wrong check
  // character), which stays an alternative.
  const newerDisagrees = alternatives.some(
    (a) =>
      a.valid && !compatible(a.value, value) && (a.observedAt ?? '') > (chosen?.observedAt ?? ''),
  );
  const status =
    golden.conflicting || newerDisagrees
      ? 'conflict'
      : chosen && !chosen.valid
        ? 'flagged'
        : 'filled';
  return { value, source: chosen, alternatives, status };
}
