import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Validate } from 'class-validator';
import { IsoDateConstraint } from '../enterprises/enterprise.dto';

export class RecordCertificationDto {
  @ApiProperty({ enum: ['tech_sme', 'high_tech', 'leader'] })
  @IsIn(['tech_sme', 'high_tech', 'leader'])
  tier: 'tech_sme' | 'high_tech' | 'leader';

  @ApiProperty({ example: 'GR202313000812', description: 'certificate or registration number; shape checked per tier' })
  @IsString()
  @Length(4, 40)
  number: string;

  @ApiProperty({ example: '2023-11-20' })
  @Validate(IsoDateConstraint)
  issuedOn: string;
}

export class ProposeRevocationDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  certificationId: string;

  @ApiProperty()
  @IsString()
  @Length(2, 2000)
  reason: string;

  /** Serious fraud (弄虚作假) bars the enterprise from every tier for 3 years. */
  @ApiProperty()
  @IsBoolean()
  fraud: boolean;
}

export class DecideRevocationDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(2, 2000)
  reason?: string;
}

export class TierChangeDto {
  @ApiProperty()
  @IsString()
  @Length(2, 500)
  reason: string;
}
