import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type RejectReplayJobStatus = 'running' | 'done' | 'failed' | 'interrupted';

/**
 * An operator's "replay every open reject" (of a feed, of a reason), run in the background by
 * the API process that accepted it, with its progress: a job outlives its request, and any API
 * replica can tell where it is.
 */
@Entity('reject_replay_job')
export class RejectReplayJob {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  /** The filter: a feed and a reason, each optional. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  feed!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  reason!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'running' })
  status!: RejectReplayJobStatus;

  /** Rejects that went through (accepted, duplicate or stale) so far. */
  @Column({ type: 'int', default: 0 })
  replayed!: number;

  /** Rejects that still fail so far, kept with their new reason. */
  @Column({ type: 'int', default: 0 })
  stillRejected!: number;

  /** The last reject replayed: the job goes on after it. */
  @Column({ type: 'bigint', nullable: true })
  lastRejectId!: string | null;

  /** Why a failed job stopped. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  /** Who asked for it (the principal's name). */
  @Column({ type: 'varchar', length: 128 })
  requestedBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  startedAt!: Date;

  /** Written after every page: a running job whose process died stops being refreshed. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  heartbeatAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
