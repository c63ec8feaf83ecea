import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { ChangeLogRepository, type ChangePageQuery } from './change-log.repository';
import { toCloudEvent, type ChangeCloudEvent } from './cloud-event';

/**
 * How often a waiting reader looks for new events. Polling the indexed log keeps no database
 * connection per waiting client (LISTEN would hold one each).
 */
const POLL_MS = 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The HTTP change feed: pages, long-polls and Server-Sent Events over the outbox. */
@Injectable()
export class ChangeFeed {
  constructor(private readonly log: ChangeLogRepository) {}

  /** One page; with `waitMs`, waits up to that long for at least one event. */
  async read(
    query: ChangePageQuery,
    waitMs = 0,
  ): Promise<{ events: ChangeCloudEvent[]; next: string }> {
    const deadline = Date.now() + waitMs;
    let cursor = query.after;
    for (;;) {
      const { rows, next } = await this.log.page({ ...query, after: cursor });
      cursor = next;
      if (rows.length > 0 || Date.now() >= deadline)
        return { events: rows.map(toCloudEvent), next };
      await sleep(Math.min(POLL_MS, deadline - Date.now()));
    }
  }

  /** Server-Sent Events until the client goes away; each event's SSE id is its cursor. */
  async stream(query: ChangePageQuery, res: Response): Promise<void> {
    res.status(200).set({
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.flushHeaders();
    let open = true;
    res.on('close', () => (open = false));
    let cursor = query.after;
    while (open) {
      const { events, next } = await this.read({ ...query, after: cursor }, 15_000);
      cursor = next;
      for (const event of events)
        res.write(
          `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
        );
      if (events.length === 0) res.write(`: keep-alive ${cursor}\n\n`);
    }
    res.end();
  }
}
