import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { CertificationsModule } from '../certifications/certifications.module';
import { GradingModule } from '../grading/grading.module';
import { ApplicationsController } from './applications.controller';
import { ApplicationsService } from './applications.service';
import { ApplicationsSweepProcessor } from './applications-sweep.processor';
import { AttachmentsService } from './attachments.service';
import { ReviewerConflictsService } from './reviewer-conflicts.service';
import { ReviewersController } from './reviewers.controller';

@Module({
  imports: [CalendarModule, CertificationsModule, GradingModule],
  controllers: [ApplicationsController, ReviewersController],
  providers: [ApplicationsService, AttachmentsService, ApplicationsSweepProcessor, ReviewerConflictsService],
  exports: [ApplicationsService],
})
export class ApplicationsModule {}
