import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const REJECT_REASONS = [
  'invalid_json',
  'schema_violation',
  'unknown_code',
  'too_large',
  'unknown_feed',
  // Bytes not valid in the charset declared (UTF-8 when none), or a charset the hub cannot read.
  'bad_encoding',
  // Valid by its schema and mapping, yet refused by PostgreSQL (e.g. a value too long).
  'unstorable',
  // A fault of the hub met while preparing this one message (a bug in a mapping or normalizer).
  'internal_error',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
export type RejectStatus = 'open' | 'replayed';

/** A message the hub could not take, kept whole with its reason until fixed and replayed. */
@Entity('reject')
@Index(['topic', 'partition', 'offset'], { unique: true })
@Index(['feed', 'reason', 'status'])
// One open reject per feed and content: a department pushing the same bad record again, or the
// demo loaded at every start, adds nothing while the first is waiting for an operator. Not by
// reason: a replay rewrites the reason in place, which must never collide with another row.
// Over Kafka the coordinates stay the first arrival's. Unknown feeds (null) are never merged:
// they come over Kafka only, each with coordinates of its own.
@Index('IDX_reject_open_content', ['feed', 'contentHash'], {
  unique: true,
  where: `status = 'open'`,
})
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

  /** SHA-256 of `raw`. Null on copies of an open reject kept before deduplication. */
  @Column({ type: 'bytea', nullable: true })
  contentHash!: Buffer | null;

  /**
   * The Kafka key as sent, whatever its length: a key over a bounded column failed the reject's
   * insert, and with it the batch, redelivered for ever. Whole rather than a prefix and a hash:
   * operators read it, a replay passes it on, and no index holds it.
   */
  @Column({ type: 'text', nullable: true })
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
