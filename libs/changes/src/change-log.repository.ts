import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ChangeEventRow } from './cloud-event';
import { CursorBehindRetentionError } from './changes-gone';

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
   * commit order, so nothing can appear below it later). Throws CursorBehindRetentionError when
   * retention deleted events after `after`: one statement reads the retention's mark and the
   * page, so a deletion that commits meanwhile is seen by both or by neither.
   */
  async page(
    query: ChangePageQuery,
    db: Queryable = this.db,
  ): Promise<{ rows: ChangeEventRow[]; next: string }> {
    const rows = (await db.query(
      `WITH horizon AS (
         SELECT coalesce(max(position), 0) AS horizon,
                coalesce((SELECT deleted_through FROM change_retention), 0) AS deleted_through
           FROM change_event)
       SELECT e.position, e.event_id, e.type, e.entity_type, e.entity_id, e.entity_seq,
              e.division_code, e.previous_division_code, e.time, e.data::text AS data, h.horizon,
              h.deleted_through,
              CASE WHEN $1::bigint < h.deleted_through
                   THEN (SELECT min(position) FROM change_event WHERE position > h.deleted_through)
              END AS earliest
         FROM horizon h
         LEFT JOIN LATERAL (
           SELECT * FROM change_event
            WHERE position > $1 AND $1::bigint >= h.deleted_through
              AND ($2::text[] IS NULL OR type = ANY($2::text[]))
              AND ($3::text IS NULL OR division_code LIKE $3 || '%'
                   OR previous_division_code LIKE $3 || '%')
            ORDER BY position
            LIMIT $4) e ON true`,
      [query.after, query.types ?? null, query.division ?? null, query.limit],
    )) as (ChangeEventRow & Retained & { horizon: string })[];
    const [first] = rows;
    if (BigInt(query.after) < BigInt(first.deleted_through))
      throw behindRetention(query.after, first);
    const events = rows
      .filter((r) => r.position !== null)
      .map(({ horizon: _, deleted_through: _d, earliest: _e, ...row }) => row);
    const horizon = first.horizon;
    const next =
      events.length === query.limit
        ? events[events.length - 1].position
        : BigInt(horizon) > BigInt(query.after)
          ? String(horizon)
          : query.after;
    return { rows: events, next };
  }

  /** Throws CursorBehindRetentionError when retention deleted events after `after`. */
  async assertRetained(after: string, db: Queryable = this.db): Promise<void> {
    const [retained] = (await db.query(
      `SELECT r.deleted_through,
              (SELECT min(position) FROM change_event WHERE position > r.deleted_through) AS earliest
         FROM (SELECT coalesce((SELECT deleted_through FROM change_retention), 0) AS deleted_through) r`,
    )) as Retained[];
    if (BigInt(after) < BigInt(retained.deleted_through)) throw behindRetention(after, retained);
  }

  /**
   * One bounded batch of retention: deletes up to `batch` of the oldest events that the relay
   * publishing as `relay` has published (at or below its cursor) and whose time is more than
   * `days` days ago, and moves the retention's mark to the last one, in one statement. Only a
   * prefix of the log goes (up to the first event too young), so every event above the mark is
   * still there; and never the newest event, whose position is the log's horizon (the cursor a
   * reader of an idle log goes on from, and where new webhooks start). Returns how many went.
   */
  async deletePublished(
    options: { relay: string; days: number; batch: number },
    db: Queryable = this.db,
  ): Promise<number> {
    const [{ deleted }] = (await db.query(
      `WITH batch AS (
         SELECT position, time FROM change_event
          WHERE position <= (SELECT position FROM change_relay_cursor WHERE name = $1)
            AND position < (SELECT max(position) FROM change_event)
          ORDER BY position
          LIMIT $3),
       young AS (
         SELECT min(position) AS position FROM batch
          WHERE time >= now() - make_interval(days => $2::int)),
       gone AS (
         DELETE FROM change_event
          WHERE position IN (SELECT position FROM batch
                              WHERE position < coalesce((SELECT position FROM young),
                                                        9223372036854775807))
          RETURNING position),
       mark AS (
         UPDATE change_retention
            SET deleted_through = greatest(deleted_through, (SELECT max(position) FROM gone)),
                updated_at = now()
          WHERE EXISTS (SELECT 1 FROM gone)
          RETURNING deleted_through)
       SELECT (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM mark)::int AS marked`,
      [options.relay, options.days, options.batch],
    )) as { deleted: number }[];
    return deleted;
  }
}

/** The retention's mark (the last position deleted) and the earliest position kept. */
interface Retained {
  deleted_through: string;
  earliest: string | null;
}

const behindRetention = (after: string, { deleted_through, earliest }: Retained) =>
  new CursorBehindRetentionError(
    after,
    earliest,
    earliest === null ? deleted_through : String(BigInt(earliest) - 1n),
  );
