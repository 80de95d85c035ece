import { Module } from '@nestjs/common';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { IndicatorsModule } from '../indicators/indicators.module';
import { ImportProcessor } from './import.processor';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

/** Bulk import of enterprises and annual indicators from CSV or XLSX files (issue 3, docs/import-format.md). */
@Module({
  imports: [EnterprisesModule, IndicatorsModule],
  controllers: [ImportsController],
  providers: [ImportsService, ImportProcessor],
})
export class ImportsModule {}
