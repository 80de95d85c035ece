import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min, ValidateIf } from 'class-validator';
import { OptionalNotNull } from '../common/optional-not-null';
import { PageQueryDto } from '../common/pagination.dto';
import { APPLICATION_STATES } from './application.machine';
import { CLIENT_EVENTS } from './application.policy';

export const TARGET_TIERS = ['tech_sme', 'high_tech', 'leader'] as const;

export class CreateApplicationDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  enterpriseId: string;

  @ApiProperty({ enum: TARGET_TIERS })
  @IsIn(TARGET_TIERS)
  targetTier: (typeof TARGET_TIERS)[number];
}

const is =
  (...types: string[]) =>
  (o: ApplicationEventDto) =>
    types.includes(o.type);

/** Fields each event may carry; anything else in the body is refused with the field named. */
export const EVENT_FIELDS: Record<string, string[]> = {
  SUBMIT: [],
  WITHDRAW: ['reason'],
  RETURN: ['reason'],
  ACCEPT: [],
  PUBLISH_NOTICE: [],
  DRAW_PANEL: [],
  DECLINE: ['reason'],
  SCORE: ['ip', 'conversion', 'rdManagement', 'growth', 'comment'],
  DECIDE: ['approve', 'reason', 'calibrationNote'],
  OBJECT: ['name', 'contact', 'reason'],
  RESOLVE_OBJECTION: ['upheld', 'reason'],
};

/** `POST /api/applications/:id/events {type, …payload}`: one body shape, each field checked when its event needs it. */
export class ApplicationEventDto {
  @ApiProperty({ enum: CLIENT_EVENTS })
  @IsIn(CLIENT_EVENTS)
  type: string;

  /** The version the sender saw; a newer application answers 409 instead of acting on stale information. */
  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  expectedVersion?: number;

  @ApiPropertyOptional()
  @ValidateIf(
    (o: ApplicationEventDto) =>
      is('RETURN', 'DECLINE', 'DECIDE', 'OBJECT', 'RESOLVE_OBJECTION')(o) || o.reason !== undefined,
  )
  @IsString()
  @Length(2, 2000)
  reason?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 30 })
  @ValidateIf(is('SCORE'))
  @IsInt()
  @Min(0)
  @Max(30)
  ip?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 30 })
  @ValidateIf(is('SCORE'))
  @IsInt()
  @Min(0)
  @Max(30)
  conversion?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 20 })
  @ValidateIf(is('SCORE'))
  @IsInt()
  @Min(0)
  @Max(20)
  rdManagement?: number;

  /** Finance experts score growth (prefilled with the computed value); technical experts leave it out. */
  @ApiPropertyOptional({ minimum: 0, maximum: 20 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20)
  growth?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  comment?: string;

  @ApiPropertyOptional()
  @ValidateIf(is('DECIDE'))
  @IsBoolean()
  approve?: boolean;

  /** Required to approve when reviewers were flagged for calibration (totals more than 15 from the mean). */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(2, 2000)
  calibrationNote?: string;

  /** Objections are made under real name (实名): name and a contact are required. */
  @ApiPropertyOptional()
  @ValidateIf(is('OBJECT'))
  @IsString()
  @Length(2, 60)
  name?: string;

  @ApiPropertyOptional()
  @ValidateIf(is('OBJECT'))
  @IsString()
  @Length(5, 100)
  contact?: string;

  @ApiPropertyOptional()
  @ValidateIf(is('RESOLVE_OBJECTION'))
  @IsBoolean()
  upheld?: boolean;
}

const bool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class ListApplicationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: APPLICATION_STATES })
  @IsOptional()
  @IsIn(APPLICATION_STATES)
  state?: string;

  @ApiPropertyOptional({ enum: TARGET_TIERS })
  @IsOptional()
  @IsIn(TARGET_TIERS)
  targetTier?: string;

  @ApiPropertyOptional({ enum: ['me'] })
  @IsOptional()
  @IsIn(['me'])
  assignee?: 'me';

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(bool)
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  enterpriseId?: string;
}

export class DeclareConflictDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  enterpriseId: string;

  @ApiProperty()
  @IsString()
  @Length(2, 500)
  reason: string;
}
