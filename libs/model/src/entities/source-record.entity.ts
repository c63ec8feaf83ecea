import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type SourceRecordStatus = 'received' | 'accepted' | 'duplicate' | 'stale' | 'cancelled';

/** One version of one department record, exactly as it arrived. */
@Entity('source_record')
@Index(['feed', 'sourceRecordId', 'version'], { unique: true })
export class SourceRecord {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  feed!: string;

  /** The department's own record id (the Kafka message key). */
  @Column({ type: 'varchar', length: 128 })
  sourceRecordId!: string;

  /** The value of the feed's ordering field, as sent. */
  @Column({ type: 'varchar', length: 64 })
  version!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16 })
  status!: SourceRecordStatus;

  /** Kafka coordinates; null when the record came over HTTP. */
  @Column({ type: 'varchar', length: 249, nullable: true })
  topic!: string | null;

  @Column({ type: 'int', nullable: true })
  partition!: number | null;

  @Column({ type: 'bigint', nullable: true })
  offset!: string | null;
}
