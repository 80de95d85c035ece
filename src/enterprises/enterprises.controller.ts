import { Body, Controller, Get, Header, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, OwnedBy, Roles } from '../auth/auth.decorators';
import { CreateEnterpriseDto, ListEnterprisesQueryDto, UpdateEnterpriseDto } from './enterprise.dto';
import { EnterprisesService } from './enterprises.service';

const EVERYONE = ['admin', 'manager', 'caseworker', 'reviewer', 'enterprise'] as const;

@ApiTags('enterprises')
@ApiBearerAuth()
@Controller('api/enterprises')
export class EnterprisesController {
  constructor(private readonly enterprises: EnterprisesService) {}

  @Post()
  @Roles('caseworker', 'manager', 'admin')
  create(@Body() dto: CreateEnterpriseDto, @CurrentActor() actor: Actor) {
    return this.enterprises.create(dto, actor);
  }

  /** Enterprise users get a list holding only their own enterprise. The page's JSON comes ready-made. */
  @Get()
  @Roles(...EVERYONE)
  @Header('content-type', 'application/json; charset=utf-8')
  list(@Query() query: ListEnterprisesQueryDto, @CurrentActor() actor: Actor): Promise<string> {
    return this.enterprises.listJson(query, actor);
  }

  /** The view's JSON comes ready-made from the service (on PostgreSQL from the database itself). */
  @Get(':id')
  @Roles(...EVERYONE)
  @OwnedBy('enterprise')
  @Header('content-type', 'application/json; charset=utf-8')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<string> {
    return this.enterprises.getJson(id);
  }

  /** The enterprise keeps its own profile; caseworkers and managers correct it. */
  @Patch(':id')
  @Roles('caseworker', 'manager', 'admin', 'enterprise')
  @OwnedBy('enterprise')
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateEnterpriseDto, @CurrentActor() actor: Actor) {
    return this.enterprises.update(id, dto, actor);
  }
}
