import { parseInstant, type DivisionIndex } from '@hub/normalize';
import type { RejectReason } from '@hub/model';
import type { CatalogFeed } from '../feed-catalog';
import type { MappedRecord } from '../mapping/mapped-record';
import { mapRecord, matches, valueAt } from '../mapping/map-record';
import { RecordRejection } from '../rejection';
import type { InboundMessage, KafkaCoordinates } from './inbound-message';
import {
  charsetOf,
  decodeText,
  encodingOf,
  firstInvalidByte,
  KNOWN_CHARSETS,
} from './message-encoding';

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
  /** The Content-Type that says how to read `raw`, when the message declared a charset. */
  contentType?: string;
  /**
   * The message as UTF-8 JSON text, as `source_record.payload` keeps it: `raw` itself, or `raw`
   * decoded from the charset the message declared.
   */
  payload: Buffer;
  key: string | null;
}

export interface RejectedRecord {
  kind: 'rejected';
  index: number;
  feed: string | null;
  reason: RejectReason;
  message: string;
  /** With `contentType` when the message declared a charset: how to read `raw` again (a replay). */
  detail: Record<string, unknown>;
  raw: Buffer;
  key: string | null;
  coordinates?: KafkaCoordinates;
  /** What an `internal_error` caught, for the server's log only: never stored or sent. */
  error?: unknown;
}

/** Messages up to this size get every schema error in their reject; larger ones the first. */
const ALL_SCHEMA_ERRORS_MAX_BYTES = 64 * 1024;

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
 * Size check → text (UTF-8, or the charset declared) → JSON → the feed's JSON Schema → record
 * id, version and cancellation → mapping.
 * Pure apart from reading the catalog; never throws: bad input is rejected with its reason, and
 * any other error (a bug in a mapping or a normalizer, met by this message alone) rejects the
 * message as `internal_error` rather than failing its batch, which over Kafka would be
 * redelivered for ever and stall the partition. The error itself rides along for the log.
 */
export function prepareRecord(
  index: number,
  message: InboundMessage,
  feed: CatalogFeed | undefined,
  options: { maxMessageBytes: number; divisions: DivisionIndex },
): PreparedRecord | RejectedRecord {
  const raw = toBuffer(message.value);
  // A charset says how to read bytes: a message given as text was read already.
  const contentType =
    Buffer.isBuffer(message.value) && charsetOf(message.contentType) !== undefined
      ? (message.contentType ?? undefined)
      : undefined;
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
    detail: contentType === undefined ? detail : { ...detail, contentType },
    raw,
    key: message.key ?? null,
    coordinates: message.coordinates,
  });
  try {
    return {
      kind: 'prepared',
      index,
      ...prepare(raw, contentType, feed, message.coordinates?.topic, options),
      coordinates: message.coordinates,
      raw,
      ...(contentType === undefined ? {} : { contentType }),
      key: message.key ?? null,
    };
  } catch (error) {
    if (error instanceof RecordRejection)
      return rejected(error.reason, error.message, error.detail);
    if (error instanceof Error && error.name === 'InvalidDateError')
      return rejected('schema_violation', error.message);
    // The stack stays out of the reject (operators and the DLQ see it): FeedPipeline logs it.
    return {
      ...rejected(
        'internal_error',
        `internal error while preparing the record: ${describeError(error)}`,
      ),
      error,
    };
  }
}

/**
 * The message's text, read in the charset its Content-Type declares (UTF-8 when none), and that
 * text as UTF-8 bytes. Bytes the charset cannot hold are rejected rather than read as U+FFFD:
 * stored so, the department's values would be lost without anyone being told.
 */
function readText(raw: Buffer, contentType: string | undefined): { text: string; utf8: Buffer } {
  const charset = charsetOf(contentType);
  const encoding = encodingOf(charset);
  if (encoding === undefined)
    throw new RecordRejection(
      'bad_encoding',
      `unknown charset "${charset}" in content-type: the hub reads ${KNOWN_CHARSETS}`,
      { charset },
    );
  const offset = firstInvalidByte(raw, encoding);
  if (offset !== undefined) {
    const read = charset === undefined ? 'UTF-8 (no charset declared)' : `charset ${charset}`;
    throw new RecordRejection(
      'bad_encoding',
      `not valid ${read}: invalid byte sequence at byte ${offset}`,
      { byteOffset: offset },
    );
  }
  const text = decodeText(raw, encoding);
  return { text, utf8: encoding === 'utf-8' ? raw : Buffer.from(text, 'utf8') };
}

/** The steps of prepareRecord; throws a RecordRejection for what it cannot take. */
function prepare(
  raw: Buffer,
  contentType: string | undefined,
  feed: CatalogFeed | undefined,
  topic: string | undefined,
  options: { maxMessageBytes: number; divisions: DivisionIndex },
): Omit<PreparedRecord, 'kind' | 'index' | 'coordinates' | 'raw' | 'contentType' | 'key'> {
  if (!feed)
    throw new RecordRejection('unknown_feed', `no feed is mapped to topic ${topic ?? '?'}`);
  if (raw.length > options.maxMessageBytes) {
    throw new RecordRejection(
      'too_large',
      `message of ${raw.length} bytes exceeds ${options.maxMessageBytes}`,
      { bytes: raw.length, limit: options.maxMessageBytes },
    );
  }
  const { text, utf8 } = readText(raw, contentType);
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new RecordRejection('invalid_json', `not JSON: ${(error as Error).message}`);
  }
  // Checked first up to its first error; every error is listed only for a message small enough
  // that listing them costs little (Ajv's allErrors grows with the square of failing items).
  const quick = feed.validateFirstError ?? feed.validate;
  if (!quick(payload)) {
    const everyError = raw.length <= ALL_SCHEMA_ERRORS_MAX_BYTES && quick !== feed.validate;
    if (everyError) feed.validate(payload);
    const errors = ((everyError ? feed.validate.errors : quick.errors) ?? []).map((e) => ({
      path: e.instancePath,
      message: e.message,
      params: e.params,
    }));
    const first = errors[0];
    throw new RecordRejection(
      'schema_violation',
      `${first?.path || '/'}: ${first?.message ?? 'invalid'}`,
      everyError || quick === feed.validate ? { errors } : { errors, firstErrorOnly: true },
    );
  }
  const record = payload as Record<string, unknown>;
  const { mapping } = feed;
  const version = scalar(record, mapping.version.pointer, 'version');
  const cancelled = matches(record, mapping.cancel);
  return {
    feed: mapping.feed,
    sourceRecordId: scalar(record, mapping.recordId, 'record id'),
    version,
    versionKey: versionKey(mapping.version.order, version),
    cancelled,
    observedAt: parseInstant(scalar(record, mapping.observedAt, 'observation time')),
    mapped: cancelled ? undefined : mapRecord(mapping, record, options.divisions),
    payload: utf8,
  };
}

/** The error's class and message, as a reject may show them (never its stack). */
function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}: ${error.message}`;
  try {
    return `${typeof error} thrown: ${String(error)}`;
  } catch {
    return `${typeof error} thrown`;
  }
}
