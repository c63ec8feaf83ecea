import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One personal-data read or one write by a person: who (actor, role, client), what (endpoint,
 * subjects, fields shown unmasked, range and count of bulk reads), why (purpose), when, and the
 * request id. Append-only: triggers refuse UPDATE, DELETE and TRUNCATE, and each row carries
 * the hash of the one before it (`npm run audit:verify` checks the chain). `id` is given by the
 * insert trigger under a lock, so ids are gapless and in chain order.
 */
@Entity('audit_log')
@Index(['at'])
export class AuditLog {
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  /** Username, client name, or the issuer's subject. */
  @Column({ type: 'text' })
  actor!: string;

  /** user, client, bootstrap or external. */
  @Column({ type: 'varchar', length: 16 })
  actorKind!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  role!: string | null;

  @Column({ type: 'uuid', nullable: true })
  clientId!: string | null;

  /** Method and route pattern: GET /v1/persons/:id. */
  @Column({ type: 'text' })
  endpoint!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  purpose!: string | null;

  @Index('IDX_audit_log_subjects', { synchronize: false })
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  subjectIds!: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  fieldsUnmasked!: string[];

  @Column({ type: 'int' })
  status!: number;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;

  /** Bulk reads: their range and count; writes: what was asked. */
  @Column({ type: 'jsonb', nullable: true })
  detail!: Record<string, unknown> | null;

  @Column({ type: 'char', length: 64 })
  prevHash!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;
}
