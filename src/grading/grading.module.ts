import { Module } from '@nestjs/common';
import { GradingController } from './grading.controller';
import { GradingService } from './grading.service';
import { RegionConfigService } from './region-config.service';
import { RegradeProcessor } from './regrade.processor';

@Module({
  controllers: [GradingController],
  providers: [GradingService, RegionConfigService, RegradeProcessor],
  exports: [GradingService, RegionConfigService],
})
export class GradingModule {}
