import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor';
import { CurrentActor, OwnedBy, Roles } from '../auth/auth.decorators';
import {
  ConfirmGrantDto,
  EnterpriseGrantsQueryDto,
  ExportGrantsQueryDto,
  ListGrantsQueryDto,
  PayGrantDto,
  ReasonDto,
} from './grant.dto';
import { GrantExportService } from './grant-export.service';
import { GrantsService } from './grants.service';

const READERS = ['admin', 'manager', 'caseworker', 'enterprise'] as const;
const STAFF = ['admin', 'manager', 'caseworker'] as const;

@ApiTags('subsidies')
@ApiBearerAuth()
@Controller('api')
export class GrantsController {
  constructor(
    private readonly grants: GrantsService,
    private readonly exports: GrantExportService,
  ) {}

  /** An enterprise's grants with the programme, amount, state, period and why; enterprise users see their own. */
  @Get('enterprises/:id/grants')
  @Roles(...READERS)
  @OwnedBy('enterprise')
  forEnterprise(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: EnterpriseGrantsQueryDto) {
    return this.grants.forEnterprise(id, query);
  }

  /** Grants by programme, state, period or enterprise. */
  @Get('grants')
  @Roles(...STAFF)
  list(@Query() query: ListGrantsQueryDto) {
    return this.grants.list(query);
  }

  /** Approved grants for payment, as CSV (default) or XLSX. */
  @Get('grants/export')
  @Roles('manager', 'admin')
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async export(@Query() query: ExportGrantsQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const file = await this.exports.export(query);
    void reply
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('cache-control', 'no-store');
    return file.body;
  }

  @Get('grants/:id')
  @Roles(...READERS)
  @OwnedBy('grant')
  get(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.grants.get(id);
  }

  /** The enterprise was told by other means (no user account yet): eligible → notified. */
  @Post('grants/:id/notify')
  @HttpCode(200)
  @Roles('caseworker', 'manager')
  notify(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor) {
    return this.grants.notify(id, actor);
  }

  /** The enterprise confirms its payee account (a caseworker may on its behalf): notified → confirmed. */
  @Post('grants/:id/confirm')
  @HttpCode(200)
  @Roles('enterprise', 'caseworker')
  @OwnedBy('grant')
  confirm(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ConfirmGrantDto, @CurrentActor() actor: Actor) {
    return this.grants.confirm(id, dto, actor);
  }

  /** A manager other than the one who ran the batch (403 SEPARATION_OF_DUTIES): confirmed → approved. */
  @Post('grants/:id/approve')
  @HttpCode(200)
  @Roles('manager')
  approve(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor) {
    return this.grants.approve(id, actor);
  }

  /** Records the transfer: approved → paid. */
  @Post('grants/:id/pay')
  @HttpCode(200)
  @Roles('manager', 'admin')
  pay(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: PayGrantDto, @CurrentActor() actor: Actor) {
    return this.grants.pay(id, dto, actor);
  }

  /** Any unpaid grant; a reserved amount returns to the budget and the waitlist moves up. */
  @Post('grants/:id/cancel')
  @HttpCode(200)
  @Roles('manager')
  cancel(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReasonDto, @CurrentActor() actor: Actor) {
    return this.grants.cancel(id, dto.reason, actor);
  }

  /** A paid grant to be recovered: paid → clawed_back. */
  @Post('grants/:id/claw-back')
  @HttpCode(200)
  @Roles('manager')
  clawBack(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReasonDto, @CurrentActor() actor: Actor) {
    return this.grants.clawBack(id, dto.reason, actor);
  }
}
