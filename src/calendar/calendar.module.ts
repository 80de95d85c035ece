import { Module } from '@nestjs/common';
import { CalendarController } from './calendar.controller';
import { CalendarOverrides } from './calendar-overrides.service';
import { WorkingCalendar } from './working-calendar.service';

/** The working-day calendar (DOMAIN.md section 9); other modules inject `WorkingCalendar` for deadlines. */
@Module({
  controllers: [CalendarController],
  providers: [WorkingCalendar, CalendarOverrides],
  exports: [WorkingCalendar],
})
export class CalendarModule {}
