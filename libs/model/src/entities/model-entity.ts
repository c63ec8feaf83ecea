import { CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

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
}
