import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { EntityType } from '../entity-type';
import { SourceRecord } from './source-record.entity';

/**
 * One candidate value of one attribute of one entity, with its provenance: the source
 * record it came from and the JSON Pointer (RFC 6901) of the object inside that record.
 */
@Entity('attribute_value')
@Index(['entityType', 'entityId', 'attribute'])
export class AttributeValue {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  entityType!: EntityType;

  @Column({ type: 'uuid' })
  entityId!: string;

  @Column({ type: 'varchar', length: 64 })
  attribute!: string;

  @Column({ type: 'jsonb' })
  value!: unknown;

  /** False when the value failed its check (e.g. an ID number with a wrong check character). */
  @Column({ type: 'boolean', default: true })
  valid!: boolean;

  @Index()
  @Column({ type: 'bigint' })
  sourceRecordId!: string;

  @ManyToOne(() => SourceRecord, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'source_record_id' })
  sourceRecord?: SourceRecord;

  /** JSON Pointer of the object inside the source record; "" for the whole record. */
  @Column({ type: 'text' })
  pointer!: string;

  @Column({ type: 'timestamptz' })
  observedAt!: Date;

  /** Set when the source record was cancelled or superseded: the value is history. */
  @Column({ type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
