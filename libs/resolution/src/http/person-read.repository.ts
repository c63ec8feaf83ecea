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

/** A person another one's record names: in a household, a family, an event. */
export interface RelatedPersonRow {
  personId: string;
  name: string | null;
  idNumber: string | null;
}

/** The department record a value or relation comes from. */
export interface SourceRow {
  feed: string;
  /** The department's own record id. */
  sourceRecordId: string;
  observedAt: Date | null;
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

  /**
   * Persons named in these police households (户号), each with its relation to the head (GB/T 4761
   * code) as the record naming it in the household states it, and that record.
   */
  householdMembers(households: string[]) {
    if (households.length === 0) return Promise.resolve([]);
    return this.db.query<
      ({ household: string } & RelatedPersonRow & { relationToHead: string | null } & SourceRow)[]
    >(
      `SELECT DISTINCT ON (m.household, m.entity_id)
              m.household, m.entity_id AS "personId", p.name, p.id_number AS "idNumber",
              (SELECT f.fact->>2 FROM jsonb_array_elements(s.facts) f(fact)
                WHERE f.fact->>0 = m.pointer AND f.fact->>1 = 'relationToHead' LIMIT 1) AS "relationToHead",
              s.feed, s.source_record_id AS "sourceRecordId", s.observed_at AS "observedAt"
         FROM mention m
         JOIN person p ON p.id = m.entity_id
         JOIN feed_record_head h ON h.feed = m.feed AND h.source_record_id = m.source_record_id
         JOIN source_record s ON s.id = h.current_id AND s.superseded_at IS NULL
        WHERE m.household = ANY($1::text[]) AND m.active AND m.entity_type = 'person'
        ORDER BY m.household, m.entity_id, s.observed_at DESC NULLS LAST, s.feed, s.source_record_id`,
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
      (SourceRow & {
        headId: string;
        headName: string | null;
        headIdNumber: string | null;
        memberId: string;
        memberName: string | null;
        memberIdNumber: string | null;
        relationToHead: string | null;
      })[]
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
       SELECT s.feed, s.source_record_id AS "sourceRecordId", s.observed_at AS "observedAt",
              hm.entity_id AS "headId", hp.name AS "headName", hp.id_number AS "headIdNumber",
              mm.entity_id AS "memberId", mp.name AS "memberName", mp.id_number AS "memberIdNumber",
              (SELECT f.fact->>2 FROM jsonb_array_elements(s.facts) f(fact)
                WHERE f.fact->>0 = mm.pointer
                  AND f.fact->>1 IN ('relationToHead', 'relationToApplicant')
                LIMIT 1) AS "relationToHead"
         FROM families fam
         JOIN source_record s ON s.id = fam.id
        CROSS JOIN LATERAL jsonb_array_elements(s.relations) r(rel)
         JOIN mention hm ON hm.feed = s.feed AND hm.source_record_id = s.source_record_id AND hm.pointer = fam.head
         JOIN mention mm ON mm.feed = s.feed AND mm.source_record_id = s.source_record_id AND mm.pointer = r.rel->>'from'
         JOIN person hp ON hp.id = hm.entity_id
         JOIN person mp ON mp.id = mm.entity_id
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

  /**
   * Persons in the jurisdiction matching every given filter. A name matches as a part of the
   * golden name (李秀 and 秀英 find 李秀英), ranked: the name itself, then names it begins, then
   * names it is inside, each by trigram similarity (pg_trgm). Names are two to four characters,
   * too short for trigrams to narrow a search: the GIN index on the name's characters
   * (IDX_person_name_chars) finds the names holding every character of the query, and LIKE keeps
   * those holding them in order.
   */
  search(
    query: { idNumber?: string; name?: string; birthDate?: string; phone?: string },
    jurisdiction: string,
    limit: number,
  ) {
    const where: string[] = ['p.merged_into IS NULL', personInJurisdiction('p', '$1')];
    const params: unknown[] = [jurisdiction];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    let order = 'p.name, p.id';
    if (query.idNumber) where.push(`p.id_number = ${param(query.idNumber)}`);
    if (query.name) {
      const name = param(query.name);
      const pattern = param(escapeLike(query.name));
      where.push(
        `string_to_array(p.name, NULL) @> string_to_array(${name}::text, NULL)`,
        `p.name LIKE '%' || ${pattern} || '%'`,
      );
      order = `p.name = ${name} DESC, p.name LIKE ${pattern} || '%' DESC,
                similarity(p.name, ${name}) DESC, p.name, p.id`;
    }
    if (query.birthDate) where.push(`p.birth_date LIKE ${param(query.birthDate)} || '%'`);
    if (query.phone) where.push(`p.phone = ${param(query.phone)}`);
    return this.db.query<PersonSummary[]>(
      `SELECT ${SUMMARY} FROM person p WHERE ${where.join(' AND ')}
        ORDER BY ${order} LIMIT ${param(limit)}`,
      params,
    );
  }

  /** Name and ID number of persons a response names beside its subject (household, family, event). */
  briefs(ids: string[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.query<RelatedPersonRow[]>(
      `SELECT p.id AS "personId", p.name, p.id_number AS "idNumber"
         FROM person p WHERE p.id = ANY($1::uuid[])`,
      [ids],
    );
  }
}

/** A LIKE pattern matching the text itself: its wildcards and escape character escaped. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, '\\$&');
