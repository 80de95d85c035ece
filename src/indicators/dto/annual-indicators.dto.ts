/**
 * Body of `PUT /api/enterprises/:id/indicators/:year`: one year's annual indicators (年度指标), with that year's
 * financials entry flattened into the body (the year comes from the path). Same rules as the grading body, reusing its
 * nested DTOs and decorators, so an enterprise's stored data is exactly what `POST /api/grading/evaluate` accepts.
 */
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { OmitType } from '@nestjs/swagger';
import {
  DeclarationsDto,
  FinancialYearDto,
  InnovationDto,
  IpDto,
  IsCount,
  IsMoney,
  IsNotGreaterThan,
} from '../../grading/dto/grading-facts.dto';
import { DIRECT_QUALIFICATIONS, type DirectQualification } from '../../grading/rules/types';

/** That year's financials (every field but the year, which is in the path) plus the year's other facts. */
export class AnnualIndicatorsDto extends OmitType(FinancialYearDto, ['year'] as const) {
  @IsCount()
  employees: number;

  @IsCount()
  @IsNotGreaterThan('employees')
  techStaff: number;

  @IsMoney()
  totalAssets: number;

  @IsMoney()
  totalLiabilities: number;

  /** 成本费用总额: the second base of the tech SME R&D score. */
  @IsMoney()
  totalCosts: number;

  @IsObject()
  @ValidateNested()
  @Type(() => IpDto)
  ip: IpDto;

  @IsBoolean()
  supportedField: boolean;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InnovationDto)
  innovation?: InnovationDto;

  @IsObject()
  @ValidateNested()
  @Type(() => DeclarationsDto)
  declarations: DeclarationsDto;

  @IsArray()
  @IsIn(DIRECT_QUALIFICATIONS, { each: true })
  directQualifications: DirectQualification[];
}
