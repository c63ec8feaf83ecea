import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { ModelEntity } from './model-entity';

/** Province → city → county (区县) → township (乡镇/街道) → village/community (村/社区) → grid → address. */
export const PLACE_LEVELS = [
  'province',
  'city',
  'county',
  'township',
  'village',
  'grid',
  'address',
] as const;
export type PlaceLevel = (typeof PLACE_LEVELS)[number];

/** 地: an administrative division, a grid, or a standard address. */
@Entity('place')
export class Place extends ModelEntity {
  @Column({ type: 'varchar', length: 16 })
  level!: PlaceLevel;

  /** Division code (GB/T 2260, 6 digits; 9 township; 12 village) or grid code; null for addresses. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 16, nullable: true })
  code!: string | null;

  @Column({ type: 'varchar', length: 256 })
  name!: string;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  parentId!: string | null;

  /** Standard addresses: the division the address is keyed in (township for road addresses). */
  @Index()
  @Column({ type: 'varchar', length: 12, nullable: true })
  divisionCode!: string | null;

  /** Standard addresses: road, number, building, unit, room and the rest (StandardAddress). */
  @Column({ type: 'jsonb', nullable: true })
  address!: Record<string, unknown> | null;

  @ManyToOne(() => Place, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Place | null;
}
