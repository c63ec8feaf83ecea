import { Column, Entity, Generated, PrimaryGeneratedColumn } from 'typeorm';
import type { EntityType } from '../entity-type';

/** What happened to an entity. */
export type ChangeKind = 'created' | 'updated' | 'revived' | 'ended' | 'merged' | 'split';

/**
 * The outbox: one row per change of the unified model, written in the transaction that makes
 * the change. `position` orders all events in commit order (writers take one lock for the
 * tail of their transaction), so it is a cursor that never skips a later-committed event.
 */
@Entity('change_event')
export class ChangeEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  position!: string;

  /**
   * The CloudEvents `id`: unique per event, the same on every re-delivery. Unique by
   * construction (gen_random_uuid, 122 random bits) and never looked up, so not indexed: a
   * unique index cost a random B-tree insert for each of the ~4 events of every record.
   */
  @Column({ type: 'uuid' })
  @Generated('uuid')
  eventId!: string;

  /** e.g. `cn.gov.hub.person.updated`. */
  @Column({ type: 'varchar', length: 96 })
  type!: string;

  @Column({ type: 'varchar', length: 16 })
  entityType!: EntityType;

  @Column({ type: 'uuid' })
  entityId!: string;

  /** The entity's `change_seq` after this change. */
  @Column({ type: 'bigint' })
  entitySeq!: string;

  /** The division the entity belongs to, where the model knows it. */
  @Column({ type: 'varchar', length: 12, nullable: true })
  divisionCode!: string | null;

  /**
   * When this change moved the entity to another division: the one it left. The division
   * filter matches either, so a subscriber of the old division sees the entity leave.
   */
  @Column({ type: 'varchar', length: 12, nullable: true })
  previousDivisionCode!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  time!: Date;

  /** `attributes` (the golden values after the change) and, for updates, `changed` (before/after). */
  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;
}
