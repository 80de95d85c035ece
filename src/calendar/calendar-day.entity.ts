import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An administrator's ruling on one day (DOMAIN.md section 9): it wins over the shipped official calendar, and is how a
 * year the library does not cover yet gets its holidays and swapped working weekends from the State Council notice.
 */
@Entity('calendar_days')
export class CalendarDayEntity {
  /** `YYYY-MM-DD`. */
  @PrimaryColumn({ type: 'date' })
  date: string;

  @Column({ type: 'boolean' })
  workday: boolean;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'updated_by', type: 'varchar', length: 36, nullable: true })
  updatedBy: string | null;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}
