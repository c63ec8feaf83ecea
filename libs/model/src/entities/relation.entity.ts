import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { EntityType } from '../entity-type';
import { SourceRecord } from './source-record.entity';

/**
 * A typed relation between two entities: person lives_at place, person member_of household,
 * person represents organization, event involves person, object located_at place, ...
 */
@Entity('relation')
@Index(['fromType', 'fromId'])
@Index(['toType', 'toId'])
export class Relation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  relationType!: string;

  @Column({ type: 'varchar', length: 16 })
  fromType!: EntityType;

  @Column({ type: 'uuid' })
  fromId!: string;

  @Column({ type: 'varchar', length: 16 })
  toType!: EntityType;

  @Column({ type: 'uuid' })
  toId!: string;

  /** Qualifiers of the relation, e.g. the relation-to-head code of a household membership. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  attributes!: Record<string, unknown>;

  @Index()
  @Column({ type: 'bigint', nullable: true })
  sourceRecordId!: string | null;

  @ManyToOne(() => SourceRecord, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'source_record_id' })
  sourceRecord?: SourceRecord | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  validFrom!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  validTo!: Date | null;
}
