import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, OwnedBy, Roles } from '../auth/auth.decorators';
import { JobRecords } from '../jobs/job-records.service';
import { chinaToday, GradingFactsDto } from './dto/grading-facts.dto';
import { RegradeDto, SaveRegionConfigDto } from './grading.dto';
import { GradingService } from './grading.service';
import { RegionConfigService } from './region-config.service';
import { REGRADE_JOB } from './regrade.processor';

const EVERYONE = ['admin', 'manager', 'caseworker', 'reviewer', 'enterprise'] as const;

@ApiTags('grading')
@ApiBearerAuth()
@Controller('api')
export class GradingController {
  constructor(
    private readonly grading: GradingService,
    private readonly regionConfig: RegionConfigService,
    private readonly jobs: JobRecords,
  ) {}

  /** Facts in, evaluation out (DOMAIN.md sections 2 and 7); also the enterprise's self check-up (政策体检). */
  @Post('grading/evaluate')
  @HttpCode(200)
  @Roles(...EVERYONE)
  evaluate(@Body() dto: GradingFactsDto) {
    return this.grading.evaluate(dto);
  }

  /** Starts a bulk re-grade of all enterprises (or one district) as a job; progress at GET /api/jobs/:id. */
  @Post('grading/regrade')
  @HttpCode(202)
  @Roles('manager', 'admin')
  async regrade(@Body() dto: RegradeDto, @CurrentActor() actor: Actor) {
    const record = await this.jobs.start(REGRADE_JOB, { district: dto.district ?? null, asOf: chinaToday() }, actor);
    return { jobId: record.id, status: record.status };
  }

  @Get('grading/region-config')
  @Roles(...EVERYONE)
  currentConfig() {
    return this.regionConfig.current();
  }

  @Get('grading/region-config/versions')
  @Roles('admin', 'manager')
  configVersions() {
    return this.regionConfig.versions();
  }

  /** Saves a new version of the region's leader criteria and colour mapping (admin); re-grade to apply it to all. */
  @Put('grading/region-config')
  @Roles('admin')
  saveConfig(@Body() dto: SaveRegionConfigDto, @CurrentActor() actor: Actor) {
    const { note, ...patch } = dto;
    return this.regionConfig.save(patch, note ?? null, actor);
  }

  /** The stored evaluation with the facts it read and the rule versions (decision provenance). */
  @Get('enterprises/:id/evaluation')
  @Roles(...EVERYONE)
  @OwnedBy('enterprise')
  storedEvaluation(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.grading.storedEvaluation(id);
  }
}
