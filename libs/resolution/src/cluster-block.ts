import type { PersonFeatures } from './person-features';
import {
  DECISIVE_MARGIN,
  MatchEvidence,
  MatchThresholds,
  PairScore,
  scorePair,
} from './person-match';

/** A person mention of one block, keyed by feed, source record id and JSON Pointer. */
export interface BlockMention {
  key: string;
  features: PersonFeatures;
}

/** How a mention came to its cluster: the rule, and for a scored link the mention it matched. */
export interface MentionLink {
  rule: 'id-number' | 'score' | 'decision' | 'alone';
  score?: number;
  matchedKey?: string;
  evidence?: MatchEvidence[];
}

export interface ReviewCandidate {
  /** The cluster the mention might belong to. */
  cluster: string;
  score: number;
  weight: number;
  matchedKey: string;
  evidence: MatchEvidence[];
}

/** An operator's word on two mentions (by key), which wins over the matcher. */
export interface Decision {
  a: string;
  b: string;
  verdict: 'same' | 'different';
}

export interface BlockResolution {
  /** Mention key → cluster: `id:<ID number>` for mentions with or linked to a valid ID, else `m:<key of its first member>`. */
  cluster: Map<string, string>;
  link: Map<string, MentionLink>;
  /** Mentions left apart although a candidate scored between the thresholds, or several above. */
  reviews: { key: string; candidates: ReviewCandidate[] }[];
}

/**
 * Partitions the person mentions of one block. A pure function of the set of mentions (they are
 * sorted first), so the partition does not depend on the order records arrived in:
 * 1. mentions with a valid ID number form one cluster per number (an exact key);
 * 2. every other mention joins the ID cluster it matches above the upper threshold, when it is
 *    the only one above the lower threshold; otherwise it stays apart and, when some candidate
 *    scored at least the lower threshold, a review task names the candidates;
 * 3. mentions still apart are joined pairwise above the upper threshold, strongest pairs first,
 *    never joining two that cannot be one person.
 * Operators' decisions come first: `same` joins two mentions whatever their score, `different`
 * keeps them (and the clusters they are in) apart. A valid ID number is the one thing a decision
 * does not override: two mentions with the same valid ID stay one person.
 */
export function clusterBlock(
  mentions: readonly BlockMention[],
  thresholds: MatchThresholds,
  decisions: readonly Decision[] = [],
): BlockResolution {
  const pairKey = (x: string, y: string) => (x < y ? `${x}\u001d${y}` : `${y}\u001d${x}`);
  const different = new Set(
    decisions.filter((d) => d.verdict === 'different').map((d) => pairKey(d.a, d.b)),
  );
  const same = new Map<string, string[]>();
  for (const d of decisions.filter((x) => x.verdict === 'same')) {
    same.set(d.a, [...(same.get(d.a) ?? []), d.b]);
    same.set(d.b, [...(same.get(d.b) ?? []), d.a]);
  }
  const apartDecided = (x: string, y: string) => different.has(pairKey(x, y));
  const sorted = [...mentions].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const cluster = new Map<string, string>();
  const link = new Map<string, MentionLink>();
  const reviews: BlockResolution['reviews'] = [];

  const anchored = sorted.filter((m) => m.features.idNumber);
  for (const m of anchored) {
    cluster.set(m.key, `id:${m.features.idNumber}`);
    link.set(m.key, { rule: 'id-number' });
  }

  const apart: BlockMention[] = [];
  const inBlock = new Set(sorted.map((m) => m.key));
  for (const m of sorted.filter((x) => !x.features.idNumber)) {
    const decided = (same.get(m.key) ?? []).filter((k) => inBlock.has(k));
    const sameAnchor = anchored.find((a) => decided.includes(a.key));
    if (sameAnchor) {
      cluster.set(m.key, cluster.get(sameAnchor.key)!);
      link.set(m.key, { rule: 'decision', matchedKey: sameAnchor.key });
      continue;
    }
    if (decided.length > 0) {
      apart.push(m); // joined with its decided partner below
      continue;
    }
    const excluded = new Set(
      anchored.filter((a) => apartDecided(m.key, a.key)).map((a) => cluster.get(a.key)!),
    );
    const best = new Map<string, ReviewCandidate>();
    for (const a of anchored) {
      const s = scorePair(m.features, a.features);
      const id = cluster.get(a.key)!;
      if (s.cannotLink || excluded.has(id)) continue;
      const current = best.get(id);
      if (!current || s.weight > current.weight) best.set(id, candidate(id, a.key, s));
    }
    const candidates = [...best.values()]
      .filter((c) => c.score >= thresholds.lower)
      .sort(byScoreThenCluster);
    const [top, next] = candidates;
    if (
      top &&
      top.score >= thresholds.upper &&
      (!next || top.weight - next.weight >= DECISIVE_MARGIN)
    ) {
      const c = top;
      cluster.set(m.key, c.cluster);
      link.set(m.key, {
        rule: 'score',
        score: c.score,
        matchedKey: c.matchedKey,
        evidence: c.evidence,
      });
      continue;
    }
    // A mention that might be one of several persons with an ID waits for a reviewer alone.
    if (candidates.length > 0) {
      reviews.push({ key: m.key, candidates });
      cluster.set(m.key, `m:${m.key}`);
      link.set(m.key, { rule: 'alone' });
    } else apart.push(m);
  }

  // Mentions without an ID cluster: join the strongest pairs first (union-find).
  const parent = new Map(apart.map((m) => [m.key, m.key]));
  const members = new Map(apart.map((m) => [m.key, [m]]));
  const root = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    return r;
  };
  const pairs: { a: BlockMention; b: BlockMention; s: PairScore; decided?: true }[] = [];
  for (let i = 0; i < apart.length; i++)
    for (let j = i + 1; j < apart.length; j++) {
      const [a, b] = [apart[i], apart[j]];
      if (same.get(a.key)?.includes(b.key))
        pairs.push({ a, b, decided: true, s: { score: 1, weight: Infinity, evidence: [] } });
      else if (apartDecided(a.key, b.key)) continue;
      else {
        const s = scorePair(a.features, b.features);
        if (!s.cannotLink && s.score >= thresholds.lower) pairs.push({ a, b, s });
      }
    }
  pairs.sort(
    (x, y) =>
      y.s.weight - x.s.weight ||
      y.s.score - x.s.score ||
      (x.a.key + x.b.key < y.a.key + y.b.key ? -1 : 1),
  );
  const decidedWith = new Map<string, string>();
  const joinedBy = new Map<
    string,
    { score: number; matchedKey: string; evidence: MatchEvidence[] }
  >();
  const join = (ra: string, rb: string) => {
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    parent.set(drop, keep);
    members.set(keep, [...members.get(keep)!, ...members.get(drop)!]);
    members.delete(drop);
  };
  for (const { a, b, s, decided } of pairs) {
    const ra = root(a.key);
    const rb = root(b.key);
    if (ra === rb) continue;
    if (decided) {
      join(ra, rb);
      decidedWith.set(a.key, b.key).set(b.key, a.key);
      continue;
    }
    if (s.score < thresholds.upper) {
      reviews.push({ key: b.key, candidates: [candidate(`m:${ra}`, a.key, s)] });
      continue;
    }
    const union = [...members.get(ra)!, ...members.get(rb)!];
    const conflict = union.some((x, i) =>
      union
        .slice(i + 1)
        .some((y) => apartDecided(x.key, y.key) || scorePair(x.features, y.features).cannotLink),
    );
    if (conflict) continue;
    join(ra, rb);
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const)
      if (!joinedBy.has(x.key))
        joinedBy.set(x.key, { score: s.score, matchedKey: y.key, evidence: s.evidence });
  }
  for (const m of apart) {
    cluster.set(m.key, `m:${root(m.key)}`);
    const joined = joinedBy.get(m.key);
    const partner = decidedWith.get(m.key);
    link.set(
      m.key,
      partner
        ? { rule: 'decision', matchedKey: partner }
        : joined
          ? { rule: 'score', ...joined }
          : { rule: 'alone' },
    );
  }
  // One task per mention, each candidate cluster once (its best score); a candidate that is
  // the mention's own cluster after all is moot.
  const byKey = new Map<string, Map<string, ReviewCandidate>>();
  for (const r of reviews)
    for (const c of r.candidates) {
      const target = c.cluster.startsWith('m:') ? `m:${root(c.cluster.slice(2))}` : c.cluster;
      if (target === cluster.get(r.key)) continue;
      const list = byKey.get(r.key) ?? new Map<string, ReviewCandidate>();
      const seen = list.get(target);
      if (!seen || c.score > seen.score) list.set(target, { ...c, cluster: target });
      byKey.set(r.key, list);
    }
  const open = [...byKey]
    .filter(([, list]) => list.size > 0)
    .map(([key, list]) => ({ key, candidates: [...list.values()].sort(byScoreThenCluster) }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  return { cluster, link, reviews: open };
}

function candidate(cluster: string, matchedKey: string, s: PairScore): ReviewCandidate {
  return {
    cluster,
    score: Number(s.score.toFixed(4)),
    weight: s.weight,
    matchedKey,
    evidence: s.evidence,
  };
}

function byScoreThenCluster(a: ReviewCandidate, b: ReviewCandidate): number {
  return b.weight - a.weight || (a.cluster < b.cluster ? -1 : 1);
}
