import { recordKey, recordVersionKey, type SourceRecordStatus } from '@hub/model';
import type { PreparedRecord } from './prepare-record';

export type RecordOutcome = 'accepted' | 'duplicate' | 'stale' | 'rejected';

export interface RecordHead {
  versionKey: string;
  /** source_record id of the current version. */
  currentId: string;
}

export interface PlannedRecord {
  record: PreparedRecord;
  status: Exclude<SourceRecordStatus, 'received'>;
  /** A later version in the same batch replaces this one: its facts are history at once. */
  supersededInBatch: boolean;
}

export interface IngestPlan {
  outcomes: Map<number, RecordOutcome>;
  /** Versions to store, in arrival order (duplicates are not stored again). */
  store: PlannedRecord[];
  /** Current versions in the database whose facts a newer version (or a cancellation) ends. */
  supersede: string[];
  /**
   * The records (recordKey) with versions stored before this batch: those that had a head. Only
   * they can have stored versions and mentions to look up.
   */
  storedBefore: ReadonlySet<string>;
}

/**
 * The ordering rules, per record: a version already seen is a duplicate (a no-op); a version
 * older than the newest accepted one is stale (kept as history only); a newer one is accepted
 * and ends the facts of the version it replaces. Pure, so it is tested without a database.
 */
export function decideOutcomes(
  records: PreparedRecord[],
  heads: Map<string, RecordHead>,
  knownVersions: Set<string>,
): IngestPlan {
  const outcomes = new Map<number, RecordOutcome>();
  const store: PlannedRecord[] = [];
  const supersede: string[] = [];
  const seen = new Set(knownVersions);
  const newest = new Map<
    string,
    { versionKey: string; planned?: PlannedRecord; currentId?: string }
  >();
  for (const [key, head] of heads)
    newest.set(key, { versionKey: head.versionKey, currentId: head.currentId });

  for (const record of records) {
    const key = recordKey(record.feed, record.sourceRecordId);
    const versionId = recordVersionKey(record.feed, record.sourceRecordId, record.version);
    if (seen.has(versionId)) {
      outcomes.set(record.index, 'duplicate');
      continue;
    }
    seen.add(versionId);
    const current = newest.get(key);
    if (current && record.versionKey <= current.versionKey) {
      store.push({ record, status: 'stale', supersededInBatch: false });
      outcomes.set(record.index, 'stale');
      continue;
    }
    if (current?.planned) current.planned.supersededInBatch = true;
    else if (current?.currentId) supersede.push(current.currentId);
    const planned: PlannedRecord = {
      record,
      status: record.cancelled ? 'cancelled' : 'accepted',
      supersededInBatch: false,
    };
    store.push(planned);
    newest.set(key, { versionKey: record.versionKey, planned });
    outcomes.set(record.index, 'accepted');
  }
  return { outcomes, store, supersede, storedBefore: new Set(heads.keys()) };
}
