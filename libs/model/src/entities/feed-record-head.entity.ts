import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The newest version seen of each department record: what ordering decisions lock and compare
 * against (an older version arriving later is stale, the same version again a duplicate).
 */
@Entity('feed_record_head')
export class FeedRecordHead {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  feed!: string;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  sourceRecordId!: string;

  @Column({ type: 'varchar', length: 64 })
  versionKey!: string;

  /** The source_record row of that version. */
  @Column({ type: 'bigint' })
  currentId!: string;

  @Column({ type: 'boolean' })
  cancelled!: boolean;
}
