import { Column, Entity } from 'typeorm';
import { ModelEntity } from './model-entity';

/** 物: a house, room, building or facility: anything with an owner and a place. */
@Entity('object')
export class ModelObject extends ModelEntity {
  @Column({ type: 'varchar', length: 64 })
  objectType!: string;

  @Column({ type: 'varchar', length: 256, nullable: true })
  name!: string | null;
}
