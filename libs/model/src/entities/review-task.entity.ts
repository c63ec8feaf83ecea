import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type ReviewTaskStatus = 'open' | 'decided' | 'moot';

/**
 * A person mention the matcher would not decide alone: a candidate scored between the two
 * thresholds, or several scored above. The mention stays on an entity of its own until an
 * operator decides; the task is kept up to date (or made moot) each time its block is resolved.
 */
@Entity('review_task')
@Index(['feed', 'sourceRecordId', 'pointer'], { unique: true, where: `status = 'open'` })
// Open tasks by person (see migration OpenReviewTasksByPerson).
@Index('IDX_review_task_open_entity', { synchronize: false })
@Index('IDX_review_task_open_candidates', { synchronize: false })
export class ReviewTask {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 32 })
  feed!: string;

  @Column({ type: 'varchar', length: 128 })
  sourceRecordId!: string;

  @Column({ type: 'text' })
  pointer!: string;

  /** The entity the mention is on while the task is open. */
  @Column({ type: 'uuid' })
  entityId!: string;

  /** [{entityId, score, evidence, matched: {feed, sourceRecordId, pointer}}], best first. */
  @Column({ type: 'jsonb' })
  candidates!: Record<string, unknown>[];

  @Index()
  @Column({ type: 'varchar', length: 8, default: 'open' })
  status!: ReviewTaskStatus;

  @Column({ type: 'jsonb', nullable: true })
  decision!: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;
}
