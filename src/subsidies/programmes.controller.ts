import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { MatchingProcessor } from './matching.processor';
import { CreateProgrammeDto, ListProgrammesQueryDto, SimulateProgrammeDto, UpdateProgrammeDto } from './programme.dto';
import { ProgrammesService } from './programmes.service';
import { SimulationService } from './simulation.service';

const EVERYONE = ['admin', 'manager', 'caseworker', 'reviewer', 'enterprise'] as const;
const WRITERS = ['manager', 'admin'] as const;

@ApiTags('subsidies')
@ApiBearerAuth()
@Controller('api/programmes')
export class ProgrammesController {
  constructor(
    private readonly programmes: ProgrammesService,
    private readonly runs: MatchingProcessor,
    private readonly simulation: SimulationService,
  ) {}

  /** The facts a rule or formula may read, with their meaning (the rule vocabulary). */
  @Get('facts')
  @Roles(...EVERYONE)
  facts() {
    return this.programmes.facts();
  }

  /** Managers and admins see every version; everyone else signed in sees active programmes. */
  @Get()
  @Roles(...EVERYONE)
  list(@Query() query: ListProgrammesQueryDto, @CurrentActor() actor: Actor) {
    return this.programmes.list(query, actor);
  }

  /** 政策沙盘: who a draft would pay and what it would cost, by district, tier and colour; writes nothing. */
  @Post('simulate')
  @HttpCode(200)
  @Roles(...WRITERS)
  simulate(@Body() dto: SimulateProgrammeDto) {
    return this.simulation.simulate(dto);
  }

  @Get(':id')
  @Roles(...EVERYONE)
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor) {
    return this.programmes.get(id, actor);
  }

  /** A new programme (a draft unless `status: active`); an existing code with a new period is its next version. */
  @Post()
  @Roles(...WRITERS)
  create(@Body() dto: CreateProgrammeDto, @CurrentActor() actor: Actor) {
    return this.programmes.create(dto, actor);
  }

  /** A draft changes in place; an active programme is immutable, so this answers its new version. */
  @Patch(':id')
  @Roles(...WRITERS)
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateProgrammeDto, @CurrentActor() actor: Actor) {
    return this.programmes.update(id, dto, actor);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @Roles(...WRITERS)
  activate(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor) {
    return this.programmes.activate(id, actor);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles(...WRITERS)
  close(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor) {
    return this.programmes.close(id, actor);
  }

  /** A batch run over every enterprise in the programme's districts, as a job: progress at GET /api/jobs/:jobId. */
  @Post(':id/runs')
  @HttpCode(202)
  @Roles(...WRITERS)
  run(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor) {
    return this.runs.start(id, actor);
  }
}
