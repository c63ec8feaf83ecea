import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's golden division is refined by a more precise one under it that a current record
 * gives, the community of a grid worker's grid code included (survivingDivision in
 * libs/resolution): an address often names only the township. Person mentions stored before
 * carry no `gridCommunity` in their features; they get it from their current version's grid
 * code, and existing persons get the refinement in the order the rules give today (township,
 * grid, civil affairs, police; newest among equals, then the longer code), one level per pass,
 * without change events: subscribers learn it from the person's next event.
 */
export class GridCommunityDivision1796446314672 implements MigrationInterface {
  name = 'GridCommunityDivision1796446314672';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE mention m SET features = m.features || jsonb_build_object('gridCommunity', g.community)
         FROM (SELECT DISTINCT ON (s.feed, s.source_record_id, f.fact->>0)
                      s.feed, s.source_record_id, f.fact->>0 AS pointer,
                      substring(f.fact->>2 from '^[0-9]{12}') AS community
                 FROM feed_record_head h
                 JOIN source_record s ON s.id = h.current_id
                CROSS JOIN LATERAL jsonb_array_elements(s.facts) WITH ORDINALITY f(fact, n)
                WHERE f.fact->>1 = 'gridCode' AND f.fact->>3 = 'true' AND f.fact->>2 <> ''
                ORDER BY s.feed, s.source_record_id, f.fact->>0, f.n) g
        WHERE m.entity_type = 'person' AND m.features IS NOT NULL
          AND m.feed = g.feed AND m.source_record_id = g.source_record_id AND m.pointer = g.pointer
          AND g.community IS NOT NULL`,
    );
    // County, township, community: two passes narrow a county to a community.
    for (let pass = 0; pass < 2; pass++)
      await queryRunner.query(
        `UPDATE person p SET division_code = r.division
           FROM (SELECT DISTINCT ON (q.id) q.id, c.code AS division
                   FROM person q
                   JOIN mention m ON m.entity_type = 'person' AND m.entity_id = q.id
                                 AND m.active AND m.features IS NOT NULL
                  CROSS JOIN LATERAL (
                    SELECT v.code FROM (VALUES (1, m.features->>'division'),
                                               (2, m.features->>'gridCommunity')) v(n, code)
                     WHERE length(v.code) > length(coalesce(q.division_code, ''))
                       AND v.code LIKE coalesce(q.division_code, '') || '%'
                     ORDER BY length(v.code) DESC, v.n LIMIT 1) c
                  WHERE q.merged_into IS NULL AND coalesce(length(q.division_code), 0) < 12
                  ORDER BY q.id,
                           CASE m.feed WHEN 'township' THEN 0 WHEN 'grid' THEN 1 WHEN 'assistance' THEN 2
                                       WHEN 'population' THEN 3 ELSE 4 END,
                           m.observed_at DESC NULLS LAST, length(c.code) DESC, c.code) r
          WHERE r.id = p.id`,
      );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // The refined divisions stay: the next record naming a person recomputes theirs.
    await queryRunner.query(
      `UPDATE mention SET features = features - 'gridCommunity'
        WHERE entity_type = 'person' AND features->>'gridCommunity' IS NOT NULL`,
    );
  }
}
