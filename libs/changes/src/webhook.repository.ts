import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Queryable } from './change-log.repository';

/** A subscription as its owner sees it: never its secret, which is shown once at creation. */
export interface WebhookView {
  id: string;
  url: string;
  types: string[] | null;
  division: string | null;
  position: string;
  status: string;
  failures: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
}

/** A subscription as operators see it: delivery state only, no URL, no error text. */
export interface WebhookHealth {
  id: string;
  /** The owning client's name. */
  client: string;
  status: string;
  failures: number;
  position: string;
  nextAttemptAt: Date;
}

/** A subscription due for delivery, with its owner as the access policy needs it. */
export interface DueSubscription {
  id: string;
  url: string;
  /** Sealed by HubSecrets. */
  secret: string;
  types: string[] | null;
  division: string | null;
  position: string;
  failures: number;
  owner: {
    id: string;
    name: string;
    feeds: string[];
    scopes: string[];
    divisionCode: string | null;
  };
}

export interface NewWebhook {
  clientId: string;
  url: string;
  sealedSecret: string;
  types: string[] | null;
  division: string | null;
  /** Cursor to deliver after; null: from now on. */
  after: string | null;
}

const VIEW = `id, url, types, division, position::text AS position, status, failures,
              next_attempt_at AS "nextAttemptAt", last_error AS "lastError", created_at AS "createdAt"`;

/** All SQL of webhook subscriptions: the owner's API, the operators' health view, delivery. */
@Injectable()
export class WebhookRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Inserts the subscription unless its client already has `cap`: 'full' then. The client's row
   * is locked while counting, so concurrent registrations of one client cannot pass the cap
   * together; null when the client is gone or revoked.
   */
  create(webhook: NewWebhook, cap: number): Promise<WebhookView | 'full' | null> {
    return this.db.transaction(async (manager) => {
      const [client] = await manager.query<{ n: number }[]>(
        `SELECT (SELECT count(*)::int FROM webhook_subscription WHERE client_id = c.id) AS n
           FROM api_client c
          WHERE c.id = $1 AND c.revoked_at IS NULL
            FOR UPDATE OF c`,
        [webhook.clientId],
      );
      if (!client) return null;
      if (client.n >= cap) return 'full';
      const [row] = await manager.query<WebhookView[]>(
        `INSERT INTO webhook_subscription (client_id, url, secret, types, division, position)
         VALUES ($1, $2, $3, $4, $5,
                 coalesce($6::bigint, (SELECT coalesce(max(position), 0) FROM change_event)))
         RETURNING ${VIEW}`,
        [
          webhook.clientId,
          webhook.url,
          webhook.sealedSecret,
          webhook.types,
          webhook.division,
          webhook.after,
        ],
      );
      return row;
    });
  }

  list(clientId: string): Promise<WebhookView[]> {
    return this.db.query(
      `SELECT ${VIEW} FROM webhook_subscription WHERE client_id = $1 ORDER BY created_at, id`,
      [clientId],
    );
  }

  /** The client's subscription; undefined also when it is another client's. */
  async get(clientId: string, id: string): Promise<WebhookView | undefined> {
    const [row] = await this.db.query<WebhookView[]>(
      `SELECT ${VIEW} FROM webhook_subscription WHERE id = $1 AND client_id = $2`,
      [id, clientId],
    );
    return row;
  }

  /**
   * Makes the client's subscription active again, from its cursor; from the retention's mark
   * when retention deleted events after the cursor (the owner revives it knowing: its dead
   * subscription said so), and the last error then names the events it will never get.
   */
  async revive(clientId: string, id: string): Promise<WebhookView | undefined> {
    const [rows] = await this.db.query<[WebhookView[], number]>(
      `UPDATE webhook_subscription s
          SET status = 'active', failures = 0, next_attempt_at = now(), updated_at = now(),
              position = greatest(s.position, r.deleted_through),
              last_error = CASE WHEN s.position < r.deleted_through
                THEN format('revived past deleted events: those after position %s up to %s were deleted (HUB_CHANGE_RETENTION_DAYS) before delivery',
                            s.position, r.deleted_through)
                ELSE s.last_error END
         FROM (SELECT coalesce((SELECT deleted_through FROM change_retention), 0) AS deleted_through) r
        WHERE s.id = $1 AND s.client_id = $2
        RETURNING ${VIEW}`,
      [id, clientId],
    );
    return rows[0];
  }

  /** Whether the client had the subscription. */
  async remove(clientId: string, id: string): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      `DELETE FROM webhook_subscription WHERE id = $1 AND client_id = $2`,
      [id, clientId],
    );
    return count > 0;
  }

  health(): Promise<WebhookHealth[]> {
    return this.db.query(
      `SELECT s.id, c.name AS client, s.status, s.failures, s.position::text AS position,
              s.next_attempt_at AS "nextAttemptAt"
         FROM webhook_subscription s JOIN api_client c ON c.id = s.client_id
        ORDER BY s.created_at, s.id`,
    );
  }

  /**
   * The active subscription of a client not revoked that is due longest and has events after
   * its cursor, locked (FOR UPDATE SKIP LOCKED: another replica skips it) until `db`'s
   * transaction ends.
   */
  async nextDue(db: Queryable): Promise<DueSubscription | undefined> {
    const [row] = (await db.query(
      `SELECT s.id, s.url, s.secret, s.types, s.division, s.position::text AS position, s.failures,
              json_build_object('id', c.id, 'name', c.name, 'feeds', c.feeds, 'scopes', c.scopes,
                                'divisionCode', c.division_code) AS owner
         FROM webhook_subscription s JOIN api_client c ON c.id = s.client_id
        WHERE s.status = 'active' AND s.next_attempt_at <= now() AND c.revoked_at IS NULL
          AND s.position < (SELECT coalesce(max(position), 0) FROM change_event)
        ORDER BY s.next_attempt_at
        LIMIT 1
          FOR UPDATE OF s SKIP LOCKED`,
    )) as DueSubscription[];
    return row;
  }

  /** A delivery succeeded (or nothing passed the filters): the cursor moves to `next`. */
  async delivered(db: Queryable, id: string, next: string): Promise<void> {
    await db.query(
      `UPDATE webhook_subscription
          SET position = $2, failures = 0, last_error = NULL, next_attempt_at = now(), updated_at = now()
        WHERE id = $1`,
      [id, next],
    );
  }

  /** A delivery failed: the next attempt after `backoffMs`, or none when it is now dead. */
  async failed(
    db: Queryable,
    id: string,
    outcome: { failures: number; error: string; dead: boolean; backoffMs: number },
  ): Promise<void> {
    await db.query(
      `UPDATE webhook_subscription
          SET failures = $2, last_error = $3, status = $4,
              next_attempt_at = now() + make_interval(secs => $5::double precision / 1000), updated_at = now()
        WHERE id = $1`,
      [
        id,
        outcome.failures,
        outcome.error.slice(0, 1000),
        outcome.dead ? 'dead' : 'active',
        outcome.backoffMs,
      ],
    );
  }
}
