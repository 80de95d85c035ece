import { PipeTransform } from '@nestjs/common';
import { validationFailed } from '../common/domain-error';
import { chinaToday } from '../grading/dto/grading-facts.dto';

/** An accounting year in a path: four digits, not before 1949, not after the current year (in China time). */
export class ParseYearPipe implements PipeTransform<string, number> {
  transform(value: string): number {
    const current = Number(chinaToday().slice(0, 4));
    const year = /^\d{4}$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(year) || year < 1949 || year > current)
      throw validationFailed([{ field: 'year', reason: `year must be a four-digit year from 1949 to ${current}` }]);
    return year;
  }
}
