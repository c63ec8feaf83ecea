import { simplifiedName } from '@hub/normalize';
import type { PersonFeatures } from './person-features';

/** One piece of evidence for or against two mentions being the same person. */
export interface MatchEvidence {
  rule: string;
  weight: number;
}

export interface PairScore {
  /** 0..1; 1 for the same valid ID. */
  score: number;
  /** The evidence's summed weight, unclamped: compares two candidates that both score 1. */
  weight: number;
  evidence: MatchEvidence[];
  /** Set when the two can never be one person (two valid IDs, two birth dates, two genders). */
  cannotLink?: string;
}

/** Above `upper`, link; between the two, open a review task; below `lower`, a new entity. */
export interface MatchThresholds {
  upper: number;
  lower: number;
}

export const DEFAULT_MATCH_THRESHOLDS: MatchThresholds = { upper: 0.75, lower: 0.5 };

/**
 * How much more evidence (in weight) the best of several candidate persons needs over the next
 * to be linked anyway: twins share a birth date, a household and often a phone, and only the
 * ID evidence tells them apart.
 */
export const DECISIVE_MARGIN = 4;

/** The evidence weight that scores 1: e.g. same name, birth date, phone. */
const FULL_WEIGHT = 8;

/*
 * Hand-written: the weights are the hub's own judgement of the departments' data (domain.md,
 * "What makes the data hard"), not a general record-linkage model. A wrong merge is far worse
 * than a missed one, so anything that proves two people different (two valid IDs, two full
 * birth dates, two genders) forbids the link instead of lowering the score.
 */
export function scorePair(a: PersonFeatures, b: PersonFeatures): PairScore {
  if (a.idNumber && b.idNumber) {
    return a.idNumber === b.idNumber
      ? {
          score: 1,
          weight: FULL_WEIGHT * 2,
          evidence: [{ rule: 'same-id-number', weight: FULL_WEIGHT * 2 }],
        }
      : { score: 0, weight: 0, evidence: [], cannotLink: 'different-id-numbers' };
  }
  if (a.birthDate && b.birthDate && !compatibleDates(a.birthDate, b.birthDate))
    return { score: 0, weight: 0, evidence: [], cannotLink: 'different-birth-dates' };
  if (a.gender && b.gender && a.gender !== b.gender)
    return { score: 0, weight: 0, evidence: [], cannotLink: 'different-genders' };

  const evidence: MatchEvidence[] = [];
  const add = (rule: string, weight: number) => evidence.push({ rule, weight });

  const idA = a.idNumber ?? a.claimedId;
  const idB = b.idNumber ?? b.claimedId;
  if (idA && idB) {
    if (idA === idB) add('same-mistyped-id-number', 4);
    // With the same name, enough to link (an incident participant given by name and a mistyped
    // ID); not with a homophone, as twins are named (李娜, 李那), nor with another name.
    else if (oneEditApart(idA, idB)) add('id-number-one-edit-apart', 4);
    else add('different-id-numbers', -2);
  }

  if (a.name && b.name) {
    if (a.name === b.name) add('same-name', 2);
    else if (a.nameKey !== b.nameKey) add('different-names', -3);
    // Converted only when the pinyin agrees, so a conversion that changes a name's sound can
    // never make two names one; homophones (张伟, 张玮) stay weaker evidence.
    else if (simplifiedName(a.name) === simplifiedName(b.name))
      add('same-name-traditional-form', 2);
    else add('same-name-pinyin', 1);
  }

  if (a.birthDate && b.birthDate) {
    if (a.birthDate === b.birthDate && a.birthDate.length === 10) add('same-birth-date', 3);
    else add('compatible-partial-birth-date', 1);
  }
  if (a.gender && b.gender) add('same-gender', 0.5);

  if (a.phone && b.phone) {
    if (a.phone === b.phone) add('same-phone', 4);
    else add('different-phones', -0.5);
  }
  // Two members of one household with one name are one person (a family never repeats a name).
  if (a.household && b.household && a.household === b.household) add('same-household', 4);
  // Likewise two people of one name tied to one flat (living, registered, owning it).
  if (a.places?.some((p) => b.places?.includes(p))) add('same-address', 4);
  // One source writes the flat, another only its building (or a room form it cannot read): the
  // same building and the same household head name it as well.
  else if (
    a.householdHead !== undefined &&
    a.householdHead === b.householdHead &&
    a.buildings?.some((building) => b.buildings?.includes(building))
  )
    add('same-building-same-household-head', 3);

  if (a.division && b.division) {
    if (a.division.slice(0, 9) === b.division.slice(0, 9) && a.division.length >= 9)
      add('same-township', 1);
    else if (a.division.slice(0, 6) === b.division.slice(0, 6)) add('same-county', 0.5);
    else add('different-counties', -1);
  }

  const weight = evidence.reduce((sum, e) => sum + e.weight, 0);
  return { score: Math.min(1, Math.max(0, weight / FULL_WEIGHT)), weight, evidence };
}

/** YYYY, YYYY-MM, YYYY-MM-DD: compatible when the shorter is a prefix of the longer. */
function compatibleDates(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/** One character substituted, or two neighbours transposed. */
export function oneEditApart(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
  if (diff.length === 1) return true;
  return (
    diff.length === 2 &&
    diff[1] === diff[0] + 1 &&
    a[diff[0]] === b[diff[1]] &&
    a[diff[1]] === b[diff[0]]
  );
}
