import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { EntityType } from '@hub/model';
import { codeLabel, shortDivisionName } from '@hub/normalize';
import { divisionPlaceIds } from '../keyed-entities';
import { FeedDepartments } from './feed-departments';

export interface EntityRelation {
  type: string;
  direction: 'out' | 'in';
  otherType: string;
  otherId: string;
  /**
   * What the other entity is called: a person's or organization's name, a division's, an
   * object's, an event's type (社会救助). Null for a standard address, given as `address`.
   */
  otherName: string | null;
  /** The other entity's standard address text, when it is an address (masked like addresses). */
  address?: string;
  placeCode: string | null;
  attributes: Record<string, string>;
  department: string;
  feed: string;
  /** The department's own record id. */
  sourceRecordId: string;
  observedAt: Date | null;
}

/** One current value stated about an entity, with the record and pointer it came from. */
export interface CandidateValue {
  attribute: string;
  value: unknown;
  /** The text of a coded value (女 for gender 2). */
  label?: string;
  valid: boolean;
  department: string;
  feed: string;
  /** The department's own record id. */
  sourceRecordId: string;
  pointer: string;
  observedAt: Date | null;
}

/*
 * Relations are read from the mentions of the entity (an index lookup) to the current versions
 * of their records, rather than through the `relation` view, whose place and entity columns are
 * computed and cannot use an index.
 */
const CURRENT_RELATIONS = `
  FROM mention em
  JOIN feed_record_head h ON h.feed = em.feed AND h.source_record_id = em.source_record_id
  JOIN source_record s ON s.id = h.current_id AND s.superseded_at IS NULL
 CROSS JOIN LATERAL jsonb_array_elements(s.relations) r(rel)`;

/**
 * Read side shared by every resolved entity type: candidate values, mentions, relations, with
 * their provenance as staff read it (the department, its own record id) and coded values' text.
 */
@Injectable()
export class EntityReadRepository {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly departments: FeedDepartments,
  ) {}

  /** Every current value stated about the entity, with the record and pointer it came from. */
  async candidates(type: EntityType, id: string): Promise<CandidateValue[]> {
    const rows = await this.db.query<Omit<CandidateValue, 'label' | 'department'>[]>(
      `SELECT v.attribute, v.value, v.valid, s.feed, s.source_record_id AS "sourceRecordId", v.pointer,
              v.observed_at AS "observedAt"
         FROM attribute_value v JOIN source_record s ON s.id = v.source_record_id
        WHERE v.entity_type = $1 AND v.entity_id = $2 AND v.ended_at IS NULL
        ORDER BY v.attribute, s.feed, s.source_record_id, v.pointer`,
      [type, id],
    );
    return rows.map(({ attribute, value, valid, ...source }) => {
      const label = codeLabel(attribute, value);
      return {
        attribute,
        value,
        ...(label === undefined ? {} : { label }),
        valid,
        department: this.departments.of(source.feed),
        ...source,
      };
    });
  }

  async mentions(type: EntityType, id: string) {
    const rows = await this.db.query<
      {
        feed: string;
        sourceRecordId: string;
        pointer: string;
        active: boolean;
        link: Record<string, unknown> | null;
        household: string | null;
      }[]
    >(
      `SELECT feed, source_record_id AS "sourceRecordId", pointer, active, link, household
         FROM mention WHERE entity_type = $1 AND entity_id = $2
        ORDER BY feed, source_record_id, pointer`,
      [type, id],
    );
    return rows.map((row) => ({ department: this.departments.of(row.feed), ...row }));
  }

  /**
   * Current relations from or to the entity, each with what the other entity is called and the
   * department record asserting it.
   */
  async relations(type: EntityType, id: string): Promise<EntityRelation[]> {
    const rows = await this.db.query<
      (Omit<EntityRelation, 'department' | 'address'> & { placeLevel: string | null })[]
    >(
      `WITH rel AS (
         SELECT r.rel->>'type' AS type, 'out' AS direction, coalesce(tm.entity_type, 'place') AS "otherType",
                coalesce(tm.entity_id, pl.id) AS "otherId", pl.code AS "placeCode",
                coalesce(r.rel->'attributes', '{}'::jsonb) AS attributes,
                s.feed, s.source_record_id AS "sourceRecordId", s.observed_at AS "observedAt"
           ${CURRENT_RELATIONS}
           LEFT JOIN mention tm ON tm.feed = s.feed AND tm.source_record_id = s.source_record_id AND tm.pointer = r.rel->>'to'
           LEFT JOIN place pl ON pl.code = r.rel->>'toPlace'
          WHERE em.entity_type = $1 AND em.entity_id = $2 AND r.rel->>'from' = em.pointer
            AND coalesce(tm.entity_id, pl.id) IS NOT NULL
         UNION ALL
         SELECT r.rel->>'type', 'in', fm.entity_type, fm.entity_id, NULL,
                coalesce(r.rel->'attributes', '{}'::jsonb), s.feed, s.source_record_id, s.observed_at
           ${CURRENT_RELATIONS}
           JOIN mention fm ON fm.feed = s.feed AND fm.source_record_id = s.source_record_id AND fm.pointer = r.rel->>'from'
          WHERE em.entity_type = $1 AND em.entity_id = $2 AND r.rel->>'to' = em.pointer
       )
       SELECT rel.type, rel.direction, rel."otherType", rel."otherId",
              coalesce(op.name, opl.name, oo.name, oorg.name, oe.event_type) AS "otherName",
              opl.level AS "placeLevel", rel."placeCode", rel.attributes,
              rel.feed, rel."sourceRecordId", rel."observedAt"
         FROM rel
         LEFT JOIN person op ON rel."otherType" = 'person' AND op.id = rel."otherId"
         LEFT JOIN place opl ON rel."otherType" = 'place' AND opl.id = rel."otherId"
         LEFT JOIN object oo ON rel."otherType" = 'object' AND oo.id = rel."otherId"
         LEFT JOIN organization oorg ON rel."otherType" = 'organization' AND oorg.id = rel."otherId"
         LEFT JOIN event oe ON rel."otherType" = 'event' AND oe.id = rel."otherId"
        ORDER BY 1, 2, 3, 4, rel.feed, rel."sourceRecordId"`,
      [type, id],
    );
    return rows.map(({ placeLevel, otherName, placeCode, attributes, ...relation }) => {
      const { type, direction, otherType, otherId, feed, sourceRecordId, observedAt } = relation;
      return {
        type,
        direction,
        otherType,
        otherId,
        ...otherNameOf(otherType, placeLevel, otherName),
        placeCode,
        attributes,
        department: this.departments.of(feed),
        feed,
        sourceRecordId,
        observedAt,
      };
    });
  }

  async place(id: string) {
    const [row] = await this.db.query<Record<string, unknown>[]>(
      `SELECT p.id, p.level, p.code, p.name, p.division_code AS "divisionCode", p.address,
              p.parent_id AS "parentId", coalesce(d.name, CASE WHEN p.level <> 'address' THEN parent.name END) AS "divisionName"
         FROM place p
         LEFT JOIN place d ON d.code = p.division_code
         LEFT JOIN place parent ON parent.id = p.parent_id
        WHERE p.id = $1`,
      [id],
    );
    return row;
  }

  async organization(id: string) {
    const [row] = await this.db.query<Record<string, unknown>[]>(
      `SELECT id, uscc, name, org_type AS "orgType", division_code AS "divisionCode"
         FROM organization WHERE id = $1`,
      [id],
    );
    return row;
  }

  async divisionPlaceId(code: string): Promise<string | undefined> {
    return (await divisionPlaceIds(this.db.manager, [code])).get(code);
  }
}

/**
 * What a relation's other entity is called: an event by its type's text, a division by its short
 * name (东门社区); a standard address under `address`, so that the field policy masks it as it
 * masks every address.
 */
function otherNameOf(
  otherType: string,
  placeLevel: string | null,
  name: string | null,
): { otherName: string | null; address?: string } {
  if (name === null) return { otherName: null };
  if (otherType === 'event') return { otherName: codeLabel('eventType', name) ?? name };
  if (otherType !== 'place') return { otherName: name };
  if (placeLevel === 'address') return { otherName: null, address: name };
  return { otherName: shortDivisionName(name) };
}
