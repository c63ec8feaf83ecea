import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** How far a relay has published the change-event outbox (positions are in commit order). */
@Entity('change_relay_cursor')
export class ChangeRelayCursor {
  /** The relay's destination, e.g. the Kafka topic. */
  @PrimaryColumn({ type: 'varchar', length: 249 })
  name!: string;

  /** The last position published. */
  @Column({ type: 'bigint', default: 0 })
  position!: string;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
