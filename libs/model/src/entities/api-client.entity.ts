import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A system that calls the hub with an API key: a department pushing its feeds, or a subscriber
 * (城市大脑) reading changes. Only the SHA-256 of the key is kept: keys are 32 random bytes, so a
 * fast hash is enough (a slow one protects guessable passwords, not random keys).
 */
@Entity('api_client')
export class ApiClient {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'text' })
  name!: string;

  /** Feeds the client may push (population, assistance, grid, …). */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  feeds!: string[];

  /** Scopes beyond pushing, e.g. changes:read. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  scopes!: string[];

  /** Jurisdiction of what it reads; null for the whole district. */
  @Column({ type: 'varchar', length: 12, nullable: true })
  divisionCode!: string | null;

  /** Hex SHA-256 of the current key. */
  @Index({ unique: true })
  @Column({ type: 'char', length: 64 })
  keyHash!: string;

  @Column({ type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  rotatedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
