import type { INestApplication } from '@nestjs/common';
import type { ChangeCloudEvent } from '@hub/changes';
import { asDepartments, hubHttp } from './access';

/** The HTTP push feed name of each department topic. */
export const FEED_OF_TOPIC = {
  'ps.population.v1': 'population',
  'ca.assistance.v1': 'assistance',
  'grid.records.v1': 'grid',
} as const;

export type PushTotals = { accepted: number; duplicate: number; stale: number; rejected: number };

/**
 * Pushes generated stream messages through `POST /v1/feeds/{feed}/records` as NDJSON, feed by
 * feed in stream order, as the app's department client, and sums the outcomes the hub answered.
 * `api` must have been prepared (prepareTestAccess, or startTestApi).
 */
export async function pushOverHttp(
  api: INestApplication,
  messages: { topic: string; value: string }[],
  chunk = 1000,
): Promise<PushTotals> {
  const totals: PushTotals = { accepted: 0, duplicate: 0, stale: 0, rejected: 0 };
  for (const [topic, feed] of Object.entries(FEED_OF_TOPIC)) {
    const lines = messages.filter((m) => m.topic === topic).map((m) => m.value);
    for (let i = 0; i < lines.length; i += chunk) {
      const res = await asDepartments(api)
        .post(`/v1/feeds/${feed}/records`)
        .set('content-type', 'application/x-ndjson')
        .send(lines.slice(i, i + chunk).join('\n'))
        .expect(200);
      const body = res.body as PushTotals;
      for (const k of Object.keys(totals) as (keyof PushTotals)[]) totals[k] += body[k];
    }
  }
  return totals;
}

/**
 * Every change event after `after`, page by page through `GET /v1/changes` (as the bootstrap
 * admin, with a purpose), and the cursor.
 */
export async function readChangeFeed(
  api: INestApplication,
  after = '0',
  filters: { division?: string } = {},
): Promise<{ events: ChangeCloudEvent[]; next: string }> {
  const events: ChangeCloudEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = (
      await hubHttp(api)
        .get('/v1/changes')
        .query({ ...filters, after: cursor, limit: 1000 })
        .expect(200)
    ).body as { events: ChangeCloudEvent[]; next: string };
    events.push(...page.events);
    if (page.events.length === 0) return { events, next: page.next };
    cursor = page.next;
  }
}
