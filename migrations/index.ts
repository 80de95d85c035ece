import { Foundation1763700000000 } from './1763700000000-foundation';
import { Enterprises1763700001000 } from './1763700001000-enterprises';
import { TierLifecycle1763700002000 } from './1763700002000-tier-lifecycle';
import { Calendar1763700003000 } from './1763700003000-calendar';
import { Notifications1763700004000 } from './1763700004000-notifications';
import { Subsidies1763700005000 } from './1763700005000-subsidies';
import { Applications1763700006000 } from './1763700006000-applications';
import { Casework1763700007000 } from './1763700007000-casework';
import { Targets1763700008000 } from './1763700008000-targets';
import { ListIndexes1763700009000 } from './1763700009000-list-indexes';
import { PipelineYearCounts1763700010000 } from './1763700010000-pipeline-year-counts';
import { DeadlineReminders1763700011000 } from './1763700011000-deadline-reminders';
import { DistrictMoveEarlyExit1763700012000 } from './1763700012000-district-move-early-exit';
import { DropApplicationsCreatedIndex1763700013000 } from './1763700013000-drop-applications-created-index';
import { TargetSetVersions1763700014000 } from './1763700014000-target-set-versions';
import { UsernamesCaseInsensitive1763700015000 } from './1763700015000-usernames-case-insensitive';
import { OutboxDeliveries1763700016000 } from './1763700016000-outbox-deliveries';

/** Every migration, in order. Listed explicitly so the same array serves ts-jest, the compiled app and the CLI. */
export const ALL_MIGRATIONS = [
  Foundation1763700000000,
  Enterprises1763700001000,
  TierLifecycle1763700002000,
  Calendar1763700003000,
  Notifications1763700004000,
  Subsidies1763700005000,
  Applications1763700006000,
  Casework1763700007000,
  Targets1763700008000,
  ListIndexes1763700009000,
  PipelineYearCounts1763700010000,
  DeadlineReminders1763700011000,
  DistrictMoveEarlyExit1763700012000,
  DropApplicationsCreatedIndex1763700013000,
  TargetSetVersions1763700014000,
  UsernamesCaseInsensitive1763700015000,
  OutboxDeliveries1763700016000,
];
