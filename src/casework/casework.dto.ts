import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Min,
  Validate,
  ValidateNested,
} from 'class-validator';
import { IsoDateConstraint } from '../enterprises/enterprise.dto';
import { NEED_CATEGORIES, NEED_STATUSES, VISIT_KINDS } from './casework.entities';

export class AssignCaseworkerDto {
  /** The caseworker's user id; null removes the assignment. */
  @ApiProperty({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID('all')
  caseworkerId: string | null;
}

export class NeedDto {
  @ApiProperty({ enum: NEED_CATEGORIES })
  @IsIn(NEED_CATEGORIES)
  category: (typeof NEED_CATEGORIES)[number];

  @ApiProperty()
  @IsString()
  @Length(2, 2000)
  text: string;
}

export class RecordVisitDto {
  @ApiProperty({ example: '2026-11-20' })
  @Validate(IsoDateConstraint)
  date: string;

  @ApiProperty({ enum: VISIT_KINDS })
  @IsIn(VISIT_KINDS)
  kind: (typeof VISIT_KINDS)[number];

  @ApiProperty()
  @IsString()
  @Length(2, 5000)
  notes: string;

  @ApiProperty({ type: [NeedDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => NeedDto)
  needs: NeedDto[];
}

export class UpdateNeedDto {
  @ApiProperty({ enum: NEED_STATUSES })
  @IsIn(NEED_STATUSES)
  status: (typeof NEED_STATUSES)[number];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(2, 2000)
  outcome?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}
