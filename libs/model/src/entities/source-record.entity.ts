import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * received: stored raw, not yet mapped; accepted: its facts are (or were, until superseded) in
 * the model; cancelled: a cancellation version that ended the record's facts; stale: an older
 * version that arrived after a newer one, kept as history only.
 */
export type SourceRecordStatus = 'received' | 'accepted' | 'cancelled' | 'stale';

/**
 * One normalized value a version contributed, about the subject at `pointer` (see {@link Mention}):
 * the JSON Pointer (RFC 6901) of the object inside the record ("" for the whole record), the
 * attribute, the value, and false when the value failed its check (e.g. an ID number with a wrong
 * check character). Stored as an array, not an object: the four keys repeated in every value were
 * 40 % of the column (1,215 against 724 bytes of JSON per record), and of what the ingest sends
 * and PostgreSQL parses for each version.
 */
export type SourceFact = [pointer: string, attribute: string, value: unknown, valid: boolean];

/** One relation a version asserted, between the subjects at two pointers (or a division). */
export interface SourceRelationFact {
  type: string;
  from: string;
  /** Pointer of the target subject; null when the target is a division (`toPlace`). */
  to: string | null;
  /** Division code of a place target. */
  toPlace: string | null;
  attributes: Record<string, unknown>;
}

/**
 * One version of one department record, exactly as it arrived, with the normalized values it
 * contributed and relations it asserted. They live on the version (not one row each) so that
 * storing a version is one row and ending its facts is one update; the {@link AttributeValue}
 * and {@link Relation} views read them as rows.
 */
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

  /** The version as a string that sorts like the versions (zero-padded integer or UTC instant). */
  @Column({ type: 'varchar', length: 64, default: '' })
  versionKey!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt!: Date;

  /** When a newer version (or a cancellation) replaced this version's facts. */
  @Column({ type: 'timestamptz', nullable: true })
  supersededAt!: Date | null;

  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  /** The time the department says the record describes (its update time); null before mapping. */
  @Column({ type: 'timestamptz', nullable: true })
  observedAt!: Date | null;

  /** The normalized values, with provenance; null for stale, cancelling and unmapped versions. */
  @Column({ type: 'jsonb', nullable: true })
  facts!: SourceFact[] | null;

  /** The relations it asserted (see {@link Relation}); null like `facts`. */
  @Column({ type: 'jsonb', nullable: true })
  relations!: SourceRelationFact[] | null;

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
