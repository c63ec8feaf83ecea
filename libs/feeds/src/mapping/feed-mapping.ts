import type { EntityType } from '@hub/model';

/**
 * A feed's declarative mapping into the unified model, as written in `mappings/<feed>.json`
 * (checked against `schemas/mapping.schema.json`). Pointers are RFC 6901 JSON Pointers.
 */
export interface FeedMapping {
  feed: string;
  department: string;
  topic: string;
  /** Schema file under schemas/, e.g. "feeds/population.schema.json". */
  schema: string;
  recordId: string;
  version: { pointer: string; order: 'integer' | 'instant' };
  /** When the department changed the record (Beijing time unless zoned). */
  observedAt: string;
  /** A record matching this is a cancellation: it ends the facts of the record. */
  cancel: Condition;
  recordTypes: RecordTypeMapping[];
}

export interface Condition {
  pointer: string;
  equals: string | number | boolean;
}

export interface RecordTypeMapping {
  name: string;
  /** Omitted: applies to every record of the feed. */
  when?: Condition;
  mentions: MentionMapping[];
  relations?: RelationMapping[];
}

export interface MentionMapping {
  /** Name of the mention inside this record type, used by relations. */
  id: string;
  entity: EntityType;
  /** Event or object type, e.g. "assistance", "house". */
  type?: string;
  /** The object this mention describes; `from` pointers are relative to it. "" = the record. */
  at: string;
  /** `at` names an array (or a string holding a JSON array): one mention per element. */
  each?: boolean;
  /** Provenance pointer when the subject is given by flat fields (e.g. "/产权人姓名"). */
  pointer?: string;
  /** Skip the mention when this pointer (relative to `at`) is absent or blank. */
  requires?: string;
  attributes: Record<string, AttributeRule>;
}

export type NormalizerName =
  | 'text'
  | 'name'
  | 'idNumber'
  | 'uscc'
  | 'phone'
  | 'date'
  | 'instant'
  | 'tags'
  | 'integer'
  | 'decimal'
  | 'address'
  | 'division';

export interface AttributeRule {
  from?: string;
  normalize?: NormalizerName;
  /** A national code table of @hub/normalize. */
  code?: 'gender' | 'ethnicity' | 'relation';
  /** A feed-specific code list: raw value → stored value. */
  codes?: Record<string, string>;
  /** For `address`: pointer of a division code or name given beside the detail text. */
  division?: string;
  /**
   * For `address`: pointer of a division code or grid code the record lies in (a grid worker's
   * grid): the address's division when its text names none, or only one above it.
   */
  within?: string;
  /** A constant. */
  value?: string;
}

export interface RelationMapping {
  type: string;
  from: string;
  /** Another mention of the record… */
  to?: string;
  /** …or the administrative division named by an attribute of `from` (its divisionCode). */
  toDivisionOf?: string;
  attributes?: Record<string, string>;
}
