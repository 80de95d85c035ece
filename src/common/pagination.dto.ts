import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE = 100_000;

/** Lists answer `{items, total}` and take `page` (from 1) and `pageSize` (DOMAIN.md section 10). */
export class PageQueryDto {
  /** Bounded so that (page - 1) × pageSize stays a small integer for every database (no overflow, no 500). */
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize: number = 20;
}

export interface Page<T> {
  items: T[];
  total: number;
}
