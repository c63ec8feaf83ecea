/** A mention resolution moved from one person to another. */
export interface PersonMove {
  from: string;
  to: string;
}

/** What became of the existing persons a resolution concerns, besides their golden values. */
export interface PersonLifecycle {
  /**
   * Persons all of whose mentions went to other persons: `into` took the most of them (the
   * tombstone points there); `alsoInto`, when several took some, the others.
   */
  merged: { id: string; into: string; alsoInto?: string[] }[];
  /** Persons that lost some mentions to other persons and go on. */
  split: { id: string; into: string[] }[];
  /** Persons left with no active mention and none moved away: their records withdrew them. */
  ended: { id: string; reason: 'cancelled' | 'unnamed' }[];
}

/**
 * Merged, split or ended, for each existing live person: `withMentions` are those that still
 * have active mentions after the resolution, `withdrawn` those whose mentions were withdrawn by
 * their records (with why). A person that kept none of its mentions merged when any went to
 * another person, else ended.
 */
export function personLifecycle(
  existing: Iterable<string>,
  withMentions: ReadonlySet<string>,
  moves: readonly PersonMove[],
  withdrawn: ReadonlyMap<string, 'cancelled' | 'unnamed'>,
): PersonLifecycle {
  const movedTo = new Map<string, Map<string, number>>();
  for (const m of moves) {
    const targets = movedTo.get(m.from) ?? new Map<string, number>();
    targets.set(m.to, (targets.get(m.to) ?? 0) + 1);
    movedTo.set(m.from, targets);
  }
  const lifecycle: PersonLifecycle = { merged: [], split: [], ended: [] };
  for (const id of [...existing].sort()) {
    const targets = movedTo.get(id);
    if (withMentions.has(id)) {
      if (targets) lifecycle.split.push({ id, into: [...targets.keys()].sort() });
    } else if (targets) {
      // Most mentions first, then by id, so the same moves always name the same survivor.
      const [into, ...others] = [...targets]
        .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
        .map(([target]) => target);
      lifecycle.merged.push(others.length ? { id, into, alsoInto: others.sort() } : { id, into });
    } else if (withdrawn.has(id)) lifecycle.ended.push({ id, reason: withdrawn.get(id)! });
  }
  return lifecycle;
}
