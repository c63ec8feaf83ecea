import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An operator's word on two person mentions: the same person, or not. Decisions win over the
 * matcher every time their block is resolved again (replays, new records, re-resolution). A
 * split of a person is stored as `different` decisions between the mentions split off and the
 * ones that stay.
 */
@Entity('resolution_decision')
@Index(['feedA', 'sourceRecordIdA', 'pointerA'])
@Index(['feedB', 'sourceRecordIdB', 'pointerB'])
export class ResolutionDecision {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 9 })
  verdict!: 'same' | 'different';

  @Column({ type: 'varchar', length: 32 })
  feedA!: string;

  @Column({ type: 'varchar', length: 128 })
  sourceRecordIdA!: string;

  @Column({ type: 'text' })
  pointerA!: string;

  @Column({ type: 'varchar', length: 32 })
  feedB!: string;

  @Column({ type: 'varchar', length: 128 })
  sourceRecordIdB!: string;

  @Column({ type: 'text' })
  pointerB!: string;

  /** Where the decision came from: a review task, or a split of a person. */
  @Column({ type: 'jsonb' })
  origin!: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  decidedAt!: Date;
}
