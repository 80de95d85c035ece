import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, OwnedBy, Roles } from '../auth/auth.decorators';
import { DecideRevocationDto, ProposeRevocationDto, RecordCertificationDto, TierChangeDto } from './certification.dto';
import { CertificationsService } from './certifications.service';

const EVERYONE = ['admin', 'manager', 'caseworker', 'reviewer', 'enterprise'] as const;

@ApiTags('certifications')
@ApiBearerAuth()
@Controller('api/enterprises/:id')
export class CertificationsController {
  constructor(private readonly certifications: CertificationsService) {}

  /** Records a recognition that already exists; it moves the tier like any recognition. */
  @Post('certifications')
  @Roles('caseworker', 'admin')
  record(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: RecordCertificationDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.certifications.record(id, dto, actor);
  }

  @Get('certifications')
  @Roles(...EVERYONE)
  @OwnedBy('enterprise')
  list(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.certifications.list(id);
  }

  /** Two people revoke: a caseworker proposes here, a different manager confirms or rejects. */
  @Post('revocations')
  @Roles('caseworker')
  propose(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ProposeRevocationDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.certifications.propose(id, dto, actor);
  }

  @Get('revocations')
  @Roles('admin', 'manager', 'caseworker')
  revocations(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.certifications.revocations(id);
  }

  @Post('revocations/:revocationId/confirm')
  @HttpCode(200)
  @Roles('manager')
  confirm(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('revocationId', new ParseUUIDPipe()) revocationId: string,
    @CurrentActor() actor: Actor,
  ) {
    return this.certifications.decide(id, revocationId, true, undefined, actor);
  }

  @Post('revocations/:revocationId/reject')
  @HttpCode(200)
  @Roles('manager')
  reject(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('revocationId', new ParseUUIDPipe()) revocationId: string,
    @Body() dto: DecideRevocationDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.certifications.decide(id, revocationId, false, dto.reason, actor);
  }

  /** Deregistered or moved out of the region (EXITED). */
  @Post('exit')
  @HttpCode(200)
  @Roles('caseworker', 'manager')
  exit(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: TierChangeDto, @CurrentActor() actor: Actor) {
    return this.certifications.exitOrReinstate(id, true, dto.reason, actor);
  }

  @Post('reinstate')
  @HttpCode(200)
  @Roles('caseworker', 'manager')
  reinstate(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: TierChangeDto, @CurrentActor() actor: Actor) {
    return this.certifications.exitOrReinstate(id, false, dto.reason, actor);
  }

  /** Every tier change with date, cause, actor and certification. */
  @Get('history')
  @Roles(...EVERYONE)
  @OwnedBy('enterprise')
  history(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.certifications.history(id);
  }
}
