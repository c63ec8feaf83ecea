import { parseInstant, type DivisionIndex } from '@hub/normalize';
import type { RejectReason } from '@hub/model';
import type { CatalogFeed } from '../feed-catalog';
import type { MappedRecord } from '../mapping/mapped-record';
import { mapRecord, matches, valueAt } from '../mapping/map-record';
import { RecordRejection } from '../rejection';
import type { InboundMessage, KafkaCoordinates } from './inbound-message';

/** A message that passed validation and mapping: ready for the ordering decision. */
export interface PreparedRecord {
  kind: 'prepared';
  index: number;
  feed: string;
  sourceRecordId: string;
  version: string;
  /** Sorts like the versions: zero-padded integer or UTC instant. */
  versionKey: string;
  cancelled: boolean;
  observedAt: Date;
  /** Absent for cancellations: they end facts, they do not state new ones. */
  mapped?: MappedRecord;
  coordinates?: KafkaCoordinates;
  /** The message as received, should the database still refuse it. */
  raw: Buffer;
  key: string | null;
}

export interface RejectedRecord {
  kind: 'rejected';
  index: number;
  feed: string | null;
  reason: RejectReason;
  message: string;
  detail: Record<string, unknown>;
  raw: Buffer;
  key: string | null;
  coordinates?: KafkaCoordinates;
}

const toBuffer = (value: Buffer | string | null) =>
  value === null ? Buffer.alloc(0) : Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');

function versionKey(order: 'integer' | 'instant', version: string): string {
  if (order === 'integer') {
    if (!/^\d{1,20}$/.test(version))
      throw new RecordRejection('schema_violation', `version ${version} is not an integer`);
    return version.padStart(20, '0');
  }
  return parseInstant(version).toISOString();
}

function scalar(record: Record<string, unknown>, pointer: string, what: string): string {
  const value = valueAt(record, pointer);
  if ((typeof value !== 'string' && typeof value !== 'number') || String(value).trim() === '') {
    throw new RecordRejection('schema_violation', `${what} ${pointer} is missing`, { pointer });
  }
  return String(value).trim();
}

/**
 * Size check → JSON → the feed's JSON Schema → record id, version and cancellation → mapping.
 * Pure apart from reading the catalog; never throws for bad input: it returns a rejection.
 */
export function prepareRecord(
  index: number,
  message: InboundMessage,
  feed: CatalogFeed | undefined,
  options: { maxMessageBytes: number; divisions: DivisionIndex },
): PreparedRecord | RejectedRecord {
  const raw = toBuffer(message.value);
  const rejected = (
    reason: RejectReason,
    text: string,
    detail: Record<string, unknown> = {},
  ): RejectedRecord => ({
    kind: 'rejected',
    index,
    feed: feed?.mapping.feed ?? null,
    reason,
    message: text,
    detail,
    raw,
    key: message.key ?? null,
    coordinates: message.coordinates,
  });
  if (!feed)
    return rejected(
      'unknown_feed',
      `no feed is mapped to topic ${message.coordinates?.topic ?? '?'}`,
    );
  if (raw.length > options.maxMessageBytes) {
    return rejected(
      'too_large',
      `message of ${raw.length} bytes exceeds ${options.maxMessageBytes}`,
      {
        bytes: raw.length,
        limit: options.maxMessageBytes,
      },
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return rejected('invalid_json', `not JSON: ${(error as Error).message}`);
  }
  if (!feed.validate(payload)) {
    const errors = (feed.validate.errors ?? []).map((e) => ({
      path: e.instancePath,
      message: e.message,
      params: e.params,
    }));
    const first = errors[0];
    return rejected('schema_violation', `${first?.path || '/'}: ${first?.message ?? 'invalid'}`, {
      errors,
    });
  }
  const record = payload as Record<string, unknown>;
  const { mapping } = feed;
  try {
    const version = scalar(record, mapping.version.pointer, 'version');
    const cancelled = matches(record, mapping.cancel);
    return {
      kind: 'prepared',
      index,
      feed: mapping.feed,
      sourceRecordId: scalar(record, mapping.recordId, 'record id'),
      version,
      versionKey: versionKey(mapping.version.order, version),
      cancelled,
      observedAt: parseInstant(scalar(record, mapping.observedAt, 'observation time')),
      mapped: cancelled ? undefined : mapRecord(mapping, record, options.divisions),
      coordinates: message.coordinates,
      raw,
      key: message.key ?? null,
    };
  } catch (error) {
    if (error instanceof RecordRejection)
      return rejected(error.reason, error.message, error.detail);
    if (error instanceof Error && error.name === 'InvalidDateError')
      return rejected('schema_violation', error.message);
    throw error;
  }
}
