import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  Min,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  Validate,
  ValidateIf,
} from 'class-validator';
import { OptionalNotNull } from '../common/optional-not-null';
import { PageQueryDto } from '../common/pagination.dto';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PasswordPolicyConstraint } from './password-policy';
import { EXPERTISE, ROLES, type Expertise, type Role } from './user.entity';

export class CreateUserDto {
  @ApiProperty({ example: 'zhang.wei' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{3,64}$/, {
    message: 'username must be 3 to 64 letters, digits, dots, dashes or underscores',
  })
  username: string;

  /** 10+ characters, at least two kinds (lower, upper, digits, other), not the username, not a common password. */
  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  @Validate(PasswordPolicyConstraint)
  password: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  displayName?: string;

  /** Required for reviewers: panels need technical and finance experts. */
  @ApiPropertyOptional({ enum: EXPERTISE })
  @ValidateIf((o: CreateUserDto) => o.role === 'reviewer' || o.expertise !== undefined)
  @IsIn(EXPERTISE, { message: 'expertise must be technical or finance (required for reviewers)' })
  expertise?: Expertise;

  /** Required for enterprise users: the one enterprise the account acts for. */
  @ApiPropertyOptional({ format: 'uuid' })
  @ValidateIf((o: CreateUserDto) => o.role === 'enterprise' || o.enterpriseId !== undefined)
  @IsUUID('all', { message: 'enterpriseId must be the id of an enterprise (required for enterprise users)' })
  enterpriseId?: string;
}

/**
 * What an admin may change on an account. The role and the enterprise are not editable: a person who changes job gets
 * a new account, so the audit trail never shows one account acting in two capacities.
 */
export class UpdateUserDto {
  /** The version the admin saw (GET /api/users): a change made meanwhile is 409 STALE_VERSION. */
  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  version: number;

  /** false: the account can no longer sign in, and its tokens stop working (within seconds in other processes). */
  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ nullable: true, description: 'null clears it' })
  @ValidateIf((_o, value) => value !== undefined && value !== null)
  @IsString()
  @MaxLength(100)
  displayName?: string | null;

  @ApiPropertyOptional({ enum: EXPERTISE, description: 'reviewers only' })
  @OptionalNotNull()
  @IsIn(EXPERTISE, { message: 'expertise must be technical or finance' })
  expertise?: Expertise;
}

/** An admin sets a new password for someone who lost theirs; the account's tokens stop working. */
export class ResetPasswordDto {
  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH)
  @Validate(PasswordPolicyConstraint)
  password: string;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  active?: boolean;
}

export interface UserView {
  id: string;
  username: string;
  role: Role;
  displayName: string | null;
  expertise: Expertise | null;
  enterpriseId: string | null;
  active: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}
