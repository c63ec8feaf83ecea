import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export type WebhookStatus = 'active' | 'dead';

/**
 * A subscriber without Kafka that wants change events pushed to a URL: each delivery is a POST
 * of a CloudEvents batch, signed with HMAC-SHA256 of the body under the subscription's secret.
 * A failed delivery is retried with growing back-off; after `maxFailures` in a row the
 * subscription is dead until an operator revives it. The cursor moves only on a 2xx answer.
 */
@Entity('webhook_subscription')
@Index(['status', 'nextAttemptAt'])
export class WebhookSubscription {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  url!: string;

  /** Key of the X-Hub-Signature-256 header; shown once, when the subscription is created. */
  @Column({ type: 'text' })
  secret!: string;

  /** Full CloudEvents types to deliver; null for all. */
  @Column({ type: 'text', array: true, nullable: true })
  types!: string[] | null;

  /** Division code prefix to deliver; null for all. */
  @Column({ type: 'varchar', length: 12, nullable: true })
  division!: string | null;

  /** The change-log position delivered up to (the HTTP change feed's cursor). */
  @Column({ type: 'bigint', default: 0 })
  position!: string;

  @Column({ type: 'varchar', length: 8, default: 'active' })
  status!: WebhookStatus;

  /** Failed deliveries in a row. */
  @Column({ type: 'int', default: 0 })
  failures!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  nextAttemptAt!: Date;

  @Column({ type: 'text', nullable: true })
  lastError!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
