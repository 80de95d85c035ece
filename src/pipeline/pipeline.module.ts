import { Module } from '@nestjs/common';
import { PipelineController, ReportsController, TargetsController } from './pipeline.controller';
import { PipelineCounters } from './pipeline-counters';
import { PipelineService } from './pipeline.service';
import { PipelineSql } from './pipeline-sql';
import { ReportsService } from './reports.service';
import { TargetsService } from './targets.service';

/** The managers' pipeline, yearly targets and periodic reports, read from the other modules' tables. */
@Module({
  controllers: [PipelineController, TargetsController, ReportsController],
  providers: [PipelineSql, PipelineCounters, PipelineService, TargetsService, ReportsService],
  exports: [PipelineService, TargetsService, PipelineCounters],
})
export class PipelineModule {}
