import { Module } from '@nestjs/common';
import { GradingModule } from '../grading/grading.module';
import { CertificationsController } from './certifications.controller';
import { CertificationsService } from './certifications.service';
import { SweepsController } from './sweeps.controller';
import { TierSweepProcessor } from './tier-sweep.processor';

@Module({
  imports: [GradingModule],
  controllers: [CertificationsController, SweepsController],
  providers: [CertificationsService, TierSweepProcessor],
  exports: [CertificationsService],
})
export class CertificationsModule {}
