import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { personInJurisdiction } from './person-read.repository';

/**
 * A task is in a jurisdiction when its mention's person or any candidate person is: a reviewer
 * of one township sees the doubts that concern its residents.
 */
const TASK_IN_JURISDICTION = (param: string) => `(${param} = '' OR EXISTS (
  SELECT 1 FROM person p
   WHERE (p.id = t.entity_id OR p.id IN (
            SELECT (c->>'entityId')::uuid FROM jsonb_array_elements(t.candidates) c
             WHERE c->>'entityId' IS NOT NULL))
     AND ${personInJurisdiction('p', param)}))`;

/** Review tasks as the API lists them. */
@Injectable()
export class ReviewTaskRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  list(status: string, limit: number, jurisdiction: string) {
    return this.db.query<Record<string, unknown>[]>(
      `SELECT t.id, t.feed, t.source_record_id AS "sourceRecordId", t.pointer, t.entity_id AS "personId",
              t.candidates, t.status, t.decision, t.created_at AS "createdAt", t.decided_at AS "decidedAt"
         FROM review_task t
        WHERE t.status = $1 AND ${TASK_IN_JURISDICTION('$3')}
        ORDER BY t.created_at, t.id LIMIT $2`,
      [status, limit, jurisdiction],
    );
  }

  async visible(id: string, jurisdiction: string): Promise<boolean> {
    const [row] = await this.db.query<{ found: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM review_task t WHERE t.id = $1 AND ${TASK_IN_JURISDICTION('$2')}) AS found`,
      [id, jurisdiction],
    );
    return row.found;
  }
}
