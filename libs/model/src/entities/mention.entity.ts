import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { EntityType } from '../entity-type';

/**
 * One place inside a department record that describes an entity (the record itself, or the
 * object at a JSON Pointer such as /payload/members/0), and the entity it is taken to be.
 * Stable across versions of the record; entity resolution re-points it.
 */
@Entity('mention')
@Index(['entityType', 'entityId'])
@Index('IDX_mention_places', { synchronize: false })
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

  /**
   * Person mentions: the blocking key (name pinyin and birth year) that decides which mentions
   * the matcher compares; null for other entity types and for mentions of cancelled records.
   */
  @Index({ where: 'block IS NOT NULL' })
  @Column({ type: 'text', nullable: true })
  block!: string | null;

  /** Person mentions with a valid ID and a phone: the block where birthless mentions may find them. */
  @Index({ where: 'anchor_block IS NOT NULL' })
  @Column({ type: 'text', nullable: true })
  anchorBlock!: string | null;

  /** Person mentions: the valid citizen ID the mention states (an exact key). */
  @Index({ where: 'id_key IS NOT NULL' })
  @Column({ type: 'varchar', length: 18, nullable: true })
  idKey!: string | null;

  /** Person mentions: the valid ID of the person this one is family of in its record. */
  @Index({ where: 'family_of IS NOT NULL' })
  @Column({ type: 'varchar', length: 18, nullable: true })
  familyOf!: string | null;

  /** Person mentions: the police household number (户号) the mention states. */
  @Index({ where: 'household IS NOT NULL' })
  @Column({ type: 'varchar', length: 32, nullable: true })
  household!: string | null;

  /**
   * Person mentions: the standard-address places their record ties them to (PersonFeatures
   * places), null when none. GIN-indexed by migration (TypeORM declares no GIN index).
   */
  @Column({ type: 'uuid', array: true, nullable: true })
  places!: string[] | null;

  /** Person mentions: what the matcher and survivorship use (PersonFeatures), from the current version. */
  @Column({ type: 'jsonb', nullable: true })
  features!: Record<string, unknown> | null;

  /** When the current version of the record was observed at the source. */
  @Column({ type: 'timestamptz', nullable: true })
  observedAt!: Date | null;

  /** False once the record is cancelled: the mention no longer speaks for its entity. */
  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Why the mention belongs to its entity: rule, score, the mention it matched, evidence. */
  @Column({ type: 'jsonb', nullable: true })
  link!: Record<string, unknown> | null;
}
