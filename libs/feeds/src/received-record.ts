import type { FeedDefinition } from './feed-registry';

/** Where a message was read from, when it came over Kafka. */
export interface KafkaCoordinates {
  topic: string;
  partition: number;
  offset: string;
}

/** A department message that parsed as a JSON object and names its record id and version. */
export interface ReceivedRecord {
  feed: string;
  sourceRecordId: string;
  version: string;
  payload: Record<string, unknown>;
  coordinates?: KafkaCoordinates;
}

export class UnreadableRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableRecordError';
  }
}

/**
 * Reads the envelope every feed shares: a JSON object whose record id and version fields are
 * present. Full validation against the feed's schema is the next step of the pipeline.
 */
export function readReceivedRecord(
  feed: FeedDefinition,
  value: unknown,
  coordinates?: KafkaCoordinates,
): ReceivedRecord {
  let payload = value;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    try {
      payload = JSON.parse(value.toString());
    } catch (error) {
      throw new UnreadableRecordError(`not JSON: ${(error as Error).message}`);
    }
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new UnreadableRecordError('not a JSON object');
  }
  const record = payload as Record<string, unknown>;
  const scalar = (field: string) => {
    const v = record[field];
    if ((typeof v !== 'string' || v.trim() === '') && typeof v !== 'number') {
      throw new UnreadableRecordError(`missing ${field}`);
    }
    return String(v).trim();
  };
  return {
    feed: feed.name,
    sourceRecordId: scalar(feed.recordIdField),
    version: scalar(feed.versionField),
    payload: record,
    coordinates,
  };
}
