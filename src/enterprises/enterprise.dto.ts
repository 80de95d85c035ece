import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  ValidationArguments,
} from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import { isValidIsoDate } from '../grading/rules/dates';
import { COLOURS } from '../grading/rules/region-config';
import { TIERS } from './tier.machine';
import { usccProblem } from './uscc';

@ValidatorConstraint({ name: 'uscc' })
class UsccConstraint implements ValidatorConstraintInterface {
  validate(value: unknown) {
    return typeof value === 'string' && usccProblem(value) === null;
  }
  defaultMessage(args: ValidationArguments) {
    return typeof args.value === 'string' ? `uscc: ${usccProblem(args.value)}` : 'uscc must be an 18-character string';
  }
}

@ValidatorConstraint({ name: 'isoDate' })
export class IsoDateConstraint implements ValidatorConstraintInterface {
  validate(value: unknown) {
    return isValidIsoDate(value);
  }
  defaultMessage(args: ValidationArguments) {
    return `${args.property} must be a real date as YYYY-MM-DD`;
  }
}

export class ContactDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(60)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[0-9+\-() ]{5,30}$/, { message: 'phone must be 5 to 30 digits, spaces, +, - or brackets' })
  phone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string;
}

export class CreateEnterpriseDto {
  @ApiProperty({
    example: '91350100M000100Y43',
    description: '统一社会信用代码 (GB 32100-2015, check character verified)',
  })
  @Validate(UsccConstraint)
  uscc: string;

  @ApiProperty({ example: '厦门某某科技有限公司' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '思明区' })
  @IsString()
  @Length(1, 60)
  district: string;

  @ApiProperty({ example: '2019-04-01' })
  @Validate(IsoDateConstraint)
  registeredOn: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  industry?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(300)
  address?: string;

  @ApiPropertyOptional({ type: ContactDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto;
}

/** Profile edits. The USCC is the registry identity and cannot change (a new code is a new registration). */
export class UpdateEnterpriseDto extends PartialType(
  OmitType(CreateEnterpriseDto, ['uscc'] as const),
  // A required field given as null (`"name": null`) is refused with its reason, not written as NULL.
  { skipNullProperties: false },
) {
  /** The version the editor saw; a newer row answers 409 instead of overwriting someone else's change. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export const ENTERPRISE_SORTS = [
  'name',
  '-name',
  'registeredOn',
  '-registeredOn',
  'createdAt',
  '-createdAt',
  'score',
  '-score',
] as const;

export class ListEnterprisesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: [...TIERS, 'exited'] })
  @IsOptional()
  @IsIn([...TIERS, 'exited'])
  tier?: string;

  @ApiPropertyOptional({ enum: COLOURS })
  @IsOptional()
  @IsIn(COLOURS as unknown as string[])
  colour?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 60)
  district?: string;

  @ApiPropertyOptional({ description: 'matches name (contains) or USCC (prefix)' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ enum: ENTERPRISE_SORTS, default: 'name' })
  @IsOptional()
  @IsIn(ENTERPRISE_SORTS)
  sort?: (typeof ENTERPRISE_SORTS)[number];
}
