import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import { isValidIsoDate } from '../grading/rules/dates';
import { MAX_WORKING_DAYS } from './working-days';

/** Years the calendar answers for: wide enough for any deadline, narrow enough for both databases' date types. */
export const FIRST_YEAR = 1949;
export const LAST_YEAR = 2199;

@ValidatorConstraint({ name: 'calendarDate' })
export class CalendarDateConstraint implements ValidatorConstraintInterface {
  validate(value: unknown) {
    return isValidIsoDate(value) && +value.slice(0, 4) >= FIRST_YEAR && +value.slice(0, 4) <= LAST_YEAR;
  }
  defaultMessage(args: ValidationArguments) {
    return `${args.property} must be a real date as YYYY-MM-DD from ${FIRST_YEAR} to ${LAST_YEAR}`;
  }
}

export class AddWorkingDaysQueryDto {
  @ApiProperty({ example: '2026-09-30', description: 'the day counting starts after (it never counts itself)' })
  @Validate(CalendarDateConstraint)
  from: string;

  @ApiProperty({ minimum: 0, maximum: MAX_WORKING_DAYS, example: 10, description: '0 answers `from` itself' })
  // Decimal digits only: `Number()` would read an empty `days=` as 0 and `0x0a` as 10.
  @Transform(({ value }) => (typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(0)
  @Max(MAX_WORKING_DAYS)
  days: number;
}

export class CalendarDateParamDto {
  @ApiProperty({ example: '2026-10-01' })
  @Validate(CalendarDateConstraint)
  date: string;
}

export class SetCalendarDayDto {
  @ApiProperty({ description: 'true: a working day; false: a day off' })
  @IsBoolean()
  workday: boolean;

  @ApiPropertyOptional({ example: '国庆节（国办发明电〔2034〕N号）', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  note?: string;
}

export class OverridesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 2027 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(FIRST_YEAR)
  @Max(LAST_YEAR)
  year?: number;
}
