import type { EntityType } from '@hub/model';

export interface MappedValue {
  attribute: string;
  value: unknown;
  /** False when the value failed its check and is kept only as a flagged claim. */
  valid: boolean;
}

export interface MappedMention {
  /** Mention id from the mapping, plus the element index for `each` mentions. */
  key: string;
  entityType: EntityType;
  type?: string;
  pointer: string;
  values: MappedValue[];
}

export interface MappedRelation {
  type: string;
  fromKey: string;
  toKey?: string;
  toDivisionCode?: string;
  attributes: Record<string, string>;
}

/** What one version of one department record says, in the unified model's terms. */
export interface MappedRecord {
  recordType: string;
  mentions: MappedMention[];
  relations: MappedRelation[];
}
