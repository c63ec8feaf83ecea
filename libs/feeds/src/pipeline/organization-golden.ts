import type { EntityManager } from 'typeorm';
import type { GoldenColumns } from '@hub/changes';
import { goldenOrganization, type SurvivorshipRules } from '@hub/resolution';
import type { MappedValue } from '../mapping/mapped-record';
import { goldenColumns } from './golden-columns';

/**
 * The golden columns of these organizations from every active mention of each (the values of
 * its record's current version), by the survivorship rules: civil affairs, the grid worker and
 * others each write an organization's name their own way, and the golden name must not follow
 * whichever record came last. Read after the batch's versions and mentions are written; the
 * probes are LATERAL … LIMIT 1 (see source-record.repository.ts). Each organization costs a read of all its
 * mentions' facts, which is little for the organizations the feeds name (a few records each).
 */
export async function organizationGoldenColumns(
  manager: EntityManager,
  ids: string[],
  rules: SurvivorshipRules,
): Promise<Map<string, GoldenColumns>> {
  if (ids.length === 0) return new Map();
  const rows: { entity_id: string; feed: string; observed_at: string; values: MappedValue[] }[] =
    await manager.query(
      `SELECT m.entity_id, m.feed,
              to_char(s.observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS observed_at,
              coalesce((SELECT jsonb_agg(jsonb_build_object('attribute', f->1, 'value', f->2, 'valid', f->3))
                          FROM jsonb_array_elements(s.facts) f
                         WHERE f->>0 = m.pointer), '[]') AS values
         FROM (SELECT DISTINCT unnest($1::uuid[]) AS id) e
        CROSS JOIN LATERAL (SELECT * FROM mention m
                             WHERE m.entity_type = 'organization' AND m.entity_id = e.id AND m.active OFFSET 0) m
        CROSS JOIN LATERAL (SELECT current_id FROM feed_record_head h
                             WHERE h.feed = m.feed AND h.source_record_id = m.source_record_id LIMIT 1) h
        CROSS JOIN LATERAL (SELECT observed_at, facts FROM source_record s WHERE s.id = h.current_id LIMIT 1) s`,
      [ids],
    );
  const inputs = new Map<string, Parameters<typeof goldenOrganization>[0][number][]>();
  for (const row of rows) {
    const columns = goldenColumns({ entityType: 'organization', values: row.values });
    const input = {
      feed: row.feed,
      observedAt: row.observed_at,
      columns: Object.fromEntries(
        Object.entries(columns).map(([c, v]) => [c, typeof v === 'string' ? v : null]),
      ),
    };
    const list = inputs.get(row.entity_id);
    if (list) list.push(input);
    else inputs.set(row.entity_id, [input]);
  }
  return new Map(
    [...inputs].map(([id, list]) => [id, goldenOrganization(list, rules) as GoldenColumns]),
  );
}
