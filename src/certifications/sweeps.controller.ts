import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Validate } from 'class-validator';
import type { Actor } from '../auth/actor';
import { CurrentActor, OwnedBy, Roles } from '../auth/auth.decorators';
import { validationFailed } from '../common/domain-error';
import { IsoDateConstraint } from '../enterprises/enterprise.dto';
import { chinaToday } from '../grading/dto/grading-facts.dto';
import { JobRecords } from '../jobs/job-records.service';
import { SWEEP_JOB, TierSweepProcessor } from './tier-sweep.processor';

const EARLIEST_SWEEP = '2000-01-01';

export class RunSweepDto {
  @ApiProperty({ example: '2026-11-20', description: 'the day to sweep for; from 2000-01-01, not after today' })
  @Validate(IsoDateConstraint)
  asOf: string;
}

@ApiTags('certifications')
@ApiBearerAuth()
@Controller('api')
export class SweepsController {
  constructor(
    private readonly jobs: JobRecords,
    private readonly sweep: TierSweepProcessor,
  ) {}

  /** Runs the daily sweep for a past day (catching up after downtime); as a job, progress at GET /api/jobs/:id. */
  @Post('admin/sweeps')
  @HttpCode(202)
  @Roles('admin')
  async run(@Body() dto: RunSweepDto, @CurrentActor() actor: Actor) {
    if (dto.asOf > chinaToday()) throw validationFailed([{ field: 'asOf', reason: 'asOf must not be after today' }]);
    // The sweep's queries compare four-digit years (and SQLite compares dates as text): nothing here predates 2000.
    if (dto.asOf < EARLIEST_SWEEP)
      throw validationFailed([{ field: 'asOf', reason: `asOf must be ${EARLIEST_SWEEP} or later` }]);
    const record = await this.jobs.start(SWEEP_JOB, { asOf: dto.asOf }, actor);
    return { jobId: record.id, status: record.status };
  }

  /** Reminders and flags the sweep raised for an enterprise (renewal due, re-evaluation due, missing annual report). */
  @Get('enterprises/:id/notices')
  @Roles('admin', 'manager', 'caseworker', 'enterprise')
  @OwnedBy('enterprise')
  notices(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.sweep.notices(id);
  }
}
