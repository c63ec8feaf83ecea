import { codeLabel, shortDivisionName, type DivisionIndex } from '@hub/normalize';
import { recordKey } from '@hub/model';
import type { FeedDepartments } from './feed-departments';
import type { RelatedPersonRow, SourceRow } from './person-read.repository';

/** Where a value or a relation comes from, as staff read it. */
export interface Provenance {
  /** 公安, 民政, 网格, 镇街采集. */
  department: string;
  feed: string;
  /** The department's own record id. */
  sourceRecordId: string;
  observedAt: Date | null;
}

export const provenanceOf = (row: SourceRow, departments: FeedDepartments): Provenance => ({
  department: departments.of(row.feed),
  feed: row.feed,
  sourceRecordId: row.sourceRecordId,
  observedAt: row.observedAt,
});

/** A division as staff name it (东门社区), when the code is one. */
export function divisionLabel(divisions: DivisionIndex, code: string | null): string | undefined {
  const division = code === null ? undefined : divisions.byCode(code);
  return division && shortDivisionName(division.name);
}

/** The texts of the coded values among these, by attribute: 女 for gender 2, 汉族 for ethnicity 01. */
export function labelsOf(values: Record<string, unknown>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [attribute, value] of Object.entries(values)) {
    const label = codeLabel(attribute, value);
    if (label !== undefined) labels[attribute] = label;
  }
  return labels;
}

interface Stated {
  value: unknown;
  valid: boolean;
  feed: string;
  observedAt: Date | string | null;
}

const time = (at: Date | string | null) => (at === null ? 0 : new Date(at).getTime());

/**
 * The value the best source states, as forms choose among sources: the first feed of `order`
 * (rules/survivorship.json; a feed not listed ranks last), the newest among equals, a valid value
 * before one that failed its check. Undefined when no source states one.
 */
export function preferredValue(stated: readonly Stated[], order: readonly string[] = []): unknown {
  const rank = (feed: string) => (order.includes(feed) ? order.indexOf(feed) : order.length);
  const [best] = stated
    .filter((s) => s.value !== null && s.value !== undefined && s.value !== '')
    .sort(
      (a, b) =>
        rank(a.feed) - rank(b.feed) ||
        time(b.observedAt) - time(a.observedAt) ||
        Number(b.valid) - Number(a.valid),
    );
  return best?.value;
}

/** preferredValue of every attribute stated, by attribute. */
export function preferredValues(
  stated: readonly (Stated & { attribute: string })[],
  orderOf: (attribute: string) => readonly string[] = () => [],
): Record<string, unknown> {
  const byAttribute = new Map<string, Stated[]>();
  for (const s of stated)
    byAttribute.set(s.attribute, [...(byAttribute.get(s.attribute) ?? []), s]);
  const values: Record<string, unknown> = {};
  for (const [attribute, candidates] of byAttribute) {
    const value = preferredValue(candidates, orderOf(attribute));
    if (value !== undefined) values[attribute] = value;
  }
  return values;
}

/** A person named beside the subject: who, and their relation to the household head. */
export interface RelatedPerson extends RelatedPersonRow {
  /** GB/T 4761 code. */
  relationToHead: string | null;
  /** Its text: 配偶 for 10. */
  relationLabel: string | null;
}

const related = (person: RelatedPersonRow, relationToHead: string | null): RelatedPerson => ({
  personId: person.personId,
  name: person.name,
  idNumber: person.idNumber,
  relationToHead,
  relationLabel: codeLabel('relationToHead', relationToHead) ?? null,
});

/** A police household (户号): its members, each with the record that lists them in it. */
export interface Household {
  number: string;
  members: (RelatedPerson & Provenance)[];
}

/** Household members grouped by 户号, the head first, then by relation code and name. */
export function groupHouseholds(
  numbers: readonly string[],
  rows: readonly (RelatedPersonRow &
    SourceRow & { household: string; relationToHead: string | null })[],
  departments: FeedDepartments,
): Household[] {
  return numbers.map((number) => ({
    number,
    members: rows
      .filter((m) => m.household === number)
      .map((m) => ({ ...related(m, m.relationToHead), ...provenanceOf(m, departments) }))
      .sort(
        (a, b) =>
          (a.relationToHead ?? '99').localeCompare(b.relationToHead ?? '99') ||
          (a.name ?? '').localeCompare(b.name ?? '') ||
          a.personId.localeCompare(b.personId),
      ),
  }));
}

/** A family as one record states it: its head, and its members with their relation to it. */
export interface Family {
  source: Provenance;
  headId: string;
  head: RelatedPersonRow;
  members: RelatedPerson[];
}

export interface FamilyRow extends SourceRow {
  headId: string;
  headName: string | null;
  headIdNumber: string | null;
  memberId: string;
  memberName: string | null;
  memberIdNumber: string | null;
  relationToHead: string | null;
}

/** Family rows (one per member) grouped by the record stating the family. */
export function groupFamilies(rows: readonly FamilyRow[], departments: FeedDepartments): Family[] {
  const byRecord = new Map<string, Family>();
  for (const row of rows) {
    const key = recordKey(row.feed, row.sourceRecordId);
    let family = byRecord.get(key);
    if (!family) {
      family = {
        source: provenanceOf(row, departments),
        headId: row.headId,
        head: { personId: row.headId, name: row.headName, idNumber: row.headIdNumber },
        members: [],
      };
      byRecord.set(key, family);
    }
    family.members.push(
      related(
        { personId: row.memberId, name: row.memberName, idNumber: row.memberIdNumber },
        row.relationToHead,
      ),
    );
  }
  return [...byRecord.values()];
}

/**
 * Every person a person's record shows beside them (household, family, related persons), for
 * the audit: their names and ID numbers are read too.
 */
export function personsNamedIn(detail: {
  households?: { members: { personId: string }[] }[];
  families?: { headId: string; members: { personId: string }[] }[];
  relations?: { otherType: string; otherId: string }[];
}): string[] {
  return [
    ...new Set([
      ...(detail.households ?? []).flatMap((h) => h.members.map((m) => m.personId)),
      ...(detail.families ?? []).flatMap((f) => [f.headId, ...f.members.map((m) => m.personId)]),
      ...(detail.relations ?? []).filter((r) => r.otherType === 'person').map((r) => r.otherId),
    ]),
  ];
}
