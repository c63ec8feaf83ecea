import { Column, Entity, Index } from 'typeorm';
import { ModelEntity } from './model-entity';

export type PersonStatus = 'normal' | 'deceased' | 'moved_out' | 'missing';

/** 人: a resident. */
@Entity('person')
// GIN over the name's characters, for search by a part of the name (migration PersonNameSearch).
@Index('IDX_person_name_chars', { synchronize: false })
// (birth_date, id) INCLUDE (division_code): the roster's pages (migration PersonBirthDateOrder).
@Index('IDX_person_birth_date_order', { synchronize: false })
export class Person extends ModelEntity {
  @Index()
  @Column({ type: 'varchar', length: 64, nullable: true })
  name!: string | null;

  /** 公民身份号码, normalized to 18 characters (GB 11643). */
  @Index()
  @Column({ type: 'varchar', length: 18, nullable: true })
  idNumber!: string | null;

  /** GB/T 2261.1: 0 unknown, 1 male, 2 female, 9 unspecified. */
  @Column({ type: 'varchar', length: 1, nullable: true })
  gender!: string | null;

  /** YYYY, YYYY-MM or YYYY-MM-DD: partial dates stay partial. */
  @Column({ type: 'varchar', length: 10, nullable: true })
  birthDate!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'normal' })
  status!: PersonStatus;

  @Index()
  @Column({ type: 'varchar', length: 11, nullable: true })
  phone!: string | null;

  /**
   * Where the person lives: the division (6–12 digits) of the residence address, else of the
   * 户籍 address, by survivorship (grid first: it sees actual residence). Change events carry it.
   */
  @Index()
  @Column({ type: 'varchar', length: 12, nullable: true })
  divisionCode!: string | null;

  /** Real conflicts between sources (two birth dates for one ID), flagged and not resolved. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  flags!: { attribute: string; values: unknown[] }[];

  /** Set when every mention of this person went to another one: where they went. */
  @Column({ type: 'uuid', nullable: true })
  mergedInto!: string | null;
}
