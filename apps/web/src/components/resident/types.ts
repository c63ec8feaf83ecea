import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export type PersonSummary = Schemas['PersonSummaryDto'];
export type PersonDetail = Schemas['PersonDetailDto'];
/** A stated value: any JSON (a code, a date, an address, tags), `unknown` for each use to narrow. */
export type CandidateValue = Omit<Schemas['CandidateValueDto'], 'value'> & { value: unknown };
export type Provenance = Schemas['ProvenanceDto'];
export type Relation = Schemas['RelationDto'];
export type Household = Schemas['HouseholdDto'];
export type HouseholdMember = Schemas['HouseholdMemberDto'];
export type Family = Schemas['FamilyDto'];
export type PersonEvent = Schemas['PersonEventDto'];
export type EventDetail = Schemas['EventDetailDto'];

/**
 * A conflict the hub flags on a person (`flags`): sources disagree on an identity attribute.
 * The document types the items as bare objects; this is what survivorship writes.
 */
export interface GoldenConflict {
  attribute: string;
  values?: { value: unknown; feed: string; sourceRecordId: string; pointer?: string }[];
}

export const conflictsOf = (person: { flags: unknown[] }): GoldenConflict[] =>
  person.flags.filter(
    (f): f is GoldenConflict =>
      typeof f === 'object' && f !== null && typeof (f as GoldenConflict).attribute === 'string',
  );

/** A standard address as the hub stores it (masked roles may get a string instead). */
export interface AddressValue {
  standard?: string;
  detail?: string;
  divisionCode?: string;
}

export const isAddress = (value: unknown): value is AddressValue =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  ('standard' in value || 'detail' in value);
