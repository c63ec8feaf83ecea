import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ChangeEventRow } from './cloud-event';

/** A DataSource, or one connection of it (the relay reads on the connection holding its lease). */
export interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ChangePageQuery {
  /** Position after which to read; 0 for the beginning. */
  after: string;
  /** Full CloudEvents types, e.g. cn.gov.hub.person.updated. */
  types?: string[];
  /**
   * A division code prefix: 500116 takes every event in Jiangjin, also the update that moves an
   * entity out of it.
   */
  division?: string;
  limit: number;
}

/** Reads the change-event outbox in position (commit) order. */
@Injectable()
export class ChangeLogRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The newest position in the log (0 when it is empty). */
  async horizon(db: Queryable = this.db): Promise<bigint> {
    const [{ horizon }] = (await db.query(
      `SELECT coalesce(max(position), 0)::text AS horizon FROM change_event`,
    )) as { horizon: string }[];
    return BigInt(horizon);
  }

  /**
   * Up to `limit` events after `after`, and the cursor to continue from: the last event's
   * position, or, when the page is not full, the newest position this read could see (events up
   * to it that did not pass the filters need not be read again; positions are handed out in
   * commit order, so nothing can appear below it later).
   */
  async page(
    query: ChangePageQuery,
    db: Queryable = this.db,
  ): Promise<{ rows: ChangeEventRow[]; next: string }> {
    const rows = (await db.query(
      `WITH horizon AS (SELECT coalesce(max(position), 0) AS horizon FROM change_event)
       SELECT e.position, e.event_id, e.type, e.entity_type, e.entity_id, e.entity_seq,
              e.division_code, e.previous_division_code, e.time, e.data::text AS data, h.horizon
         FROM horizon h
         LEFT JOIN LATERAL (
           SELECT * FROM change_event
            WHERE position > $1
              AND ($2::text[] IS NULL OR type = ANY($2::text[]))
              AND ($3::text IS NULL OR division_code LIKE $3 || '%'
                   OR previous_division_code LIKE $3 || '%')
            ORDER BY position
            LIMIT $4) e ON true`,
      [query.after, query.types ?? null, query.division ?? null, query.limit],
    )) as (ChangeEventRow & { horizon: string })[];
    const events = rows.filter((r) => r.position !== null).map(({ horizon: _, ...row }) => row);
    const horizon = rows[0]?.horizon ?? query.after;
    const next =
      events.length === query.limit
        ? events[events.length - 1].position
        : BigInt(horizon) > BigInt(query.after)
          ? String(horizon)
          : query.after;
    return { rows: events, next };
  }
}
