import { Column, Entity, Index } from 'typeorm';
import { ModelEntity } from './model-entity';

/** 事: something that happened (life event, assistance grant, grid incident, visit). */
@Entity('event')
export class Event extends ModelEntity {
  @Column({ type: 'varchar', length: 64 })
  eventType!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  status!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  occurredAt!: Date | null;

  @Index()
  @Column({ type: 'varchar', length: 12, nullable: true })
  divisionCode!: string | null;
}
