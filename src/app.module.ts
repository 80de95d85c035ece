import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ApplicationsModule } from './applications/applications.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CalendarModule } from './calendar/calendar.module';
import { GlobalExceptionFilter } from './common/global-exception.filter';
import { AppConfig } from './config/app-config';
import { CaseworkModule } from './casework/casework.module';
import { CertificationsModule } from './certifications/certifications.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EnterprisesModule } from './enterprises/enterprises.module';
import { GradingModule } from './grading/grading.module';
import { HealthModule } from './health/health.module';
import { ImportsModule } from './imports/imports.module';
import { IndicatorsModule } from './indicators/indicators.module';
import { JobsModule } from './jobs/jobs.module';
import { NotificationsModule } from './notifications/notifications.module';
import { OutboxModule } from './outbox/outbox.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { StateModule } from './state/state.module';
import { SubsidiesModule } from './subsidies/subsidies.module';
import { UsersModule } from './users/users.module';

/** Feature modules, in the order a request meets them; infrastructure first. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, extraModules: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        JobsModule.forRoot(config),
        OutboxModule,
        StateModule,
        AuthModule,
        UsersModule,
        AuditModule,
        NotificationsModule,
        EnterprisesModule,
        IndicatorsModule,
        GradingModule,
        CertificationsModule,
        ApplicationsModule,
        CaseworkModule,
        CalendarModule,
        ImportsModule,
        HealthModule,
        SubsidiesModule,
        PipelineModule,
        ...extraModules,
      ],
      providers: [{ provide: APP_FILTER, useClass: GlobalExceptionFilter }],
    };
  }
}
