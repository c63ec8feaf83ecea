import { Column, CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * Columns every unified-model entity shares. The golden columns on each table are the
 * values survivorship chose; every candidate value with its provenance is an
 * {@link AttributeValue} (a view over the values stored on each source record).
 */
export abstract class ModelEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  /**
   * How many changes the entity has had (1 when created): the per-entity sequence number of its
   * latest change event, by which subscribers order one entity's events.
   */
  @Column({ type: 'bigint', default: 0 })
  changeSeq!: string;

  /**
   * When the entity ended because no record named it any more (its records were cancelled, or
   * their new versions name another entity); null while a record names it. A record naming it
   * again revives it (a `revived` change event). A person's death or moving out is its status.
   */
  @Column({ type: 'timestamptz', nullable: true })
  endedAt!: Date | null;
}
