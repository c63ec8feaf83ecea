import { setTimeout as sleep } from 'node:timers/promises';
import {
  BeforeApplicationShutdown,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';
import { HUB_CONFIG, type HubConfig } from '@hub/config';
import { ChangeLogRepository, type ChangePageQuery } from './change-log.repository';
import { CursorBehindRetentionError } from './changes-gone';
import { toCloudEvent, type ChangeCloudEvent } from './cloud-event';

/**
 * How often the process looks for new events while anyone waits. One look serves every waiting
 * reader (see waitPast): polling the indexed log keeps no database connection per waiting client
 * (LISTEN would hold one each), and a hundred idle streams cost what one does.
 */
const POLL_MS = 200;

/** Bytes an SSE stream may have queued for its client before it waits for the client to read. */
const STREAM_BUFFER_BYTES = 1 << 20;

/**
 * The HTTP change feed: pages, long-polls and Server-Sent Events over the outbox. A waiting
 * reader stops when its client goes away and when the application shuts down: otherwise it
 * would poll for up to a minute after either, and at shutdown query a closed database. Each
 * caller holds at most HUB_CHANGE_FEED_STREAMS_PER_CLIENT waiting reads at once.
 */
@Injectable()
export class ChangeFeed implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ChangeFeed.name);
  private readonly shutdown = new AbortController();
  /** Reads in flight: shutdown waits for them before the database closes. */
  private readonly reading = new Set<Promise<unknown>>();
  /** The newest position the process has seen, and the readers waiting for a newer one. */
  private horizon = 0n;
  private readonly waiters = new Set<{ after: bigint; wake: () => void }>();
  private watching: Promise<void> | null = null;
  /** Open streams and long-polls by caller. */
  private readonly open = new Map<string, number>();

  constructor(
    private readonly log: ChangeLogRepository,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {}

  /** Ends open streams and waits, and lets the database close only after their last query. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    await Promise.allSettled([...this.reading, this.watching]);
  }

  /**
   * Runs `work` as one of the caller's open streams or long-polls, or answers 429 when the
   * caller holds as many as it may.
   */
  async asOpenRead<T>(caller: string, work: () => Promise<T>): Promise<T> {
    const held = this.open.get(caller) ?? 0;
    if (held >= this.config.changes.streamsPerClient)
      throw new HttpException(
        `at most ${this.config.changes.streamsPerClient} change-feed streams and long-polls at once per caller: close one first`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    this.open.set(caller, held + 1);
    try {
      return await work();
    } finally {
      const left = (this.open.get(caller) ?? 1) - 1;
      if (left === 0) this.open.delete(caller);
      else this.open.set(caller, left);
    }
  }

  /** Throws CursorBehindRetentionError when retention deleted events after `after`. */
  assertRetained(after: string): Promise<void> {
    return this.log.assertRetained(after);
  }

  /**
   * One page (CursorBehindRetentionError when retention deleted events after its cursor); with `waitMs`, waits up to that long for at least one event, or until `gone`
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
      await this.waitPast(BigInt(cursor), deadline, stop);
      if (stop.aborted) return { events: [], next: cursor };
    }
  }

  /**
   * Until an event past `after` is committed, the deadline, or `stop`. The readers waiting share
   * one look at the log's newest position every POLL_MS (watch), and query their own page only
   * once there is something new.
   */
  private waitPast(after: bigint, deadline: number, stop: AbortSignal): Promise<void> {
    if (this.horizon > after) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiter = { after, wake: () => done() };
      const timer = setTimeout(() => done(), Math.max(0, deadline - Date.now()));
      const done = () => {
        clearTimeout(timer);
        stop.removeEventListener('abort', done);
        this.waiters.delete(waiter);
        resolve();
      };
      stop.addEventListener('abort', done);
      this.waiters.add(waiter);
      this.watching ??= this.watch().finally(() => (this.watching = null));
    });
  }

  /** The one loop of a process that looks for new events while anyone waits. */
  private async watch(): Promise<void> {
    while (this.waiters.size > 0 && !this.shutdown.signal.aborted) {
      try {
        const latest = await this.log.horizon();
        if (latest > this.horizon) this.horizon = latest;
        for (const waiter of [...this.waiters]) if (this.horizon > waiter.after) waiter.wake();
      } catch (error) {
        // The database is away: the waiting readers time out and answer empty pages.
        this.logger.warn(`cannot read the change log's newest position: ${String(error)}`);
      }
      await sleep(POLL_MS, undefined, { signal: this.shutdown.signal }).catch(() => undefined);
    }
  }

  /**
   * Server-Sent Events until the client goes away or the application shuts down (the client
   * then reconnects from its last id); each event's SSE id is its cursor. The stream waits for
   * a client that reads slowly, and drops one that stops reading (HUB_CHANGE_STREAM_STALL_MS),
   * so a stream never holds more than a page of events in memory. Check the cursor first
   * (assertRetained): if retention deletes events the stream has not sent yet, it ends, and the
   * client's reconnect from its Last-Event-ID is answered 410.
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
      let page: { events: ChangeCloudEvent[]; next: string };
      try {
        page = await this.read({ ...query, after: cursor }, 15_000, gone.signal);
      } catch (error) {
        if (!(error instanceof CursorBehindRetentionError)) throw error;
        this.logger.log(`ended a change-feed stream behind the retention: ${error.message}`);
        break;
      }
      const { events, next } = page;
      cursor = next;
      for (const event of events)
        res.write(
          `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(present(event))}\n\n`,
        );
      if (events.length === 0) res.write(`: keep-alive ${cursor}\n\n`);
      if (res.writableLength > STREAM_BUFFER_BYTES && !(await this.drained(res, gone.signal))) {
        this.logger.log(
          `dropped a change-feed stream whose client left ${res.writableLength} bytes unread for ${this.config.changes.streamStallMs} ms`,
        );
        res.destroy();
        return;
      }
    }
    res.end();
  }

  /** Whether the client read the stream's buffer (or went away) within the stall limit. */
  private drained(res: Response, gone: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (drained: boolean) => {
        clearTimeout(timer);
        res.off('drain', onDrain);
        gone.removeEventListener('abort', onGone);
        resolve(drained);
      };
      const onDrain = () => finish(true);
      const onGone = () => finish(true);
      const timer = setTimeout(() => finish(false), this.config.changes.streamStallMs);
      res.on('drain', onDrain);
      gone.addEventListener('abort', onGone);
      if (gone.aborted || res.writableLength <= STREAM_BUFFER_BYTES) finish(true);
    });
  }
}
