import { randomUUID } from 'node:crypto';

/** A person a cluster's mentions are on, or that holds the cluster's ID number. */
export interface CandidatePerson {
  id: string;
  id_number: string | null;
  /** Merged into another person: a tombstone, which no cluster keeps. */
  merged: boolean;
  ended: boolean;
}

/**
 * The entity of each cluster (by cluster name; `id:` and the ID number for ID clusters): an ID
 * cluster keeps the person that already has that ID (one that has not ended, if there is one);
 * any other cluster keeps the entity most of its members are on (unless another cluster or
 * another ID holds it, or it was merged into another: a restored record's mention may still be
 * on such a tombstone), so re-resolving an unchanged block moves nothing; else a new person.
 * ID clusters choose first, then the others, each in name order, so the result does not depend
 * on the order of the input.
 */
export function chooseEntities(
  clusters: ReadonlyMap<string, string>,
  entityOfMention: (key: string) => string,
  persons: readonly CandidatePerson[],
  newId: () => string = randomUUID,
): Map<string, string> {
  const members = new Map<string, string[]>();
  for (const [key, c] of clusters) members.set(c, [...(members.get(c) ?? []), key]);
  const tombstones = new Set(persons.filter((p) => p.merged).map((p) => p.id));
  const live = persons.filter((p) => !p.merged);
  const idNumberOf = new Map(live.map((p) => [p.id, p.id_number]));
  const personWithId = new Map<string, string>();
  const liveFirst = [...live].sort(
    (a, b) => Number(a.ended) - Number(b.ended) || (a.id < b.id ? -1 : 1),
  );
  for (const p of liveFirst)
    if (p.id_number && !personWithId.has(p.id_number)) personWithId.set(p.id_number, p.id);

  const entityOf = new Map<string, string>();
  const claimed = new Set<string>();
  const ordered = [...members.keys()].sort((a, b) => {
    const ia = a.startsWith('id:') ? 0 : 1;
    const ib = b.startsWith('id:') ? 0 : 1;
    return ia - ib || (a < b ? -1 : 1);
  });
  for (const c of ordered) {
    const idNumber = c.startsWith('id:') ? c.slice(3) : null;
    let chosen = idNumber ? personWithId.get(idNumber) : undefined;
    if (!chosen) {
      const votes = new Map<string, number>();
      for (const key of members.get(c)!) {
        const e = entityOfMention(key);
        const holder = idNumberOf.get(e);
        if (claimed.has(e) || tombstones.has(e) || (holder && holder !== idNumber)) continue;
        votes.set(e, (votes.get(e) ?? 0) + 1);
      }
      chosen = [...votes].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))[0]?.[0];
    }
    chosen ??= newId();
    claimed.add(chosen);
    entityOf.set(c, chosen);
  }
  return entityOf;
}

/** The ID numbers of a resolution's ID clusters, whose persons chooseEntities needs. */
export const idNumbersOfClusters = (clusters: ReadonlyMap<string, string>): string[] => [
  ...new Set([...clusters.values()].filter((c) => c.startsWith('id:')).map((c) => c.slice(3))),
];
