import { Module } from '@nestjs/common';
import { BudgetLedger } from './budget.ledger';
import { GrantExportService } from './grant-export.service';
import { GrantNotificationsProcessor } from './grant-notifications.processor';
import { GrantWriter } from './grant.writer';
import { GrantsController } from './grants.controller';
import { GrantsService } from './grants.service';
import { MatchingProcessor } from './matching.processor';
import { MatchingService } from './matching.service';
import { ProgrammesController } from './programmes.controller';
import { ProgrammesService } from './programmes.service';
import { SimulationService } from './simulation.service';

/** Subsidies without application (免申即享): programmes as data, matching on events and in batches, grants. */
@Module({
  controllers: [ProgrammesController, GrantsController],
  providers: [
    ProgrammesService,
    BudgetLedger,
    GrantWriter,
    MatchingService,
    MatchingProcessor,
    GrantsService,
    GrantNotificationsProcessor,
    GrantExportService,
    SimulationService,
  ],
  exports: [ProgrammesService, GrantsService],
})
export class SubsidiesModule {}
