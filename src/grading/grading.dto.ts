import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsObject, IsOptional, IsString, Length } from 'class-validator';
import type { ColourRule, LeaderCriteria } from './rules/region-config';

export class RegradeDto {
  /** Only this district (所属区县); all enterprises when absent. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 60)
  district?: string;
}

/** A new version of the region's overrides; the parts given replace the current ones. Checked by validateRegionConfig. */
export class SaveRegionConfigDto {
  @ApiPropertyOptional({ description: 'leader criteria (DOMAIN.md section 5); fractions as decimals' })
  @IsOptional()
  @IsObject()
  leader?: LeaderCriteria;

  @ApiPropertyOptional({ description: 'ordered colour rules, first match wins; the last must be `always`' })
  @IsOptional()
  @IsArray()
  colours?: ColourRule[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 500)
  note?: string;
}
