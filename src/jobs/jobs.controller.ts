import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { JobRecords } from './job-records.service';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('api/jobs')
export class JobsController {
  constructor(private readonly records: JobRecords) {}

  /** Progress and outcome of a job someone started (bulk regrade, import, batch run). */
  @Get(':id')
  @Roles('admin', 'manager', 'caseworker', 'reviewer', 'enterprise')
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor) {
    return this.records.get(id, actor);
  }
}
