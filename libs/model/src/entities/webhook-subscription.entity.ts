import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { ApiClient } from './api-client.entity';

export type WebhookStatus = 'active' | 'dead';

/**
 * A subscriber client without Kafka that wants change events pushed to a URL: each delivery is
 * a POST of a CloudEvents batch, signed by the Standard Webhooks scheme under the
 * subscription's secret. A failed delivery is retried with growing back-off; after
 * `maxFailures` in a row the subscription is dead until its owner revives it. The cursor moves
 * only on a 2xx answer. Only events inside `division` (narrowed to the owner's jurisdiction)
 * are delivered.
 */
@Entity('webhook_subscription')
@Index(['status', 'nextAttemptAt'])
export class WebhookSubscription {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The subscriber client that registered it; only it sees and manages the subscription. */
  @Index()
  @Column({ type: 'uuid' })
  clientId!: string;

  @ManyToOne(() => ApiClient, { nullable: false, onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: ApiClient;

  @Column({ type: 'text' })
  url!: string;

  /**
   * The signing secret (`whsec_…`), sealed with HubSecrets (AES-256-GCM under a key from
   * HUB_SECRETS_KEY); shown in plain text once, when the subscription is created.
   */
  @Column({ type: 'text' })
  secret!: string;

  /** Full CloudEvents types to deliver; null for all. */
  @Column({ type: 'text', array: true, nullable: true })
  types!: string[] | null;

  /** Division code prefix to deliver, inside the owner's jurisdiction; null for all. */
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
