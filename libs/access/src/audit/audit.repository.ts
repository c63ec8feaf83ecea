import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface AuditEntry {
  actor: string;
  actorKind: string;
  role: string | null;
  clientId: string | null;
  endpoint: string;
  purpose: string | null;
  subjectIds: string[];
  fieldsUnmasked: string[];
  status: number;
  requestId: string | null;
  detail: Record<string, unknown> | null;
}

export interface AuditRow extends AuditEntry {
  id: string;
  at: Date;
}

/** The first row whose hash or link to the row before it does not hold. */
export interface ChainBreak {
  id: string;
  reason: 'hash' | 'link' | 'gap';
}

/**
 * audit_log: appended to by the API, never changed (triggers refuse it). Ids and hashes are
 * given by the insert trigger (see the AccessControl migration).
 */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async append(entry: AuditEntry): Promise<string> {
    const [row] = await this.db.query<{ id: string }[]>(
      `INSERT INTO audit_log (actor, actor_kind, role, client_id, endpoint, purpose, subject_ids,
                              fields_unmasked, status, request_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        entry.actor,
        entry.actorKind,
        entry.role,
        entry.clientId,
        entry.endpoint,
        entry.purpose,
        entry.subjectIds,
        entry.fieldsUnmasked,
        entry.status,
        entry.requestId,
        entry.detail === null ? null : JSON.stringify(entry.detail),
      ],
    );
    return row.id;
  }

  /** Who read or changed this subject, newest first. */
  forSubject(subjectId: string, limit: number, beforeId?: string): Promise<AuditRow[]> {
    return this.db.query(
      `SELECT id, at, actor, actor_kind AS "actorKind", role, client_id AS "clientId", endpoint,
              purpose, subject_ids AS "subjectIds", fields_unmasked AS "fieldsUnmasked", status,
              request_id AS "requestId", detail
         FROM audit_log
        WHERE subject_ids @> ARRAY[$1]::text[] AND ($3::bigint IS NULL OR id < $3)
        ORDER BY id DESC LIMIT $2`,
      [subjectId, limit, beforeId ?? null],
    );
  }

  /**
   * Walks the chain in id order and answers its first break: a row whose hash is not the hash
   * of its content, whose prev_hash is not the hash of the row before, or an id skipped (a
   * removed row). Undefined when the chain holds; also how many rows were checked.
   */
  async verify(): Promise<{ rows: number; broken?: ChainBreak }> {
    const [result] = await this.db.query<
      { rows: string; id: string | null; reason: ChainBreak['reason'] | null }[]
    >(
      `WITH chain AS (
         SELECT a.id, a.hash, a.prev_hash, audit_row_hash(a) AS expected,
                lag(a.hash) OVER (ORDER BY a.id) AS previous_hash,
                lag(a.id) OVER (ORDER BY a.id) AS previous_id
           FROM audit_log a
       ), broken AS (
         SELECT id, CASE WHEN hash <> expected THEN 'hash'
                         WHEN id <> coalesce(previous_id, 0) + 1 THEN 'gap'
                         ELSE 'link' END AS reason
           FROM chain
          WHERE hash <> expected OR id <> coalesce(previous_id, 0) + 1
             OR prev_hash <> coalesce(previous_hash, repeat('0', 64))
          ORDER BY id LIMIT 1
       )
       SELECT (SELECT count(*) FROM audit_log)::text AS rows, b.id::text AS id, b.reason
         FROM (SELECT 1) one LEFT JOIN broken b ON true`,
    );
    return {
      rows: Number(result.rows),
      broken: result.id === null ? undefined : { id: result.id, reason: result.reason! },
    };
  }
}
