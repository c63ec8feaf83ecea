import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Webhook } from 'standardwebhooks';
import type { DataSource, EntityManager } from 'typeorm';
import {
  AccessPolicy,
  applyFieldPolicy,
  AuditRepository,
  HubSecrets,
  narrowDivision,
  type FieldPolicy,
} from '@hub/access';
import { HUB_CONFIG, type HubConfig } from '@hub/config';
import { ChangeLogRepository } from './change-log.repository';
import { CursorBehindRetentionError } from './changes-gone';
import { cloudEventJson, toCloudEvent, type ChangeEventRow } from './cloud-event';
import { WakeablePause } from './wakeable-pause';
import { type DueSubscription, WebhookRepository } from './webhook.repository';
import {
  guardedLookup,
  loggableUrl,
  parseWebhookTarget,
  WebhookTargetError,
  type WebhookTarget,
} from './webhook-target';

/** Events per delivery (one POST). */
const BATCH = 100;
/** Pause when no subscription has anything due. */
const IDLE_MS = 500;
const REQUEST_TIMEOUT_MS = 10_000;

/** Wait before the next attempt after `failures` failures in a row: base, 2 × base … 5 min. */
export const webhookBackoffMs = (failures: number, baseMs: number): number =>
  Math.min(baseMs * 2 ** Math.max(0, failures - 1), 5 * 60_000);

/**
 * The `webhook-signature` of a delivery by the Standard Webhooks scheme: `v1,<base64
 * HMAC-SHA256 of "<id>.<unix seconds>.<body>">` under the secret (`whsec_<base64 key>`).
 */
export const webhookSignature = (
  secret: string,
  messageId: string,
  timestamp: Date,
  body: string,
): string => new Webhook(secret).sign(messageId, timestamp, body);

/**
 * The `webhook-id` of a delivery: the subscription and the positions of its first and last
 * event. A retry of the same events carries the same id (a receiver may deduplicate by it); a
 * batch that grew while failing is another message with another id.
 */
export const webhookMessageId = (subscriptionId: string, events: { position: string }[]): string =>
  `${subscriptionId}:${events[0].position}-${events[events.length - 1].position}`;

/**
 * Pushes change events to webhook subscriptions: each delivery is a POST of up to BATCH events
 * after the subscription's cursor, in the same CloudEvents JSON as the HTTP change feed, as a
 * CloudEvents batch (`application/cloudevents-batch+json`), signed by the Standard Webhooks
 * scheme (`webhook-id`, `webhook-timestamp`, `webhook-signature`) under the subscription's
 * secret, decrypted for the delivery. A 2xx answer moves the cursor; anything else (a redirect
 * too: never followed) is retried with back-off, and after HUB_WEBHOOK_MAX_FAILURES in a row
 * the subscription is dead. At least once: a retried delivery carries the same events with
 * the same ids. A subscription whose cursor fell behind the retention (events after it were
 * deleted before it got them) is dead at once, saying so; reviving it goes on from the earliest
 * event kept (WebhookRepository.revive): its owner decides, knowing what it missed.
 *
 * Each delivery checks the target again (webhook-target.ts), on the connection's own DNS
 * lookup, and is scoped by the owner as the change feed scopes it: the owner must still be
 * allowed webhooks and the change feed, events are filtered by the subscription's division
 * narrowed to the owner's jurisdiction, and masked by the owner's field policy.
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
    private readonly webhooks: WebhookRepository,
    private readonly secrets: HubSecrets,
    private readonly policy: AccessPolicy,
    private readonly audit: AuditRepository,
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
      const due = await this.webhooks.nextDue(manager);
      if (due) await this.deliver(manager, due);
      return due !== undefined;
    });
  }

  private async deliver(manager: EntityManager, sub: DueSubscription): Promise<void> {
    const owner = this.policy.client(sub.owner);
    if (!owner.permissions.has('webhooks:manage') || !owner.permissions.has('changes:read'))
      return this.failed(manager, sub, 'the owning client may no longer receive change events');
    // Narrowed at creation already; narrowed again, so the owner's jurisdiction always holds.
    const division = narrowDivision(owner.jurisdiction, sub.division ?? undefined);
    if (division === null)
      return this.failed(
        manager,
        sub,
        `division ${sub.division} is outside the owner's jurisdiction`,
      );
    let page: { rows: ChangeEventRow[]; next: string };
    try {
      page = await this.changeLog.page(
        {
          after: sub.position,
          types: sub.types ?? undefined,
          division: division === '' ? undefined : division,
          limit: BATCH,
        },
        manager,
      );
    } catch (error) {
      if (!(error instanceof CursorBehindRetentionError)) throw error;
      // Retrying cannot bring the events back.
      return this.failed(
        manager,
        sub,
        `${error.message}; revive the subscription to go on from there`,
        true,
      );
    }
    const { rows, next } = page;
    // Nothing passed the filters: only the cursor moves.
    const failure = rows.length === 0 ? null : await this.post(sub, rows, owner.fieldPolicy);
    if (failure === null) await this.webhooks.delivered(manager, sub.id, next);
    else await this.failed(manager, sub, failure);
  }

  private async failed(
    manager: EntityManager,
    sub: DueSubscription,
    error: string,
    hopeless = false,
  ) {
    const failures = sub.failures + 1;
    const dead = hopeless || failures >= this.config.changes.webhookMaxFailures;
    await this.webhooks.failed(manager, sub.id, {
      failures,
      error,
      dead,
      backoffMs: webhookBackoffMs(failures, this.config.changes.webhookBackoffMs),
    });
    this.log.warn(
      `webhook ${sub.id} to ${loggableUrl(sub.url)} failed (${failures} in a row${dead ? ', now dead' : ''}): ${error}`,
    );
  }

  /** POSTs the events, signed; null when the subscriber answered 2xx, else why not. */
  private async post(
    sub: DueSubscription,
    rows: ChangeEventRow[],
    fieldPolicy: FieldPolicy,
  ): Promise<string | null> {
    let target: WebhookTarget;
    try {
      target = parseWebhookTarget(sub.url, this.config.access.webhookAllowlist);
    } catch (error) {
      if (error instanceof WebhookTargetError) return error.message;
      throw error;
    }
    const unmasked = Object.values(fieldPolicy).every((treatment) => treatment === 'full');
    const events = unmasked
      ? rows.map(cloudEventJson)
      : rows.map((row) => JSON.stringify(applyFieldPolicy(toCloudEvent(row), fieldPolicy).body));
    let secret: string;
    try {
      secret = this.secrets.decrypt(sub.secret);
    } catch {
      // A failure, not an exception: the subscription backs off instead of blocking the others.
      return 'the signing secret cannot be decrypted (was HUB_SECRETS_KEY changed?)';
    }
    const body = `[${events.join(',')}]`;
    const id = webhookMessageId(sub.id, rows);
    // A bulk read by the owner, audited as the change feed's pages are: before the data leaves.
    await this.audit.append({
      actor: sub.owner.name,
      actorKind: 'client',
      role: null,
      clientId: sub.owner.id,
      endpoint: `WEBHOOK ${sub.id}`,
      purpose: 'change-subscription',
      subjectIds: [],
      fieldsUnmasked: Object.entries(fieldPolicy)
        .filter(([, treatment]) => treatment === 'full')
        .map(([field]) => field)
        .sort(),
      status: 0,
      requestId: id,
      detail: { after: sub.position, last: rows[rows.length - 1].position, count: rows.length },
    });
    const timestamp = new Date();
    return this.send(target, body, {
      'content-type': 'application/cloudevents-batch+json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
      'webhook-signature': webhookSignature(secret, id, timestamp, body),
    });
  }

  /**
   * One POST over a connection of its own, to an address the guarded lookup checked; no
   * redirect is followed. Null on a 2xx answer, else why not.
   */
  private send(target: WebhookTarget, body: string, headers: Record<string, string>) {
    return new Promise<string | null>((resolve) => {
      let settled = false;
      const settle = (outcome: string | null) => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      const request = (target.url.protocol === 'https:' ? httpsRequest : httpRequest)(
        target.url,
        {
          method: 'POST',
          headers,
          agent: false,
          lookup: guardedLookup(target, this.config.access.webhookAllowlist),
        },
        (response: IncomingMessage) => {
          const status = response.statusCode ?? 0;
          response.on('close', () => clearTimeout(timer));
          response.resume();
          settle(
            status >= 200 && status < 300
              ? null
              : status >= 300 && status < 400
                ? `HTTP ${status}: redirect not followed`
                : `HTTP ${status}`,
          );
        },
      );
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`)),
        REQUEST_TIMEOUT_MS,
      );
      request.on('error', (error: Error) => {
        clearTimeout(timer);
        settle(error.message);
      });
      request.end(body);
    });
  }
}
