import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { personInJurisdiction } from './person-read.repository';

export interface MentionRef {
  feed: string;
  sourceRecordId: string;
  pointer: string;
}

/** A review task as stored: the mention under review and its candidates, best first. */
export interface ReviewTaskRow extends MentionRef {
  id: string;
  /** The person the mention is on while the task is open. */
  personId: string;
  candidates: {
    entityId: string | null;
    score: number;
    evidence: { rule: string; weight: number }[];
    matched: MentionRef;
  }[];
  status: string;
  decision: Record<string, unknown> | null;
  createdAt: Date;
  decidedAt: Date | null;
}

/** What one mention states: each attribute's value as its current record version gives it. */
export interface MentionFacts extends MentionRef {
  attribute: string;
  value: unknown;
}

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
    return this.db.query<ReviewTaskRow[]>(
      `SELECT t.id, t.feed, t.source_record_id AS "sourceRecordId", t.pointer, t.entity_id AS "personId",
              t.candidates, t.status, t.decision, t.created_at AS "createdAt", t.decided_at AS "decidedAt"
         FROM review_task t
        WHERE t.status = $1 AND ${TASK_IN_JURISDICTION('$3')}
        ORDER BY t.created_at, t.id LIMIT $2`,
      [status, limit, jurisdiction],
    );
  }

  /**
   * The values the current versions of these records state at these pointers, in mapping order:
   * a reviewer compares what each department says, whichever person the mention is on now (the
   * mention under review may be on a person of its own, with no division, in nobody's
   * jurisdiction).
   */
  mentionFacts(mentions: MentionRef[]): Promise<MentionFacts[]> {
    if (mentions.length === 0) return Promise.resolve([]);
    return this.db.query<MentionFacts[]>(
      `SELECT k.feed, k.id AS "sourceRecordId", k.pointer, f.fact->>1 AS attribute, f.fact->2 AS value
         FROM unnest($1::text[], $2::text[], $3::text[]) k(feed, id, pointer)
         JOIN feed_record_head h ON h.feed = k.feed AND h.source_record_id = k.id
         JOIN source_record s ON s.id = h.current_id AND s.superseded_at IS NULL
        CROSS JOIN LATERAL jsonb_array_elements(s.facts) WITH ORDINALITY AS f(fact, position)
        WHERE f.fact->>0 = k.pointer
        ORDER BY f.position`,
      [
        mentions.map((m) => m.feed),
        mentions.map((m) => m.sourceRecordId),
        mentions.map((m) => m.pointer),
      ],
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
