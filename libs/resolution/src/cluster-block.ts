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
  rule: 'id-number' | 'score' | 'alone';
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
 */
export function clusterBlock(
  mentions: readonly BlockMention[],
  thresholds: MatchThresholds,
): BlockResolution {
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
  for (const m of sorted.filter((x) => !x.features.idNumber)) {
    const best = new Map<string, ReviewCandidate>();
    for (const a of anchored) {
      const s = scorePair(m.features, a.features);
      const id = cluster.get(a.key)!;
      if (s.cannotLink) continue;
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
  const pairs: { a: BlockMention; b: BlockMention; s: PairScore }[] = [];
  for (let i = 0; i < apart.length; i++)
    for (let j = i + 1; j < apart.length; j++) {
      const s = scorePair(apart[i].features, apart[j].features);
      if (!s.cannotLink && s.score >= thresholds.lower) pairs.push({ a: apart[i], b: apart[j], s });
    }
  pairs.sort((x, y) => y.s.score - x.s.score || (x.a.key + x.b.key < y.a.key + y.b.key ? -1 : 1));
  const joinedBy = new Map<
    string,
    { score: number; matchedKey: string; evidence: MatchEvidence[] }
  >();
  for (const { a, b, s } of pairs) {
    const ra = root(a.key);
    const rb = root(b.key);
    if (ra === rb) continue;
    if (s.score < thresholds.upper) {
      reviews.push({ key: b.key, candidates: [candidate(`m:${ra}`, a.key, s)] });
      continue;
    }
    const union = [...members.get(ra)!, ...members.get(rb)!];
    if (
      union.some((x, i) =>
        union.slice(i + 1).some((y) => scorePair(x.features, y.features).cannotLink),
      )
    )
      continue;
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    parent.set(drop, keep);
    members.set(keep, union);
    members.delete(drop);
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
    link.set(m.key, joined ? { rule: 'score', ...joined } : { rule: 'alone' });
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
