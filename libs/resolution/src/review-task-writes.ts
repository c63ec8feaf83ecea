import type { EntityManager } from 'typeorm';
import { MENTION_KEYS_FROM_JSON, splitMentionKey } from '@hub/model';
import { JSON_RECORDS, jsonRecords } from '@hub/persistence';

/**
 * The open review tasks of a resolution's blocks: one per mention the matcher could not place
 * for sure, with its candidates' persons; a task of a mention of these blocks that is no longer
 * in doubt becomes moot. `blockKeys` are the stored mentions of the blocks resolved.
 */
export async function keepReviewTasks(
  manager: EntityManager,
  blockKeys: string[],
  reviews: {
    key: string;
    candidates: { cluster: string; score: number; matchedKey: string; evidence: unknown }[];
  }[],
  entityOf: Map<string, string>,
  clusters: Map<string, string>,
): Promise<void> {
  const open = reviews.map((r) => {
    const [feed, sourceRecordId, pointer] = splitMentionKey(r.key);
    return {
      feed,
      source_record_id: sourceRecordId,
      pointer,
      entity_id: entityOf.get(clusters.get(r.key)!)!,
      candidates: r.candidates.map((c) => {
        const [mf, mid, mp] = splitMentionKey(c.matchedKey);
        return {
          entityId: entityOf.get(c.cluster) ?? null,
          score: c.score,
          evidence: c.evidence,
          matched: { feed: mf, sourceRecordId: mid, pointer: mp },
        };
      }),
    };
  });
  const stillOpen = new Set(reviews.map((r) => r.key));
  const moot = blockKeys.filter((k) => !stillOpen.has(k));
  if (moot.length > 0)
    await manager.query(
      `UPDATE review_task t SET status = 'moot', decided_at = now()
         FROM ${MENTION_KEYS_FROM_JSON('$1')} k
        WHERE t.status = 'open' AND t.feed = k.feed AND t.source_record_id = k.id AND t.pointer = k.pointer`,
      [JSON.stringify(moot)],
    );
  if (open.length > 0)
    await manager.query(
      `INSERT INTO review_task (feed, source_record_id, pointer, entity_id, candidates)
       SELECT feed, source_record_id, pointer, entity_id, candidates
         FROM ${JSON_RECORDS('$1', 'o', 'feed text, source_record_id text, pointer text, entity_id uuid, candidates jsonb')}
       ON CONFLICT (feed, source_record_id, pointer) WHERE status = 'open'
       DO UPDATE SET entity_id = EXCLUDED.entity_id, candidates = EXCLUDED.candidates`,
      [jsonRecords(open)],
    );
}
