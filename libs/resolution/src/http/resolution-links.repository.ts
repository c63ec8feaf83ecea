import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface MentionLink {
  feed: string;
  sourceRecordId: string;
  pointer: string;
  entityType: string;
  entityId: string;
}

/**
 * The entity of a mention lies in a jurisdiction by its golden division (objects have none: only
 * a caller of every division sees them). A bulk export, so the cheap golden column rather than
 * every division a person's records name.
 */
const LINK_IN_JURISDICTION = (param: string) => `(${param} = '' OR CASE m.entity_type
  WHEN 'person' THEN EXISTS (SELECT 1 FROM person x WHERE x.id = m.entity_id AND x.division_code LIKE ${param} || '%')
  WHEN 'event' THEN EXISTS (SELECT 1 FROM event x WHERE x.id = m.entity_id AND x.division_code LIKE ${param} || '%')
  WHEN 'organization' THEN EXISTS (SELECT 1 FROM organization x WHERE x.id = m.entity_id AND x.division_code LIKE ${param} || '%')
  WHEN 'place' THEN EXISTS (SELECT 1 FROM place x WHERE x.id = m.entity_id AND coalesce(x.division_code, x.code) LIKE ${param} || '%')
  ELSE false END)`;

/** Every mention and its entity, in keyset pages over the mention primary key. */
@Injectable()
export class ResolutionLinksRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  page(after: [string, string, string] | null, jurisdiction: string, limit: number) {
    return this.db.query<MentionLink[]>(
      `SELECT m.feed, m.source_record_id AS "sourceRecordId", m.pointer, m.entity_type AS "entityType",
              m.entity_id AS "entityId"
         FROM mention m
        WHERE ($1::text IS NULL OR (m.feed, m.source_record_id, m.pointer) > ($1, $2, $3))
          AND ${LINK_IN_JURISDICTION('$4')}
        ORDER BY m.feed, m.source_record_id, m.pointer LIMIT ${Number(limit)}`,
      [...(after ?? [null, null, null]), jurisdiction],
    );
  }
}
