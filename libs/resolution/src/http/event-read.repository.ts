import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { personInJurisdiction, type SourceRow } from './person-read.repository';

export interface EventRow {
  id: string;
  /** assistance, elderly_allowance, grid_incident (the mapping's event type). */
  eventType: string;
  status: string | null;
  /** The start date, when the record gives a full one. */
  occurredAt: Date | null;
  divisionCode: string | null;
  /** Set when no current record names the event any more (cancelled). */
  endedAt: Date | null;
}

/** An event a person is involved in, with their role and the record that says so. */
export interface PersonEventRow extends EventRow, SourceRow {
  role: string | null;
}

/** One current value of an event, with its source: for the values events are listed with. */
export interface EventValueRow extends SourceRow {
  eventId: string;
  attribute: string;
  value: unknown;
  valid: boolean;
}

/*
 * The event's current records, by its mentions: an index lookup, as for relations
 * (entity-read.repository.ts).
 */
const EVENT_RECORDS = (alias: string) => `
  FROM mention xm
  JOIN feed_record_head xh ON xh.feed = xm.feed AND xh.source_record_id = xm.source_record_id
  JOIN source_record xs ON xs.id = xh.current_id AND xs.superseded_at IS NULL
 WHERE xm.entity_type = 'event' AND xm.entity_id = ${alias}.id AND xm.active`;

/**
 * Whether event `alias` lies in the jurisdiction given by parameter `param` (a division code
 * prefix, '' for everywhere): its division, the grid its record names (a grid code starts with
 * its community's code: incident addresses often name only the township), the place it happened
 * at (by that place's division, as places are scoped), or any person it involves
 * (personInJurisdiction).
 */
export const eventInJurisdiction = (alias: string, param: string) => `(
  ${param} = '' OR ${alias}.division_code LIKE ${param} || '%'
  OR EXISTS (
    SELECT 1 ${EVENT_RECORDS(alias)}
       AND (EXISTS (
              SELECT 1 FROM jsonb_array_elements(xs.facts) xf(fact)
               WHERE xf.fact->>0 = xm.pointer AND xf.fact->>1 = 'gridCode'
                 AND xf.fact->>2 LIKE ${param} || '%')
            OR EXISTS (
              SELECT 1 FROM jsonb_array_elements(xs.relations) xr(rel)
                JOIN mention xt ON xt.feed = xs.feed AND xt.source_record_id = xs.source_record_id
                               AND xt.pointer = xr.rel->>'to'
                JOIN place xp ON xt.entity_type = 'place' AND xp.id = xt.entity_id
               WHERE xr.rel->>'from' = xm.pointer AND xr.rel->>'type' = 'happened_at'
                 AND coalesce(xp.division_code, xp.code) LIKE ${param} || '%')
            OR EXISTS (
              SELECT 1 FROM jsonb_array_elements(xs.relations) xr(rel)
                JOIN mention xt ON xt.feed = xs.feed AND xt.source_record_id = xs.source_record_id
                               AND xt.pointer = xr.rel->>'to'
                JOIN person xq ON xt.entity_type = 'person' AND xq.id = xt.entity_id
               WHERE xr.rel->>'from' = xm.pointer AND xr.rel->>'type' = 'involves'
                 AND ${personInJurisdiction('xq', param)})))
)`;

const EVENT_COLUMNS = `e.id, e.event_type AS "eventType", e.status, e.occurred_at AS "occurredAt",
                       e.division_code AS "divisionCode", e.ended_at AS "endedAt"`;

/** Read side of events (事): assistance cases, allowances, grid incidents. */
@Injectable()
export class EventReadRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The event, when it lies in the jurisdiction (undefined otherwise: as if it did not exist). */
  async event(id: string, jurisdiction: string): Promise<EventRow | undefined> {
    const [row] = await this.db.query<EventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM event e WHERE e.id = $1 AND ${eventInJurisdiction('e', '$2')}`,
      [id, jurisdiction],
    );
    return row;
  }

  /**
   * The current events a current record says the person is involved in, newest first (by start
   * date, else by when their record was observed), with the person's role.
   */
  ofPerson(personId: string, options: { limit: number; eventType?: string }) {
    return this.db.query<PersonEventRow[]>(
      `SELECT * FROM (
         SELECT DISTINCT ON (e.id) ${EVENT_COLUMNS}, r.rel->'attributes'->>'role' AS role,
                s.feed, s.source_record_id AS "sourceRecordId", s.observed_at AS "observedAt"
           FROM mention pm
           JOIN feed_record_head h ON h.feed = pm.feed AND h.source_record_id = pm.source_record_id
           JOIN source_record s ON s.id = h.current_id AND s.superseded_at IS NULL
          CROSS JOIN LATERAL jsonb_array_elements(s.relations) r(rel)
           JOIN mention em ON em.feed = s.feed AND em.source_record_id = s.source_record_id
                          AND em.pointer = r.rel->>'from' AND em.entity_type = 'event'
           JOIN event e ON e.id = em.entity_id AND e.ended_at IS NULL
          WHERE pm.entity_type = 'person' AND pm.entity_id = $1 AND pm.active
            AND r.rel->>'type' = 'involves' AND r.rel->>'to' = pm.pointer
            AND ($2::text IS NULL OR e.event_type = $2)
          ORDER BY e.id, s.observed_at DESC NULLS LAST
       ) events
       ORDER BY coalesce("occurredAt", "observedAt") DESC NULLS LAST, id
       LIMIT $3`,
      [personId, options.eventType ?? null, options.limit],
    );
  }

  /** The current values of these events (their records' facts), for listing them. */
  values(eventIds: string[]) {
    if (eventIds.length === 0) return Promise.resolve([]);
    return this.db.query<EventValueRow[]>(
      `SELECT v.entity_id AS "eventId", v.attribute, v.value, v.valid, s.feed,
              s.source_record_id AS "sourceRecordId", v.observed_at AS "observedAt"
         FROM attribute_value v JOIN source_record s ON s.id = v.source_record_id
        WHERE v.entity_type = 'event' AND v.entity_id = ANY($1::uuid[]) AND v.ended_at IS NULL
        ORDER BY v.entity_id, v.attribute, v.position`,
      [eventIds],
    );
  }
}
