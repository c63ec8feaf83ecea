import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { EntityType } from '@hub/model';
import { divisionPlaceIds } from '../keyed-entities';

export interface EntityRelation {
  type: string;
  direction: 'out' | 'in';
  otherType: string;
  otherId: string;
  placeCode: string | null;
  attributes: Record<string, string>;
  sourceRecordId: string;
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

/** Read side shared by every resolved entity type: candidate values, mentions, relations. */
@Injectable()
export class EntityReadRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Every current value stated about the entity, with the record and pointer it came from. */
  candidates(type: EntityType, id: string) {
    return this.db.query<
      {
        attribute: string;
        value: unknown;
        valid: boolean;
        feed: string;
        sourceRecordId: string;
        pointer: string;
        observedAt: Date | null;
      }[]
    >(
      `SELECT v.attribute, v.value, v.valid, s.feed, s.source_record_id AS "sourceRecordId", v.pointer,
              v.observed_at AS "observedAt"
         FROM attribute_value v JOIN source_record s ON s.id = v.source_record_id
        WHERE v.entity_type = $1 AND v.entity_id = $2 AND v.ended_at IS NULL
        ORDER BY v.attribute, s.feed, s.source_record_id, v.pointer`,
      [type, id],
    );
  }

  mentions(type: EntityType, id: string) {
    return this.db.query<
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
  }

  /** Current relations from or to the entity, each with the source record asserting it. */
  relations(type: EntityType, id: string) {
    return this.db.query<EntityRelation[]>(
      `SELECT r.rel->>'type' AS type, 'out' AS direction, coalesce(tm.entity_type, 'place') AS "otherType",
              coalesce(tm.entity_id, pl.id) AS "otherId", pl.code AS "placeCode",
              coalesce(r.rel->'attributes', '{}'::jsonb) AS attributes, s.id AS "sourceRecordId"
         ${CURRENT_RELATIONS}
         LEFT JOIN mention tm ON tm.feed = s.feed AND tm.source_record_id = s.source_record_id AND tm.pointer = r.rel->>'to'
         LEFT JOIN place pl ON pl.code = r.rel->>'toPlace'
        WHERE em.entity_type = $1 AND em.entity_id = $2 AND r.rel->>'from' = em.pointer
          AND coalesce(tm.entity_id, pl.id) IS NOT NULL
       UNION ALL
       SELECT r.rel->>'type', 'in', fm.entity_type, fm.entity_id, NULL,
              coalesce(r.rel->'attributes', '{}'::jsonb), s.id
         ${CURRENT_RELATIONS}
         JOIN mention fm ON fm.feed = s.feed AND fm.source_record_id = s.source_record_id AND fm.pointer = r.rel->>'from'
        WHERE em.entity_type = $1 AND em.entity_id = $2 AND r.rel->>'to' = em.pointer
        ORDER BY 1, 2, 3, 4, 7`,
      [type, id],
    );
  }

  async place(id: string) {
    const [row] = await this.db.query<Record<string, unknown>[]>(
      `SELECT p.id, p.level, p.code, p.name, p.division_code AS "divisionCode", p.address,
              coalesce(d.name, parent.name) AS "divisionName"
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
