import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface PersonSummary {
  id: string;
  name: string | null;
  idNumber: string | null;
  gender: string | null;
  birthDate: string | null;
  status: string;
  phone: string | null;
  divisionCode: string | null;
  flags: unknown[];
  mergedInto: string | null;
}

/**
 * Whether person `alias` lies in the jurisdiction given by parameter `param` (a division code
 * prefix, '' for everywhere): its golden division, the division of any active mention (residence,
 * else 户籍), any division a current record says it lives in or is registered in (户籍), or the
 * grid a grid worker's current record puts it in (a grid code starts with its community's code:
 * addresses often name only the township).
 */
export const personInJurisdiction = (alias: string, param: string) => `(
  ${param} = '' OR ${alias}.division_code LIKE ${param} || '%'
  OR EXISTS (
    SELECT 1 FROM mention jm
     WHERE jm.entity_type = 'person' AND jm.entity_id = ${alias}.id AND jm.active
       AND (jm.features->>'division' LIKE ${param} || '%'
            OR EXISTS (
              SELECT 1 FROM feed_record_head jh
                JOIN source_record js ON js.id = jh.current_id AND js.superseded_at IS NULL
               WHERE jh.feed = jm.feed AND jh.source_record_id = jm.source_record_id
                 AND (EXISTS (
                        SELECT 1 FROM jsonb_array_elements(js.relations) jr(rel)
                         WHERE jr.rel->>'from' = jm.pointer
                           AND jr.rel->>'type' IN ('lives_in', 'registered_in')
                           AND jr.rel->>'toPlace' LIKE ${param} || '%')
                      OR EXISTS (
                        SELECT 1 FROM jsonb_array_elements(js.facts) jf(fact)
                         WHERE jf.fact->>0 = jm.pointer AND jf.fact->>1 = 'gridCode'
                           AND jf.fact->>2 LIKE ${param} || '%'))))))`;

const SUMMARY = `p.id, p.name, p.id_number AS "idNumber", p.gender, p.birth_date AS "birthDate", p.status,
                 p.phone, p.division_code AS "divisionCode", p.flags, p.merged_into AS "mergedInto"`;

/** Read side of resolved persons: golden record, households, review tasks, search (see EntityReadRepository). */
@Injectable()
export class PersonReadRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The person, when it lies in the jurisdiction (undefined otherwise: as if it did not exist). */
  async summary(id: string, jurisdiction: string): Promise<PersonSummary | undefined> {
    const [row] = await this.db.query<PersonSummary[]>(
      `SELECT ${SUMMARY} FROM person p WHERE p.id = $1 AND ${personInJurisdiction('p', '$2')}`,
      [id, jurisdiction],
    );
    return row;
  }

  /** Which of these persons lie in the jurisdiction. */
  async inJurisdiction(ids: string[], jurisdiction: string): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT p.id FROM person p WHERE p.id = ANY($1::uuid[]) AND ${personInJurisdiction('p', '$2')}`,
      [ids, jurisdiction],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Persons named in the same police household (户号) as any mention of this person. */
  householdMembers(households: string[]) {
    if (households.length === 0) return Promise.resolve([]);
    return this.db.query<{ household: string; personId: string; relationToHead: string | null }[]>(
      `SELECT DISTINCT m.household, m.entity_id AS "personId",
              (SELECT v.value #>> '{}' FROM attribute_value v
                WHERE v.entity_type = 'person' AND v.entity_id = m.entity_id AND v.attribute = 'relationToHead' AND v.ended_at IS NULL
                LIMIT 1) AS "relationToHead"
         FROM mention m
        WHERE m.household = ANY($1::text[]) AND m.active
        ORDER BY 1, 2`,
      [households],
    );
  }

  /**
   * Families stated by current records (a civil-affairs case: its members are
   * `family_member_of` the applicant) that the person is in: the head each record names, and
   * each member with its relation to the head (GB/T 4761 code) as that record states it.
   */
  families(id: string) {
    return this.db.query<
      {
        feed: string;
        sourceRecordId: string;
        headId: string;
        memberId: string;
        relationToHead: string | null;
      }[]
    >(
      `WITH families AS (
         SELECT DISTINCT s.id, CASE WHEN r.rel->>'from' = em.pointer THEN r.rel->>'to' ELSE em.pointer END AS head
           FROM mention em
           JOIN feed_record_head h ON h.feed = em.feed AND h.source_record_id = em.source_record_id
           JOIN source_record s ON s.id = h.current_id AND s.superseded_at IS NULL
          CROSS JOIN LATERAL jsonb_array_elements(s.relations) r(rel)
          WHERE em.entity_type = 'person' AND em.entity_id = $1 AND em.active
            AND r.rel->>'type' = 'family_member_of' AND em.pointer IN (r.rel->>'from', r.rel->>'to')
       )
       SELECT s.feed, s.source_record_id AS "sourceRecordId", hm.entity_id AS "headId",
              mm.entity_id AS "memberId",
              (SELECT f.fact->>2 FROM jsonb_array_elements(s.facts) f(fact)
                WHERE f.fact->>0 = mm.pointer
                  AND f.fact->>1 IN ('relationToHead', 'relationToApplicant')
                LIMIT 1) AS "relationToHead"
         FROM families fam
         JOIN source_record s ON s.id = fam.id
        CROSS JOIN LATERAL jsonb_array_elements(s.relations) r(rel)
         JOIN mention hm ON hm.feed = s.feed AND hm.source_record_id = s.source_record_id AND hm.pointer = fam.head
         JOIN mention mm ON mm.feed = s.feed AND mm.source_record_id = s.source_record_id AND mm.pointer = r.rel->>'from'
        WHERE r.rel->>'type' = 'family_member_of' AND r.rel->>'to' = fam.head
        ORDER BY 1, 2, mm.pointer`,
      [id],
    );
  }

  openReviewTasks(id: string) {
    return this.db.query<Record<string, unknown>[]>(
      `SELECT id, feed, source_record_id AS "sourceRecordId", pointer, candidates, created_at AS "createdAt"
         FROM review_task
        WHERE status = 'open' AND (entity_id = $1 OR candidates @> jsonb_build_array(jsonb_build_object('entityId', $1::text)))
        ORDER BY created_at, id`,
      [id],
    );
  }

  /** Persons in the jurisdiction matching every given filter. */
  search(
    query: { idNumber?: string; name?: string; birthDate?: string; phone?: string },
    jurisdiction: string,
    limit: number,
  ) {
    const where: string[] = ['p.merged_into IS NULL', personInJurisdiction('p', '$1')];
    const params: unknown[] = [jurisdiction];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.idNumber) add('p.id_number = ?', query.idNumber);
    if (query.name) add('p.name = ?', query.name);
    if (query.birthDate) add("p.birth_date LIKE ? || '%'", query.birthDate);
    if (query.phone) add('p.phone = ?', query.phone);
    params.push(limit);
    return this.db.query<PersonSummary[]>(
      `SELECT ${SUMMARY} FROM person p WHERE ${where.join(' AND ')} ORDER BY p.name, p.id LIMIT $${params.length}`,
      params,
    );
  }
}
