import { Column, Entity, Index } from 'typeorm';
import { ModelEntity } from './model-entity';

/** 组织: enterprise, social organization, community committee, premises operator. */
@Entity('organization')
export class Organization extends ModelEntity {
  /** 统一社会信用代码 (GB 32100). Not unique: two mentions of one code are merged by resolution. */
  @Index()
  @Column({ type: 'varchar', length: 18, nullable: true })
  uscc!: string | null;

  /** Null while the organization is known only by a code (a facility's operator). */
  @Column({ type: 'varchar', length: 256, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  orgType!: string | null;

  @Index()
  @Column({ type: 'varchar', length: 12, nullable: true })
  divisionCode!: string | null;
}
