import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { OptionalNotNull } from '../common/optional-not-null';
import { PageQueryDto } from '../common/pagination.dto';
import { IsMoney } from '../grading/dto/grading-facts.dto';
import { TRIGGER_EVENTS, type TriggerEvent } from './rules/fact-vocabulary';
import { PROGRAMME_CODE, type RecognitionKind } from './rules/programme.rules';

export class TriggerDto {
  @ApiProperty({ enum: TRIGGER_EVENTS })
  @IsIn(TRIGGER_EVENTS)
  event: TriggerEvent;

  /** tier.recognised only: `first`, `renewal`, or null/absent for either. */
  @ApiPropertyOptional({ enum: ['first', 'renewal'], nullable: true })
  @IsOptional()
  @IsIn(['first', 'renewal'])
  kind?: RecognitionKind | null;
}

/** Either `fixed`, or `formula` (JSON Logic over the facts, rounded down to whole yuan) with `cap`. */
export class AmountDto {
  @ApiPropertyOptional({ example: 300000, description: 'whole yuan' })
  @OptionalNotNull()
  @IsMoney()
  fixed?: number;

  @ApiPropertyOptional({ description: 'JSON Logic', example: { '/': [{ var: 'indicators.rdIncrease' }, 100] } })
  @OptionalNotNull()
  @IsDefined({ message: 'formula must not be null' })
  formula?: unknown;

  @ApiPropertyOptional({ example: 2000000, description: 'whole yuan' })
  @OptionalNotNull()
  @IsMoney()
  cap?: number;
}

export class CreateProgrammeDto {
  @ApiProperty({ example: 'high_tech_first', description: 'lower-case letters, digits and _' })
  @Matches(PROGRAMME_CODE, { message: 'code must be 2-60 lower-case letters, digits or _, starting with a letter' })
  code: string;

  @ApiProperty()
  @IsString()
  @Length(2, 200)
  name: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 4000)
  description?: string;

  @ApiPropertyOptional({ default: 'local', description: "the bureau's region (市/区)" })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  region?: string;

  @ApiPropertyOptional({ type: [String], nullable: true, description: 'districts it pays in; absent: all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @Length(1, 60, { each: true })
  districts?: string[] | null;

  @ApiProperty({ example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  period: number;

  @ApiProperty({ type: TriggerDto })
  @IsObject()
  @ValidateNested()
  @Type(() => TriggerDto)
  trigger: TriggerDto;

  @ApiProperty({
    description: 'JSON Logic over GET /api/programmes/facts',
    example: { '==': [{ var: 'event.tier' }, 'high_tech'] },
  })
  @IsDefined()
  rule: unknown;

  @ApiProperty({ type: AmountDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AmountDto)
  amount: AmountDto;

  @ApiProperty({ example: 10000000, description: 'whole yuan' })
  @IsMoney()
  budget: number;

  @ApiPropertyOptional({ enum: ['draft', 'active'], default: 'draft' })
  @IsOptional()
  @IsIn(['draft', 'active'])
  status?: 'draft' | 'active';
}

/** Changes to a programme: a draft changes in place, an active one gets a new version. Code and period stay. */
export class UpdateProgrammeDto extends PartialType(
  OmitType(CreateProgrammeDto, ['code', 'period', 'status'] as const),
  // A required field given as null is refused (its own validators run), not written as NULL.
  { skipNullProperties: false },
) {}

/** A draft to simulate (nothing is written); the code is optional. */
export class SimulateProgrammeDto extends OmitType(CreateProgrammeDto, ['code', 'status'] as const) {
  @ApiPropertyOptional({ example: 'what_if' })
  @IsOptional()
  @Matches(PROGRAMME_CODE, { message: 'code must be 2-60 lower-case letters, digits or _, starting with a letter' })
  code?: string;
}

export class ListProgrammesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['draft', 'active', 'closed'] })
  @IsOptional()
  @IsIn(['draft', 'active', 'closed'])
  status?: 'draft' | 'active' | 'closed';

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(PROGRAMME_CODE)
  code?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  period?: number;
}
