/** The CloudEvents 1.0 `source` of every hub event. */
export const HUB_EVENT_SOURCE = '/grassroots-hub';

/** A change event as CloudEvents 1.0 JSON (structured mode), as on Kafka and the HTTP feed. */
export interface ChangeCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  /** Extension: the entity's sequence number; subscribers order one entity's events by it. */
  entityseq: string;
  /** Extension: the entity's division code, when the model knows it. */
  divisioncode?: string;
  /** Extension: when the change moved the entity to another division, the one it left. */
  previousdivisioncode?: string;
  /** Extension: the entity type (person, event, object, organization). */
  entitytype: string;
  /** Extension: the position in the change log (the HTTP cursor). */
  position: string;
  data: Record<string, unknown>;
}

export interface ChangeEventRow {
  position: string;
  event_id: string;
  type: string;
  entity_type: string;
  entity_id: string;
  entity_seq: string;
  division_code: string | null;
  previous_division_code: string | null;
  time: Date;
  /** The event's data as the JSON text the outbox holds. */
  data: string;
}

function envelope(row: ChangeEventRow): Omit<ChangeCloudEvent, 'data'> {
  return {
    specversion: '1.0',
    id: row.event_id,
    source: HUB_EVENT_SOURCE,
    type: row.type,
    subject: row.entity_id,
    time: row.time.toISOString(),
    datacontenttype: 'application/json',
    entityseq: String(row.entity_seq),
    ...(row.division_code ? { divisioncode: row.division_code } : {}),
    ...(row.previous_division_code ? { previousdivisioncode: row.previous_division_code } : {}),
    entitytype: row.entity_type,
    position: String(row.position),
  };
}

export function toCloudEvent(row: ChangeEventRow): ChangeCloudEvent {
  return { ...envelope(row), data: JSON.parse(row.data) as Record<string, unknown> };
}

/**
 * The same event serialized, with its data spliced in as the outbox holds it: the relay sends
 * thousands a second, and parsing each event's data only to serialize it again cost more CPU
 * than the rest of the relay.
 */
export function cloudEventJson(row: ChangeEventRow): string {
  return `${JSON.stringify(envelope(row)).slice(0, -1)},"data":${row.data}}`;
}
