import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RejectReplayJobStatus } from '@hub/model';

/** A background replay of open rejects and its progress (table reject_replay_job). */
export interface ReplayJob {
  id: string;
  feed: string | null;
  reason: string | null;
  status: RejectReplayJobStatus;
  replayed: number;
  stillRejected: number;
  lastRejectId: string | null;
  error: string | null;
  requestedBy: string;
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt: Date | null;
}

const COLUMNS = `id::text, feed, reason, status, replayed, still_rejected AS "stillRejected",
  last_reject_id::text AS "lastRejectId", error, requested_by AS "requestedBy",
  started_at AS "startedAt", heartbeat_at AS "heartbeatAt", finished_at AS "finishedAt"`;

@Injectable()
export class RejectReplayJobRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async create(
    filter: { feed?: string; reason?: string },
    requestedBy: string,
  ): Promise<ReplayJob> {
    const [job] = await this.db.query<ReplayJob[]>(
      `INSERT INTO reject_replay_job (feed, reason, requested_by) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [filter.feed ?? null, filter.reason ?? null, requestedBy],
    );
    return job;
  }

  async findOne(id: string): Promise<ReplayJob | undefined> {
    const [job] = await this.db.query<ReplayJob[]>(
      `SELECT ${COLUMNS} FROM reject_replay_job WHERE id = $1`,
      [id],
    );
    return job;
  }

  /** A running job of the same filter whose process still refreshes it. */
  async runningLike(
    filter: { feed?: string; reason?: string },
    staleAfterMs: number,
  ): Promise<ReplayJob | undefined> {
    const [job] = await this.db.query<ReplayJob[]>(
      `SELECT ${COLUMNS} FROM reject_replay_job
        WHERE status = 'running' AND feed IS NOT DISTINCT FROM $1 AND reason IS NOT DISTINCT FROM $2
          AND heartbeat_at > now() - make_interval(secs => $3::float8 / 1000)
        ORDER BY id DESC LIMIT 1`,
      [filter.feed ?? null, filter.reason ?? null, staleAfterMs],
    );
    return job;
  }

  /** Running jobs whose process stopped refreshing them (it died): interrupted. */
  async interruptStale(staleAfterMs: number): Promise<void> {
    await this.db.query(
      `UPDATE reject_replay_job SET status = 'interrupted', finished_at = now()
        WHERE status = 'running' AND heartbeat_at <= now() - make_interval(secs => $1::float8 / 1000)`,
      [staleAfterMs],
    );
  }

  /** Adds a page's counts and moves the job past its last reject. */
  async progress(
    id: string,
    page: { replayed: number; stillRejected: number; lastRejectId: string },
  ): Promise<void> {
    await this.db.query(
      `UPDATE reject_replay_job SET replayed = replayed + $2, still_rejected = still_rejected + $3,
              last_reject_id = $4, heartbeat_at = now()
        WHERE id = $1`,
      [id, page.replayed, page.stillRejected, page.lastRejectId],
    );
  }

  async finish(
    id: string,
    status: Exclude<RejectReplayJobStatus, 'running'>,
    error: string | null = null,
  ): Promise<void> {
    await this.db.query(
      `UPDATE reject_replay_job SET status = $2, error = $3, finished_at = now(), heartbeat_at = now()
        WHERE id = $1`,
      [id, status, error],
    );
  }
}
