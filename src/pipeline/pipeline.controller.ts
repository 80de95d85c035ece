import { Body, Controller, Get, Headers, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { versionFromIfMatch } from '../common/if-match';
import {
  CandidatesQueryDto,
  ParseTargetYearPipe,
  ProgressQueryDto,
  PutTargetsDto,
  ReportQueryDto,
  SummaryQueryDto,
} from './pipeline.dto';
import { PipelineService } from './pipeline.service';
import { CSV_TYPE, negotiateFormat, XLSX_TYPE } from './report-table';
import { ReportsService } from './reports.service';
import { TargetsService } from './targets.service';

@ApiTags('pipeline')
@ApiBearerAuth()
@Controller('api/pipeline')
export class PipelineController {
  constructor(private readonly pipeline: PipelineService) {}

  /** Tier x colour counts (and by district), the year's funnel, applications with pass rates, grants by programme. */
  @Get('summary')
  @Roles('manager', 'admin', 'caseworker')
  summary(@Query() query: SummaryQueryDto) {
    return this.pipeline.summary(query);
  }

  /** The enterprises most likely to climb to `targetTier` next, with their gaps for it, for caseworkers to coach. */
  @Get('candidates')
  @Roles('manager', 'admin', 'caseworker')
  candidates(@Query() query: CandidatesQueryDto) {
    return this.pipeline.candidates(query);
  }
}

@ApiTags('pipeline')
@ApiBearerAuth()
@Controller('api/targets')
export class TargetsController {
  constructor(private readonly targets: TargetsService) {}

  /**
   * Sets the year's targets (指标任务): the body is the complete set; idempotent; every change is audited.
   * `If-Match: <version>` (from GET; 0 for a year without targets) turns a set changed meanwhile into 409 STALE_VERSION.
   */
  @Put(':year')
  @Roles('manager')
  put(
    @Param('year', new ParseTargetYearPipe()) year: number,
    @Body() dto: PutTargetsDto,
    @CurrentActor() actor: Actor,
    @Headers('if-match') ifMatch?: string,
  ) {
    return this.targets.put(year, dto, actor, versionFromIfMatch(ifMatch, 0));
  }

  @Get(':year')
  @Roles('manager', 'admin', 'caseworker')
  list(@Param('year', new ParseTargetYearPipe()) year: number) {
    return this.targets.list(year);
  }

  /** Per target: actual (defined per metric in `definition`), target, percentage, and the projection with the pipeline. */
  @Get(':year/progress')
  @Roles('manager', 'admin', 'caseworker')
  progress(@Param('year', new ParseTargetYearPipe()) year: number, @Query() query: ProgressQueryDto) {
    return this.targets.progress(year, query.district);
  }
}

@ApiTags('pipeline')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /**
   * The report of a month (`2026-06`), a quarter (`2026-Q2`) or a year (`2026`) with the previous period and the same
   * period last year. JSON by default; CSV or XLSX by `?format=` or the `Accept` header; `lang=zh|en` (zh by default
   * for the files).
   */
  @Get(':period')
  @Roles('manager', 'admin')
  @ApiProduces('application/json', CSV_TYPE, XLSX_TYPE)
  async report(
    @Param('period') period: string,
    @Query() query: ReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const format = query.format ?? negotiateFormat(accept);
    if (format === 'json') return this.reports.report(period, query.lang ?? 'en');
    const file = await this.reports.file(period, format, query.lang ?? 'zh');
    void reply
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('cache-control', 'no-store');
    return file.body;
  }
}
