import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ROLES = ['admin', 'manager', 'caseworker', 'reviewer', 'enterprise'] as const;
export type Role = (typeof ROLES)[number];
export const EXPERTISE = ['technical', 'finance'] as const;
export type Expertise = (typeof EXPERTISE)[number];

@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 200, select: false })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ name: 'display_name', type: 'varchar', length: 100, nullable: true })
  displayName: string | null;

  /** Reviewers only: technical or finance expert (panels need both). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  expertise: Expertise | null;

  /** Enterprise users only: the one enterprise this account acts for. */
  @Column({ name: 'enterprise_id', type: 'varchar', length: 36, nullable: true })
  enterpriseId: string | null;

  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}
