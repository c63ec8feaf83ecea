import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Candidate } from './choose-value';
import type { EntitySnapshot, EventSnapshot, PersonSnapshot } from './prefill';

interface CandidateRow extends Candidate {
  entityId: string;
  attribute: string;
}

/** The golden columns of a person under the attribute names forms use. */
const PERSON_GOLDEN = `p.id, p.name, p.id_number AS "idNumber", p.gender, p.birth_date AS "birthDate",
  p.status, p.phone, p.division_code AS "divisionCode", p.flags, p.merged_into AS "mergedInto"`;

/** Household relations as a record states them: each member's relation to the head. */
export interface HouseholdRow {
  personId: string;
  headId: string | null;
  relationToHead: string | null;
  /** The civil-affairs case states relations to the applicant directly. */
  direct: boolean;
}

/** Where a page of a division's residents ends: the next page starts after it. */
export interface ResidentCursor {
  id: string;
  birthDate: string | null;
}

/**
 * What forms read: persons, their events, household, places and residents, each with every
 * current candidate value and its source record, in few set-based queries.
 */
@Injectable()
export class FormSubjectRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Current candidate values of these entities, by entity then attribute. */
  async candidates(type: string, ids: string[]): Promise<Map<string, Record<string, Candidate[]>>> {
    const byEntity = new Map<string, Record<string, Candidate[]>>(ids.map((id) => [id, {}]));
    if (ids.length === 0) return byEntity;
    const rows = await this.db.query<CandidateRow[]>(
      `SELECT v.entity_id AS "entityId", v.attribute, v.value, v.valid, s.feed,
              s.source_record_id AS "sourceRecordId", v.pointer,
              to_char(v.observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "observedAt"
         FROM attribute_value v JOIN source_record s ON s.id = v.source_record_id
        WHERE v.entity_type = $1 AND v.entity_id = ANY($2::uuid[]) AND v.ended_at IS NULL`,
      [type, ids],
    );
    for (const { entityId, attribute, ...candidate } of rows)
      ((byEntity.get(entityId) ?? {})[attribute] ??= []).push(candidate);
    return byEntity;
  }

  /** Persons by id (merged ones left out), with candidates, events and review state. */
  async persons(ids: string[]): Promise<PersonSnapshot[]> {
    if (ids.length === 0) return [];
    const [golden, candidates, reviews, events] = await Promise.all([
      this.db.query<(Record<string, unknown> & { id: string; flags: { attribute: string }[] })[]>(
        `SELECT ${PERSON_GOLDEN} FROM person p WHERE p.id = ANY($1::uuid[]) AND p.merged_into IS NULL`,
        [ids],
      ),
      this.candidates('person', ids),
      this.db.query<{ personId: string; open: string }[]>(
        `SELECT p.id AS "personId", count(t.id) AS open
           FROM unnest($1::uuid[]) p(id)
           JOIN review_task t ON t.status = 'open'
            AND (t.entity_id = p.id OR t.candidates @> jsonb_build_array(jsonb_build_object('entityId', p.id::text)))
          GROUP BY p.id`,
        [ids],
      ),
      this.eventsOf(ids),
    ]);
    const open = new Map(reviews.map((r) => [r.personId, Number(r.open)]));
    return golden.map(({ flags, mergedInto: _, ...row }) => ({
      id: row.id,
      golden: row,
      candidates: candidates.get(row.id) ?? {},
      conflicts: (flags ?? []).map((f) => f.attribute),
      openReviewTasks: open.get(row.id) ?? 0,
      events: events.get(row.id) ?? [],
    }));
  }

  /** Current events each person is involved in (a current record says `involves`). */
  private async eventsOf(personIds: string[]): Promise<Map<string, EventSnapshot[]>> {
    const rows = await this.db.query<
      {
        personId: string;
        id: string;
        eventType: string;
        status: string | null;
        occurredAt: string | null;
      }[]
    >(
      `SELECT DISTINCT pm.entity_id AS "personId", e.id, e.event_type AS "eventType", e.status,
              to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "occurredAt"
         FROM mention pm
         JOIN feed_record_head h ON h.feed = pm.feed AND h.source_record_id = pm.source_record_id
         JOIN source_record s ON s.id = h.current_id AND s.superseded_at IS NULL
        CROSS JOIN LATERAL jsonb_array_elements(s.relations) r(rel)
         JOIN mention em ON em.feed = s.feed AND em.source_record_id = s.source_record_id
                        AND em.pointer = r.rel->>'from' AND em.entity_type = 'event'
         JOIN event e ON e.id = em.entity_id AND e.ended_at IS NULL
        WHERE pm.entity_type = 'person' AND pm.entity_id = ANY($1::uuid[]) AND pm.active
          AND r.rel->>'type' = 'involves' AND r.rel->>'to' = pm.pointer`,
      [personIds],
    );
    const candidates = await this.candidates('event', [...new Set(rows.map((r) => r.id))]);
    const byPerson = new Map<string, EventSnapshot[]>();
    for (const row of rows)
      (byPerson.get(row.personId) ?? byPerson.set(row.personId, []).get(row.personId)!).push({
        id: row.id,
        eventType: row.eventType,
        occurredAt: row.occurredAt,
        golden: { status: row.status },
        candidates: candidates.get(row.id) ?? {},
      });
    return byPerson;
  }

  /**
   * The households the person is in, as current records state them: police households (户号),
   * each member's relation to the head; and civil-affairs cases where the person is the
   * applicant, each member's relation to the applicant directly.
   */
  async household(personId: string): Promise<HouseholdRow[]> {
    return this.db.query<HouseholdRow[]>(
      `WITH own AS (
         SELECT DISTINCT household FROM mention
          WHERE entity_type = 'person' AND entity_id = $1 AND active AND household IS NOT NULL
       ), police AS (
         SELECT DISTINCT ON (m.entity_id) m.entity_id AS "personId", NULL::uuid AS "headId",
                (SELECT v.value #>> '{}' FROM attribute_value v
                  WHERE v.entity_type = 'person' AND v.entity_id = m.entity_id
                    AND v.attribute = 'relationToHead' AND v.ended_at IS NULL
                    AND v.source_record_id IN (SELECT s.id FROM source_record s
                                                 WHERE s.feed = m.feed AND s.source_record_id = m.source_record_id)
                  LIMIT 1) AS "relationToHead",
                false AS direct
           FROM mention m JOIN own ON own.household = m.household
          WHERE m.entity_type = 'person' AND m.active
          ORDER BY m.entity_id, m.observed_at DESC NULLS LAST
       ), cases AS (
         SELECT DISTINCT ON (mm.entity_id) mm.entity_id AS "personId", am.entity_id AS "headId",
                (SELECT f.fact->>2 FROM jsonb_array_elements(s.facts) f(fact)
                  WHERE f.fact->>0 = mm.pointer AND f.fact->>1 = 'relationToApplicant' LIMIT 1) AS "relationToHead",
                true AS direct
           FROM mention am
           JOIN feed_record_head h ON h.feed = am.feed AND h.source_record_id = am.source_record_id
           JOIN source_record s ON s.id = h.current_id AND s.superseded_at IS NULL
          CROSS JOIN LATERAL jsonb_array_elements(s.relations) r(rel)
           JOIN mention mm ON mm.feed = s.feed AND mm.source_record_id = s.source_record_id AND mm.pointer = r.rel->>'from'
          WHERE am.entity_type = 'person' AND am.entity_id = $1 AND am.active
            AND r.rel->>'type' = 'family_member_of' AND r.rel->>'to' = am.pointer
          ORDER BY mm.entity_id, s.observed_at DESC NULLS LAST
       )
       SELECT * FROM cases
       UNION ALL
       SELECT * FROM police WHERE "personId" NOT IN (SELECT "personId" FROM cases)`,
      [personId],
    );
  }

  /** The persons of the division subtree who live there (golden division), oldest first. */
  async residentsOfDivision(prefix: string, bornOnOrBefore?: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }[]>(
      `SELECT p.id FROM person p
        WHERE p.division_code LIKE $1 || '%' AND p.merged_into IS NULL
          AND ($2::text IS NULL OR (p.birth_date IS NOT NULL AND p.birth_date <= $2))
        ORDER BY p.birth_date, p.id`,
      [prefix, bornOnOrBefore ?? null],
    );
    return rows.map((r) => r.id);
  }

  /**
   * One keyset page of residentsOfDivision: the next `limit` persons after `after` in the same
   * order (birth date, then id; unknown birth dates last). Each page is its own query, so a long
   * export holds neither the whole list nor a transaction open.
   */
  async residentsOfDivisionPage(
    prefix: string,
    bornOnOrBefore: string | undefined,
    after: ResidentCursor | null,
    limit: number,
  ): Promise<ResidentCursor[]> {
    return this.db.query<ResidentCursor[]>(
      `SELECT p.id, p.birth_date AS "birthDate" FROM person p
        WHERE p.division_code LIKE $1 || '%' AND p.merged_into IS NULL
          AND ($2::text IS NULL OR (p.birth_date IS NOT NULL AND p.birth_date <= $2))
          AND (NOT $3::boolean
               OR ($4::text IS NOT NULL
                   AND (p.birth_date > $4 OR (p.birth_date = $4 AND p.id > $5::uuid) OR p.birth_date IS NULL))
               OR ($4::text IS NULL AND p.birth_date IS NULL AND p.id > $5::uuid))
        ORDER BY p.birth_date NULLS LAST, p.id
        LIMIT $6`,
      [
        prefix,
        bornOnOrBefore ?? null,
        after !== null,
        after?.birthDate ?? null,
        after?.id ?? null,
        limit,
      ],
    );
  }

  /** A place with its candidates, the persons living at it, the events at it, its house. */
  async place(id: string) {
    const [place] = await this.db.query<
      {
        id: string;
        code: string | null;
        divisionCode: string | null;
        address: unknown;
        name: string;
      }[]
    >(`SELECT id, code, division_code AS "divisionCode", address, name FROM place WHERE id = $1`, [
      id,
    ]);
    if (!place) return undefined;
    const related = await this.db.query<{ type: string; entityType: string; entityId: string }[]>(
      `SELECT DISTINCT r.rel->>'type' AS type, fm.entity_type AS "entityType", fm.entity_id AS "entityId"
         FROM mention pm
         JOIN feed_record_head h ON h.feed = pm.feed AND h.source_record_id = pm.source_record_id
         JOIN source_record s ON s.id = h.current_id AND s.superseded_at IS NULL
        CROSS JOIN LATERAL jsonb_array_elements(s.relations) r(rel)
         JOIN mention fm ON fm.feed = s.feed AND fm.source_record_id = s.source_record_id AND fm.pointer = r.rel->>'from'
        WHERE pm.entity_type = 'place' AND pm.entity_id = $1 AND pm.active AND r.rel->>'to' = pm.pointer`,
      [id],
    );
    const ids = (type: string, entityType: string) =>
      related.filter((r) => r.type === type && r.entityType === entityType).map((r) => r.entityId);
    return {
      place: { ...place, candidates: (await this.candidates('place', [id])).get(id) ?? {} },
      residentIds: ids('lives_at', 'person'),
      incidentIds: ids('happened_at', 'event'),
      houseIds: ids('located_at', 'object'),
    };
  }

  /** Events by id with their candidates (incidents at a place). */
  async events(ids: string[]): Promise<EventSnapshot[]> {
    if (ids.length === 0) return [];
    const [rows, candidates] = await Promise.all([
      this.db.query<
        { id: string; eventType: string; status: string | null; occurredAt: string | null }[]
      >(
        `SELECT id, event_type AS "eventType", status,
                to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "occurredAt"
           FROM event WHERE id = ANY($1::uuid[]) AND ended_at IS NULL`,
        [ids],
      ),
      this.candidates('event', ids),
    ]);
    return rows.map((r) => ({
      id: r.id,
      eventType: r.eventType,
      occurredAt: r.occurredAt,
      golden: { status: r.status },
      candidates: candidates.get(r.id) ?? {},
    }));
  }

  /** A house's usage and its owners' names, each with its source. */
  async house(objectIds: string[]): Promise<{ usage: Candidate[]; owner: Candidate[] }> {
    if (objectIds.length === 0) return { usage: [], owner: [] };
    const candidates = await this.candidates('object', objectIds);
    const owners = await this.db.query<Candidate[]>(
      `SELECT DISTINCT v.value, v.valid, s.feed, s.source_record_id AS "sourceRecordId", v.pointer,
              to_char(v.observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "observedAt"
         FROM mention om
         JOIN feed_record_head h ON h.feed = om.feed AND h.source_record_id = om.source_record_id
         JOIN source_record s ON s.id = h.current_id AND s.superseded_at IS NULL
        CROSS JOIN LATERAL jsonb_array_elements(s.relations) r(rel)
         JOIN attribute_value v ON v.source_record_id = s.id AND v.pointer = r.rel->>'from'
                               AND v.attribute = 'name' AND v.ended_at IS NULL
        WHERE om.entity_type = 'object' AND om.entity_id = ANY($1::uuid[]) AND om.active
          AND r.rel->>'type' = 'owns' AND r.rel->>'to' = om.pointer`,
      [objectIds],
    );
    return {
      usage: [...candidates.values()].flatMap((c) => c.usage ?? []),
      owner: owners,
    };
  }

  /** A form submission: the current version of its 镇街采集 record. */
  async submission(id: string): Promise<{ payload: unknown; receivedAt: Date } | undefined> {
    const [row] = await this.db.query<{ payload: unknown; receivedAt: Date }[]>(
      `SELECT s.payload, s.received_at AS "receivedAt"
         FROM feed_record_head h JOIN source_record s ON s.id = h.current_id
        WHERE h.feed = 'township' AND h.source_record_id = $1`,
      [id],
    );
    return row;
  }

  /** Names of divisions, for display. */
  async divisionNames(codes: string[]): Promise<Record<string, string>> {
    const wanted = [...new Set(codes.filter(Boolean))];
    if (wanted.length === 0) return {};
    const rows = await this.db.query<{ code: string; name: string }[]>(
      `SELECT code, name FROM place WHERE code = ANY($1::text[])`,
      [wanted],
    );
    return Object.fromEntries(rows.map((r) => [r.code, shortName(r.name)]));
  }
}

/** 东门社区 for 东门社区居民委员会, 梅湾村 for 梅湾村村民委员会: how addresses write them. */
export const shortName = (name: string): string =>
  name.replace(/(居民委员会|村民委员会|委员会)$/, '');

export type { EntitySnapshot };
