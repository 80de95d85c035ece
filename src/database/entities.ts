import { APPLICATION_ENTITIES } from '../applications/application.entities';
import { AuditEventEntity } from '../audit/audit-event.entity';
import { LoginFailureEntity } from '../auth/login-failure.entity';
import { CalendarDayEntity } from '../calendar/calendar-day.entity';
import { CASEWORK_ENTITIES } from '../casework/casework.entities';
import { CertificationEntity } from '../certifications/certification.entity';
import { NoticeEntity } from '../certifications/notice.entity';
import { RevocationEntity } from '../certifications/revocation.entity';
import { EnterpriseEntity } from '../enterprises/enterprise.entity';
import { EnterpriseEvaluationEntity } from '../grading/enterprise-evaluation.entity';
import { RegionConfigEntity } from '../grading/region-config.entity';
import { AnnualIndicatorsEntity } from '../indicators/annual-indicators.entity';
import { JobRecordEntity } from '../jobs/job-record.entity';
import { NotificationEntity } from '../notifications/notification.entity';
import { OutboxEventEntity } from '../outbox/outbox-event.entity';
import { TargetEntity, TargetSetEntity } from '../pipeline/target.entity';
import { GrantEntity } from '../subsidies/grant.entity';
import { ProgrammeEntity } from '../subsidies/programme.entity';
import { UserEntity } from '../users/user.entity';

/** Every entity, listed once so the app, the migration command and the tests agree. */
export const ALL_ENTITIES = [
  UserEntity,
  AuditEventEntity,
  OutboxEventEntity,
  JobRecordEntity,
  LoginFailureEntity,
  EnterpriseEntity,
  AnnualIndicatorsEntity,
  EnterpriseEvaluationEntity,
  RegionConfigEntity,
  CertificationEntity,
  RevocationEntity,
  NoticeEntity,
  CalendarDayEntity,
  NotificationEntity,
  ProgrammeEntity,
  GrantEntity,
  ...APPLICATION_ENTITIES,
  ...CASEWORK_ENTITIES,
  TargetEntity,
  TargetSetEntity,
];
