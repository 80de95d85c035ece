import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PipeTransform } from '@nestjs/common';
import { validationFailed } from '../common/domain-error';
import { CERTIFIED_TIERS, TARGET_METRICS } from './pipeline.rules';
import { MAX_YEAR, MIN_YEAR } from './report-period';

export class SummaryQueryDto {
  @ApiPropertyOptional({ example: '思明区', description: 'one district; without it, every district and byDistrict' })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  district?: string;

  @ApiPropertyOptional({
    example: 2026,
    description: 'the year of the funnel, applications and grants; default this year',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(MIN_YEAR)
  @Max(MAX_YEAR)
  year?: number;
}

export class CandidatesQueryDto {
  @ApiPropertyOptional({ enum: CERTIFIED_TIERS, default: 'high_tech' })
  @IsOptional()
  @IsIn(CERTIFIED_TIERS)
  targetTier: (typeof CERTIFIED_TIERS)[number] = 'high_tech';

  @ApiPropertyOptional({ example: '思明区' })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  district?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 20;
}

export class TargetDto {
  @ApiProperty({ example: '思明区', description: "a district, or '*' for the whole region" })
  @IsString()
  @Length(1, 60)
  district: string;

  @ApiProperty({ enum: TARGET_METRICS })
  @IsIn(TARGET_METRICS)
  metric: (typeof TARGET_METRICS)[number];

  @ApiProperty({ example: 40, description: 'a count, or whole yuan for grants_amount' })
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  value: number;
}

export class PutTargetsDto {
  @ApiProperty({ type: [TargetDto], description: "the year's complete set: targets left out are removed" })
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => TargetDto)
  targets: TargetDto[];
}

export class ProgressQueryDto {
  @ApiPropertyOptional({ example: '思明区', description: "only this district's targets ('*' for the region's)" })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  district?: string;
}

export const REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export class ReportQueryDto {
  @ApiPropertyOptional({ enum: REPORT_FORMATS, description: 'wins over the Accept header' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;

  @ApiPropertyOptional({ enum: ['zh', 'en'], description: 'labels and column headers; zh by default for CSV and XLSX' })
  @IsOptional()
  @IsIn(['zh', 'en'])
  lang?: 'zh' | 'en';
}

/** A target year in a path: four digits within the years the service reports on. */
export class ParseTargetYearPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const year = /^\d{4}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR)
      throw validationFailed([
        { field: 'year', reason: `year must be a four-digit year from ${MIN_YEAR} to ${MAX_YEAR}` },
      ]);
    return year;
  }
}
