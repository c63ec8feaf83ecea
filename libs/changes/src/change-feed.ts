import { setTimeout as sleep } from 'node:timers/promises';
import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { ChangeLogRepository, type ChangePageQuery } from './change-log.repository';
import { toCloudEvent, type ChangeCloudEvent } from './cloud-event';

/**
 * How often a waiting reader looks for new events. Polling the indexed log keeps no database
 * connection per waiting client (LISTEN would hold one each).
 */
const POLL_MS = 200;

/**
 * The HTTP change feed: pages, long-polls and Server-Sent Events over the outbox. A waiting
 * reader stops when its client goes away and when the application shuts down: otherwise it
 * would poll for up to a minute after either, and at shutdown query a closed database.
 */
@Injectable()
export class ChangeFeed implements BeforeApplicationShutdown {
  private readonly shutdown = new AbortController();
  /** Reads in flight: shutdown waits for them before the database closes. */
  private readonly reading = new Set<Promise<unknown>>();

  constructor(private readonly log: ChangeLogRepository) {}

  /** Ends open streams and waits, and lets the database close only after their last query. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await Promise.allSettled(this.reading);
  }

  /**
   * One page; with `waitMs`, waits up to that long for at least one event, or until `gone`
   * (the client went away) or shutdown: then the page is empty and `next` where it was.
   */
  async read(
    query: ChangePageQuery,
    waitMs = 0,
    gone?: AbortSignal,
  ): Promise<{ events: ChangeCloudEvent[]; next: string }> {
    const stop = gone ? AbortSignal.any([gone, this.shutdown.signal]) : this.shutdown.signal;
    const reading = this.readUntil(query, Date.now() + waitMs, stop);
    this.reading.add(reading);
    try {
      return await reading;
    } finally {
      this.reading.delete(reading);
    }
  }

  private async readUntil(
    query: ChangePageQuery,
    deadline: number,
    stop: AbortSignal,
  ): Promise<{ events: ChangeCloudEvent[]; next: string }> {
    let cursor = query.after;
    for (;;) {
      const { rows, next } = await this.log.page({ ...query, after: cursor });
      cursor = next;
      if (rows.length > 0 || Date.now() >= deadline)
        return { events: rows.map(toCloudEvent), next };
      // Rejects at once when `stop` aborts.
      await sleep(Math.min(POLL_MS, deadline - Date.now()), undefined, { signal: stop }).catch(
        () => undefined,
      );
      if (stop.aborted) return { events: [], next: cursor };
    }
  }

  /**
   * Server-Sent Events until the client goes away or the application shuts down (the client
   * then reconnects from its last id); each event's SSE id is its cursor.
   */
  async stream(
    query: ChangePageQuery,
    res: Response,
    present: (event: ChangeCloudEvent) => unknown = (event) => event,
  ): Promise<void> {
    res.status(200).set({
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.flushHeaders();
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    let cursor = query.after;
    while (!gone.signal.aborted && !this.shutdown.signal.aborted) {
      const { events, next } = await this.read({ ...query, after: cursor }, 15_000, gone.signal);
      cursor = next;
      for (const event of events)
        res.write(
          `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(present(event))}\n\n`,
        );
      if (events.length === 0) res.write(`: keep-alive ${cursor}\n\n`);
    }
    res.end();
  }
}
