import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import { IsIsoDate } from '../grading/dto/grading-facts.dto';
import { PROGRAMME_CODE } from './rules/programme.rules';

export const GRANT_STATES = [
  'needs_data',
  'waitlisted',
  'eligible',
  'notified',
  'confirmed',
  'approved',
  'paid',
  'cancelled',
  'clawed_back',
] as const;

/** The payee account the enterprise confirms (收款账户). */
export class ConfirmGrantDto {
  @ApiProperty({ example: '厦门某某科技有限公司' })
  @IsString()
  @Length(2, 200)
  accountName: string;

  @ApiProperty({ example: '中国工商银行厦门分行' })
  @IsString()
  @Length(2, 200)
  bankName: string;

  @ApiProperty({ example: '4100021709200123456', description: '8 to 32 digits' })
  @Matches(/^\d{8,32}$/, { message: 'accountNumber must be 8 to 32 digits' })
  accountNumber: string;
}

export class PayGrantDto {
  @ApiProperty({ example: 'CZ2026-000123', description: 'payment reference of the treasury transfer' })
  @IsString()
  @Length(2, 100)
  reference: string;

  @ApiPropertyOptional({ example: '2026-11-21', description: 'defaults to today' })
  @IsOptional()
  @IsIsoDate()
  paidOn?: string;
}

export class ReasonDto {
  @ApiProperty()
  @IsString()
  @Length(2, 2000)
  reason: string;
}

export class ListGrantsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  programmeId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(PROGRAMME_CODE)
  programmeCode?: string;

  @ApiPropertyOptional({ enum: GRANT_STATES })
  @IsOptional()
  @IsIn(GRANT_STATES)
  state?: (typeof GRANT_STATES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  period?: number;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  enterpriseId?: string;
}

export class EnterpriseGrantsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: GRANT_STATES })
  @IsOptional()
  @IsIn(GRANT_STATES)
  state?: (typeof GRANT_STATES)[number];
}

export class ExportGrantsQueryDto {
  @ApiPropertyOptional({ enum: ['csv', 'xlsx'], default: 'csv' })
  @IsOptional()
  @IsIn(['csv', 'xlsx'])
  format?: 'csv' | 'xlsx';

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  programmeId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(PROGRAMME_CODE)
  programmeCode?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  period?: number;
}
