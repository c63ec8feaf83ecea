import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { HUB_CONFIG, type HubConfig } from '@hub/config';
import { ChangeLogRepository } from './change-log.repository';
import { cloudEventJson } from './cloud-event';
import { WakeablePause } from './wakeable-pause';

/** Events per delivery (one POST). */
const BATCH = 100;
/** Pause when no subscription has anything due. */
const IDLE_MS = 500;
const REQUEST_TIMEOUT_MS = 10_000;

/** Wait before the next attempt after `failures` failures in a row: base, 2 × base … 5 min. */
export const webhookBackoffMs = (failures: number, baseMs: number): number =>
  Math.min(baseMs * 2 ** Math.max(0, failures - 1), 5 * 60_000);

/** The signature header value of a delivery body: GitHub's `sha256=<hex HMAC>` convention. */
export const webhookSignature = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

interface DueSubscription {
  id: string;
  url: string;
  secret: string;
  types: string[] | null;
  division: string | null;
  position: string;
  failures: number;
}

/**
 * Pushes change events to webhook subscriptions: each delivery is a POST of up to BATCH events
 * after the subscription's cursor, in the same CloudEvents JSON as the HTTP change feed, as a
 * CloudEvents batch (`application/cloudevents-batch+json`), signed in `X-Hub-Signature-256`.
 * A 2xx answer moves the cursor; anything else is retried with back-off, and after
 * HUB_WEBHOOK_MAX_FAILURES in a row the subscription is dead. At least once: a retried delivery
 * carries the same events with the same ids.
 *
 * Every API replica runs one. A subscription is delivered under a row lock on it (FOR UPDATE
 * SKIP LOCKED), held until its cursor moves, so two replicas never deliver the same one at once.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(WebhookDispatcher.name);
  private stopping = false;
  private running?: Promise<void>;
  private readonly pause = new WakeablePause();

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly changeLog: ChangeLogRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.changes.webhooks) this.running = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.pause.wake();
    await this.running;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (!(await this.deliverOne())) await this.pause.sleep(IDLE_MS);
      } catch (error) {
        if (this.stopping) break;
        this.log.warn(`webhooks: ${error instanceof Error ? error.message : String(error)}`);
        await this.pause.sleep(IDLE_MS);
      }
    }
  }

  /**
   * Delivers to the subscription due longest (if any has events after its cursor); returns
   * whether one was due.
   */
  async deliverOne(): Promise<boolean> {
    return this.db.transaction(async (manager) => {
      const [due] = await manager.query<DueSubscription[]>(
        `SELECT id, url, secret, types, division, position::text AS position, failures
           FROM webhook_subscription
          WHERE status = 'active' AND next_attempt_at <= now()
            AND position < (SELECT coalesce(max(position), 0) FROM change_event)
          ORDER BY next_attempt_at
          LIMIT 1
            FOR UPDATE SKIP LOCKED`,
      );
      if (due) await this.deliver(manager, due);
      return due !== undefined;
    });
  }

  private async deliver(manager: EntityManager, sub: DueSubscription): Promise<void> {
    const { rows, next } = await this.changeLog.page(
      {
        after: sub.position,
        types: sub.types ?? undefined,
        division: sub.division ?? undefined,
        limit: BATCH,
      },
      manager,
    );
    // Nothing passed the filters: only the cursor moves.
    const failure = rows.length === 0 ? null : await this.post(sub, rows.map(cloudEventJson));
    if (failure === null) {
      await manager.query(
        `UPDATE webhook_subscription
            SET position = $2, failures = 0, last_error = NULL, next_attempt_at = now(), updated_at = now()
          WHERE id = $1`,
        [sub.id, next],
      );
      return;
    }
    const failures = sub.failures + 1;
    const dead = failures >= this.config.changes.webhookMaxFailures;
    await manager.query(
      `UPDATE webhook_subscription
          SET failures = $2, last_error = $3, status = $4,
              next_attempt_at = now() + make_interval(secs => $5::double precision / 1000), updated_at = now()
        WHERE id = $1`,
      [
        sub.id,
        failures,
        failure.slice(0, 1000),
        dead ? 'dead' : 'active',
        webhookBackoffMs(failures, this.config.changes.webhookBackoffMs),
      ],
    );
    this.log.warn(
      `webhook ${sub.id} to ${sub.url} failed (${failures} in a row${dead ? ', now dead' : ''}): ${failure}`,
    );
  }

  /** POSTs the events; null when the subscriber answered 2xx, else why not. */
  private async post(sub: DueSubscription, events: string[]): Promise<string | null> {
    const body = `[${events.join(',')}]`;
    try {
      const response = await fetch(sub.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/cloudevents-batch+json; charset=utf-8',
          'x-hub-signature-256': webhookSignature(sub.secret, body),
          'x-hub-subscription': sub.id,
        },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok ? null : `HTTP ${response.status}`;
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      return `${error instanceof Error ? error.message : String(error)}${cause ? `: ${cause}` : ''}`;
    }
  }
}
