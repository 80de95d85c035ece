import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, OwnedBy, Roles } from '../auth/auth.decorators';
import { AssignCaseworkerDto, RecordVisitDto, UpdateNeedDto } from './casework.dto';
import { CaseworkService } from './casework.service';

@ApiTags('casework')
@ApiBearerAuth()
@Controller('api')
export class CaseworkController {
  constructor(private readonly casework: CaseworkService) {}

  /** Assigns the caseworker who looks after the enterprise (managers hand out the work). */
  @Put('enterprises/:id/caseworker')
  @Roles('manager', 'admin')
  assign(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: AssignCaseworkerDto, @CurrentActor() actor: Actor) {
    return this.casework.assign(id, dto, actor);
  }

  @Get('casework/mine')
  @Roles('caseworker')
  mine(@CurrentActor() actor: Actor) {
    return this.casework.mine(actor);
  }

  @Post('enterprises/:id/visits')
  @Roles('caseworker', 'manager')
  visit(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: RecordVisitDto, @CurrentActor() actor: Actor) {
    return this.casework.recordVisit(id, dto, actor);
  }

  /** The enterprise sees its own visits and how its needs are being handled. */
  @Get('enterprises/:id/visits')
  @Roles('admin', 'manager', 'caseworker', 'enterprise')
  @OwnedBy('enterprise')
  visits(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.casework.visits(id);
  }

  @Patch('enterprises/:id/needs/:needId')
  @Roles('caseworker', 'manager')
  updateNeed(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('needId', new ParseUUIDPipe()) needId: string,
    @Body() dto: UpdateNeedDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.casework.updateNeed(id, needId, dto, actor);
  }
}
