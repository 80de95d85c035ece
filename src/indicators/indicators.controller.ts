import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor';
import { CurrentActor, OwnedBy, Roles } from '../auth/auth.decorators';
import { AnnualIndicatorsDto } from './dto/annual-indicators.dto';
import { IndicatorsService } from './indicators.service';
import { versionFromIfMatch } from '../common/if-match';
import { ParseYearPipe } from './parse-year.pipe';

@ApiTags('indicators')
@ApiBearerAuth()
@Controller('api/enterprises/:id/indicators')
export class IndicatorsController {
  constructor(private readonly indicators: IndicatorsService) {}

  /**
   * The enterprise files its own annual facts; a caseworker may file them for it. 201 when new, 200 otherwise.
   * `If-Match: <version>` (the version the editor saw) turns a year changed meanwhile into 409 STALE_VERSION instead
   * of overwriting someone else's correction.
   */
  @Put(':year')
  @Roles('enterprise', 'caseworker')
  @OwnedBy('enterprise')
  async file(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('year', ParseYearPipe) year: number,
    @Body() dto: AnnualIndicatorsDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('if-match') ifMatch?: string,
  ) {
    const result = await this.indicators.file(id, year, dto, actor, versionFromIfMatch(ifMatch));
    void reply.status(result.created ? 201 : 200);
    return { ...result.view, changed: result.changed };
  }

  @Get()
  @Roles('admin', 'manager', 'caseworker', 'reviewer', 'enterprise')
  @OwnedBy('enterprise')
  list(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.indicators.list(id);
  }

  @Get(':year')
  @Roles('admin', 'manager', 'caseworker', 'reviewer', 'enterprise')
  @OwnedBy('enterprise')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Param('year', ParseYearPipe) year: number) {
    return this.indicators.get(id, year);
  }
}
