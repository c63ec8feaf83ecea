import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const REJECT_REASONS = [
  'invalid_json',
  'schema_violation',
  'unknown_code',
  'too_large',
  'unknown_feed',
  // Valid by its schema and mapping, yet refused by PostgreSQL (e.g. a value too long).
  'unstorable',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
export type RejectStatus = 'open' | 'replayed';

/** A message the hub could not take, kept whole with its reason until fixed and replayed. */
@Entity('reject')
@Index(['topic', 'partition', 'offset'], { unique: true })
@Index(['feed', 'reason', 'status'])
export class Reject {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  /** Null when not even the feed could be told (unknown topic). */
  @Column({ type: 'varchar', length: 32, nullable: true })
  feed!: string | null;

  @Column({ type: 'varchar', length: 32 })
  reason!: RejectReason;

  /** What exactly failed: schema errors with their paths, the unknown code, the size. */
  @Column({ type: 'jsonb' })
  detail!: unknown;

  /** The message value exactly as received. */
  @Column({ type: 'bytea' })
  raw!: Buffer;

  @Column({ type: 'varchar', length: 256, nullable: true })
  messageKey!: string | null;

  /** Kafka coordinates; null for HTTP push. */
  @Column({ type: 'varchar', length: 249, nullable: true })
  topic!: string | null;

  @Column({ type: 'int', nullable: true })
  partition!: number | null;

  @Column({ type: 'bigint', nullable: true })
  offset!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status!: RejectStatus;

  @Column({ type: 'timestamptz', nullable: true })
  replayedAt!: Date | null;
}
