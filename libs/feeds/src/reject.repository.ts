import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RejectReason } from '@hub/model';

export interface RejectRow {
  id: string;
  feed: string | null;
  reason: RejectReason;
  detail: Record<string, unknown>;
  raw: Buffer;
  messageKey: string | null;
  topic: string | null;
  partition: number | null;
  offset: string | null;
  receivedAt: Date;
  status: 'open' | 'replayed';
  replayedAt: Date | null;
}

export interface RejectFilter {
  feed?: string;
  reason?: string;
  status?: 'open' | 'replayed';
  limit?: number;
  afterId?: string;
}

const COLUMNS = `id::text, feed, reason, detail, raw, message_key AS "messageKey", topic, partition,
  "offset"::text AS "offset", received_at AS "receivedAt", status, replayed_at AS "replayedAt"`;

/** Reads and updates of kept rejects (the pipeline inserts them, in its own transaction). */
@Injectable()
export class RejectRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  find(filter: RejectFilter): Promise<RejectRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM reject
        WHERE ($1::text IS NULL OR feed = $1) AND ($2::text IS NULL OR reason = $2)
          AND ($3::text IS NULL OR status = $3) AND ($4::bigint IS NULL OR id > $4)
        ORDER BY id LIMIT $5`,
      [
        filter.feed ?? null,
        filter.reason ?? null,
        filter.status ?? null,
        filter.afterId ?? null,
        filter.limit ?? 100,
      ],
    );
  }

  async findOne(id: string): Promise<RejectRow | undefined> {
    const rows: RejectRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM reject WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async countByFeedAndReason(): Promise<
    { feed: string | null; reason: string; status: string; count: number }[]
  > {
    const rows: { feed: string | null; reason: string; status: string; count: string }[] =
      await this.dataSource.query(
        `SELECT feed, reason, status, count(*) AS count FROM reject GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      );
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  async markReplayed(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE reject SET status = 'replayed', replayed_at = now() WHERE id = $1`,
      [id],
    );
  }

  async updateReason(id: string, reason: string, detail: Record<string, unknown>): Promise<void> {
    await this.dataSource.query(`UPDATE reject SET reason = $2, detail = $3 WHERE id = $1`, [
      id,
      reason,
      JSON.stringify(detail),
    ]);
  }
}
