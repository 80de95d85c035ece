import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AnnualIndicatorsDto } from './dto/annual-indicators.dto';

/** One enterprise's annual facts for one accounting year (DOMAIN.md section 2, that year's financials flattened). */
@Entity('annual_indicators')
export class AnnualIndicatorsEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'enterprise_id', type: 'varchar', length: 36 })
  enterpriseId: string;

  @Column({ type: 'integer' })
  year: number;

  @Column({ type: 'simple-json' })
  data: AnnualIndicatorsData;

  @Column({ type: 'integer' })
  version: number;

  @Column({ name: 'created_at' })
  createdAt: Date;

  @Column({ name: 'updated_at' })
  updatedAt: Date;
}

/** The stored body: plain JSON of the validated DTO (absent optional fields are left out, not null). */
export type AnnualIndicatorsData = { [K in keyof AnnualIndicatorsDto]: AnnualIndicatorsDto[K] };
