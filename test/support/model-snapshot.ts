import type { DataSource } from 'typeorm';

/**
 * The end state of an ingest run in terms that do not depend on generated ids or timing: the
 * stored versions, each record's head, the current facts with their provenance, the current
 * relations between mentions (or divisions), and the rejects. Two runs of the same stream must
 * give equal snapshots, however they were delivered or interrupted.
 */
export async function modelSnapshot(db: DataSource) {
  const versions = await db.query(
    `SELECT feed, source_record_id, version, status FROM source_record ORDER BY 1, 2, 3`,
  );
  const heads = await db.query(
    `SELECT feed, source_record_id, version_key, cancelled FROM feed_record_head ORDER BY 1, 2`,
  );
  const facts = await db.query(
    `SELECT s.feed, s.source_record_id, s.version, a.pointer, a.attribute, a.value, a.valid
       FROM attribute_value a JOIN source_record s ON s.id = a.source_record_id
      WHERE a.ended_at IS NULL ORDER BY 1, 2, 4, 5`,
  );
  const relations = await db.query(
    `SELECT s.feed, s.source_record_id, r.relation_type, fm.pointer AS from_pointer,
            coalesce(tm.pointer, p.code) AS to_ref, r.attributes
       FROM relation r JOIN source_record s ON s.id = r.source_record_id
       JOIN mention fm ON fm.entity_id = r.from_id AND fm.feed = s.feed AND fm.source_record_id = s.source_record_id
       LEFT JOIN mention tm ON tm.entity_id = r.to_id AND tm.feed = s.feed AND tm.source_record_id = s.source_record_id
       LEFT JOIN place p ON p.id = r.to_id
      WHERE r.valid_to IS NULL ORDER BY 1, 2, 3, 4, 5`,
  );
  const rejects = await db.query(
    `SELECT feed, reason, encode(sha256(raw), 'hex') AS raw FROM reject ORDER BY 1, 2, 3`,
  );
  return { versions, heads, facts, relations, rejects };
}

export async function countsByStatus(db: DataSource) {
  const rows: { status: string; n: string }[] = await db.query(
    `SELECT status, count(*) AS n FROM source_record GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
