import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { shortDivisionName } from '@hub/normalize';
import { personInJurisdiction } from '@hub/resolution';
import type { Candidate } from './choose-value';
import type { PersonReads } from './person-reads';
import type { EntitySnapshot, EventSnapshot, PersonSnapshot } from './prefill';

interface CandidateRow extends Candidate {
  entityId: string;
  attribute: string;
}

/** The golden columns of a person under the attribute names forms use. */
const PERSON_GOLDEN = `p.id, p.name, p.id_number AS "idNumber", p.gender, p.birth_date AS "birthDate",
  p.status, p.phone, p.division_code AS "divisionCode", p.flags, p.merged_into AS "mergedInto"`;

const DIVISION_NAME_TTL_MS = 10 * 60_000;

/** A candidate value (alias v) with its source record (alias s), as JSON. */
const CANDIDATE_JSON = `json_build_object('attribute', v.attribute, 'value', v.value, 'valid', v.valid,
  'feed', s.feed, 'sourceRecordId', s.source_record_id, 'pointer', v.pointer,
  'observedAt', to_char(v.observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))`;

/**
 * SQL conditions that keep a snapshot to what `reads` names, their values appended to `params`.
 * Without reads, everything is read. With no event type read, the event walk finds nothing.
 */
function readFilters(
  reads: PersonReads | undefined,
  params: unknown[],
): { facts: string; eventTypes: string; eventAttributes: string } {
  if (!reads) return { facts: '', eventTypes: '', eventAttributes: '' };
  const param = (value: string[]) => `$${params.push(value)}::text[]`;
  const types = Object.keys(reads.events);
  return {
    facts: `AND f.fact->>1 = ANY(${param(reads.attributes)})`,
    eventTypes: types.length > 0 ? `AND e.event_type = ANY(${param(types)})` : 'AND false',
    eventAttributes: `AND v.attribute = ANY(${param([...new Set(Object.values(reads.events).flat())])})`,
  };
}

/** The facts a mention's current record states of it, with the record. */
interface StatedFacts {
  feed: string;
  sourceRecordId: string;
  pointer: string;
  observedAt: string | null;
  /** [pointer, attribute, value, valid], as source_record.facts holds them. */
  facts: [string, string, unknown, boolean][];
}

const candidatesOf = ({ facts, ...source }: StatedFacts): Omit<CandidateRow, 'entityId'>[] =>
  facts.map(([, attribute, value, valid]) => ({ attribute, value, valid, ...source }));

/** Candidate rows of one entity by attribute. */
function byAttribute(rows: Omit<CandidateRow, 'entityId'>[]): Record<string, Candidate[]> {
  const grouped: Record<string, Candidate[]> = {};
  for (const { attribute, ...candidate } of rows) (grouped[attribute] ??= []).push(candidate);
  return grouped;
}

/** Household relations as a record states them: each member's relation to the head. */
export interface HouseholdRow {
  personId: string;
  headId: string | null;
  relationToHead: string | null;
  /** The civil-affairs case states relations to the applicant directly. */
  direct: boolean;
  /** Direct rows: the relation as the case wrote it (子女 is stored 80, as 其他 is). */
  statedRelation: string | null;
  /** Direct rows: the member's relation to the head of the applicant's police household. */
  policeRelationToHead: string | null;
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
  private readonly divisionNameCache = new LRUCache<string, string>({
    max: 20_000,
    ttl: DIVISION_NAME_TTL_MS,
  });

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

  /**
   * Persons by id (merged ones left out), with candidates, events and review state: all of
   * them, or only what `reads` names (a table of thousands of rows shows a few columns).
   */
  async persons(ids: string[], reads?: PersonReads): Promise<PersonSnapshot[]> {
    if (ids.length === 0) return [];
    return this.personSnapshots('p.id = ANY($1::uuid[])', [ids], reads);
  }

  /** The person, when inside the jurisdiction (a division-code prefix, '' for all). */
  async personInJurisdiction(
    id: string,
    jurisdiction: string,
  ): Promise<PersonSnapshot | undefined> {
    const [person] = await this.personSnapshots(
      `p.id = $1::uuid AND ${personInJurisdiction('p', '$2')}`,
      [id, jurisdiction],
    );
    return person;
  }

  /** The person with this (normalized) ID number inside the jurisdiction. */
  async personByIdNumber(
    idNumber: string,
    jurisdiction: string,
  ): Promise<PersonSnapshot | undefined> {
    const [person] = await this.personSnapshots(
      `p.id_number = $1 AND ${personInJurisdiction('p', '$2')}`,
      [idNumber, jurisdiction],
    );
    return person;
  }

  /**
   * Persons matching `where` with everything a form reads of them, in one statement: a prefill
   * is a handful of such reads at a hundred a second, and each round trip costs the API and
   * PostgreSQL more CPU than the rows it carries.
   */
  private async personSnapshots(
    where: string,
    params: unknown[],
    reads?: PersonReads,
  ): Promise<PersonSnapshot[]> {
    const values = [...params];
    const only = readFilters(reads, values);
    const rows = await this.db.query<
      (Record<string, unknown> & {
        id: string;
        flags: { attribute: string }[] | null;
        mentions: StatedFacts[] | null;
        openReviewTasks: number;
        events:
          | (Omit<EventSnapshot, 'candidates' | 'golden'> & {
              status: string | null;
              candidates: CandidateRow[];
            })[]
          | null;
      })[]
    >(
      // Set-based: each mention's current record (the version no later one superseded, as
      // attribute_value reads it) is read once, for what it states of the person (its facts)
      // and for the events it says the person is involved in (its relations).
      `WITH p AS MATERIALIZED (
         SELECT ${PERSON_GOLDEN} FROM person p WHERE ${where} AND p.merged_into IS NULL
       ), m AS MATERIALIZED (
         SELECT pm.entity_id AS person_id, pm.pointer, pm.active, s.feed,
                s.source_record_id, s.facts, s.relations, s.observed_at
           FROM p
           JOIN mention pm ON pm.entity_type = 'person' AND pm.entity_id = p.id
           JOIN source_record s ON s.feed = pm.feed AND s.source_record_id = pm.source_record_id
                               AND s.superseded_at IS NULL
       ), c AS (
         -- By mention: its source once, then the facts it states, [pointer, attribute, value, valid].
         SELECT m.person_id, json_agg(json_build_object('feed', m.feed,
                  'sourceRecordId', m.source_record_id, 'pointer', m.pointer,
                  'observedAt', to_char(m.observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                  'facts', stated.facts)) AS mentions
           FROM m CROSS JOIN LATERAL (
                  SELECT jsonb_agg(f.fact) AS facts FROM jsonb_array_elements(m.facts) f(fact)
                   WHERE f.fact->>0 = m.pointer ${only.facts}) stated
          WHERE stated.facts IS NOT NULL
          GROUP BY m.person_id
       ), involved AS (
         SELECT DISTINCT m.person_id, em.entity_id AS event_id
           FROM m
          CROSS JOIN LATERAL jsonb_array_elements(m.relations) r(rel)
           JOIN mention em ON em.feed = m.feed AND em.source_record_id = m.source_record_id
                          AND em.pointer = r.rel->>'from' AND em.entity_type = 'event'
          WHERE m.active AND r.rel->>'type' = 'involves' AND r.rel->>'to' = m.pointer
       ), ev AS (
         SELECT i.person_id, json_agg(json_build_object(
                  'id', e.id, 'eventType', e.event_type, 'status', e.status,
                  'occurredAt', to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                  'candidates', (SELECT coalesce(json_agg(${CANDIDATE_JSON}), '[]')
                                   FROM attribute_value v JOIN source_record s ON s.id = v.source_record_id
                                  WHERE v.entity_type = 'event' AND v.entity_id = e.id AND v.ended_at IS NULL
                                    ${only.eventAttributes}))) AS events
           FROM involved i JOIN event e ON e.id = i.event_id
          WHERE e.ended_at IS NULL ${only.eventTypes}
          GROUP BY i.person_id
       )
       SELECT p.*, c.mentions, ev.events,
              (SELECT count(*)::int FROM review_task t
                WHERE t.status = 'open'
                  AND (t.entity_id = p.id
                       OR t.candidates @> jsonb_build_array(jsonb_build_object('entityId', p.id::text)))) AS "openReviewTasks"
         FROM p LEFT JOIN c ON c.person_id = p.id LEFT JOIN ev ON ev.person_id = p.id`,
      values,
    );
    return rows.map(({ flags, mergedInto: _, mentions, openReviewTasks, events, ...golden }) => ({
      id: golden.id,
      golden,
      candidates: byAttribute((mentions ?? []).flatMap(candidatesOf)),
      conflicts: (flags ?? []).map((f) => f.attribute),
      openReviewTasks,
      events: (events ?? []).map(({ status, candidates, ...event }) => ({
        ...event,
        golden: { status },
        candidates: byAttribute(candidates),
      })),
    }));
  }

  /**
   * The households the person is in, as current records state them: police households (户号),
   * each member's relation to the head; and civil-affairs cases where the person is the
   * applicant, each member's relation to the applicant directly, with the text the case wrote
   * (its `relation`, beside the member's pointer) and the member's relation to the police head
   * when the member is in the applicant's police household too: 子女 and 其他 are both stored
   * 80, and only the text and the police tell 子 from 女 or 其他.
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
                true AS direct,
                s.payload #>> (string_to_array(substr(mm.pointer, 2), '/') || '{relation}'::text[]) AS "statedRelation"
           FROM mention am
           JOIN feed_record_head h ON h.feed = am.feed AND h.source_record_id = am.source_record_id
           JOIN source_record s ON s.id = h.current_id AND s.superseded_at IS NULL
          CROSS JOIN LATERAL jsonb_array_elements(s.relations) r(rel)
           JOIN mention mm ON mm.feed = s.feed AND mm.source_record_id = s.source_record_id AND mm.pointer = r.rel->>'from'
          WHERE am.entity_type = 'person' AND am.entity_id = $1 AND am.active
            AND r.rel->>'type' = 'family_member_of' AND r.rel->>'to' = am.pointer
          ORDER BY mm.entity_id, s.observed_at DESC NULLS LAST
       )
       SELECT c.*, p."relationToHead" AS "policeRelationToHead"
         FROM cases c LEFT JOIN police p ON p."personId" = c."personId"
       UNION ALL
       SELECT p.*, NULL, NULL FROM police p WHERE p."personId" NOT IN (SELECT "personId" FROM cases)`,
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
   * export holds neither the whole list nor a transaction open. The page walks the index on
   * (birth_date, id) from the cursor on (migration PersonBirthDateOrder), which holds each
   * person's division too: a roster reads the index entries of the age group, not the district.
   */
  async residentsOfDivisionPage(
    prefix: string,
    bornOnOrBefore: string | undefined,
    after: ResidentCursor | null,
    limit: number,
  ): Promise<ResidentCursor[]> {
    const params: unknown[] = [prefix, limit];
    const where = ["p.division_code LIKE $1 || '%'", 'p.merged_into IS NULL'];
    if (bornOnOrBefore !== undefined) where.push(`p.birth_date <= $${params.push(bornOnOrBefore)}`);
    if (after?.birthDate != null) {
      const date = `$${params.push(after.birthDate)}`;
      const id = `$${params.push(after.id)}::uuid`;
      // Unknown birth dates come last, unless the age limit leaves them out (then the row
      // comparison alone bounds the index scan).
      const unknownToo = bornOnOrBefore === undefined ? ' OR p.birth_date IS NULL' : '';
      where.push(`((p.birth_date, p.id) > (${date}, ${id})${unknownToo})`);
    } else if (after) {
      where.push(`p.birth_date IS NULL AND p.id > $${params.push(after.id)}::uuid`);
    }
    return this.db.query<ResidentCursor[]>(
      `SELECT p.id, p.birth_date AS "birthDate" FROM person p
        WHERE ${where.join(' AND ')}
        ORDER BY p.birth_date NULLS LAST, p.id
        LIMIT $2`,
      params,
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

  /**
   * Names of divisions, for display. Divisions are seeded and renamed about once a decade: names
   * are kept a while (DIVISION_NAME_TTL_MS) rather than read again on every form.
   */
  async divisionNames(codes: string[]): Promise<Record<string, string>> {
    const wanted = [...new Set(codes.filter(Boolean))];
    const unknown = wanted.filter((code) => !this.divisionNameCache.has(code));
    if (unknown.length > 0) {
      const rows = await this.db.query<{ code: string; name: string }[]>(
        `SELECT code, name FROM place WHERE code = ANY($1::text[])`,
        [unknown],
      );
      const found = new Map(rows.map((r) => [r.code, shortDivisionName(r.name)]));
      // A code no division has is remembered too (as ''), so it is not looked up again.
      for (const code of unknown) this.divisionNameCache.set(code, found.get(code) ?? '');
    }
    const names: Record<string, string> = {};
    for (const code of wanted) {
      const name = this.divisionNameCache.get(code);
      if (name) names[code] = name;
    }
    return names;
  }
}

export type { EntitySnapshot };
