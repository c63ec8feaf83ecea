import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { EntityType } from '../entity-type';

/**
 * One place inside a department record that describes an entity (the record itself, or the
 * object at a JSON Pointer such as /payload/members/0), and the entity it is taken to be.
 * Stable across versions of the record; entity resolution re-points it.
 */
@Entity('mention')
@Index(['entityType', 'entityId'])
export class Mention {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  feed!: string;

  @PrimaryColumn({ type: 'varchar', length: 128 })
  sourceRecordId!: string;

  @PrimaryColumn({ type: 'text' })
  pointer!: string;

  @Column({ type: 'varchar', length: 16 })
  entityType!: EntityType;

  @Column({ type: 'uuid' })
  entityId!: string;
}
