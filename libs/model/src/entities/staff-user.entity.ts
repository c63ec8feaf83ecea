import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A township, community or district staff member who logs in with a password. */
@Entity('staff_user')
export class StaffUser {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /** scrypt: `scrypt$N$r$p$salt$hash`, base64 parts. */
  @Column({ type: 'text' })
  passwordHash!: string;

  /** One of rules/access/roles.json. */
  @Column({ type: 'varchar', length: 32 })
  role!: string;

  /** Jurisdiction: the division (6, 9 or 12 digits) whose subtree the user works in. */
  @Column({ type: 'varchar', length: 12 })
  divisionCode!: string;

  @Column({ type: 'text', nullable: true })
  displayName!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Created by the demo data set: the hub refuses to start with these in production. */
  @Column({ type: 'boolean', default: false })
  demo!: boolean;

  @Column({ type: 'text' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
