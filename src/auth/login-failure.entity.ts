import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed sign-ins per throttle key, kept in the database so every API process sees the same count. */
@Entity('login_failures')
export class LoginFailureEntity {
  @PrimaryColumn({ name: 'throttle_key', type: 'varchar', length: 200 })
  throttleKey: string;

  @Column({ type: 'integer' })
  failures: number;

  @Column({ name: 'window_started_at' })
  windowStartedAt: Date;
}
