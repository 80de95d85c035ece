import { Body, Controller, Delete, Get, Param, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { AddWorkingDaysQueryDto, CalendarDateParamDto, OverridesQueryDto, SetCalendarDayDto } from './calendar.dto';
import { CalendarOverrides } from './calendar-overrides.service';
import { WorkingCalendar } from './working-calendar.service';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller('api/calendar')
export class CalendarController {
  constructor(
    private readonly calendar: WorkingCalendar,
    private readonly overrides: CalendarOverrides,
  ) {}

  /** The `days`-th working day after `from` (e.g. where 10 working days of public notice end). */
  @Get('add-working-days')
  @Roles('admin', 'manager', 'caseworker', 'reviewer', 'enterprise')
  async addWorkingDays(@Query() q: AddWorkingDaysQueryDto) {
    return { from: q.from, days: q.days, date: await this.calendar.addWorkingDays(q.from, q.days) };
  }

  /** Years the shipped official calendar covers; other years need overrides or fall back to Monday–Friday. */
  @Get('coverage')
  @Roles('admin', 'manager', 'caseworker', 'reviewer', 'enterprise')
  coverage() {
    return { officialYears: this.calendar.coveredYears() };
  }

  @Get('days/:date')
  @Roles('admin', 'manager', 'caseworker', 'reviewer', 'enterprise')
  day(@Param() p: CalendarDateParamDto) {
    return this.calendar.day(p.date);
  }

  /** An administrator's ruling on one day; wins over the official calendar. 201 when new, 200 when replaced. */
  @Put('days/:date')
  @Roles('admin')
  async setDay(
    @Param() p: CalendarDateParamDto,
    @Body() dto: SetCalendarDayDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.overrides.set(p.date, dto.workday, dto.note ?? null, actor);
    void reply.status(result.created ? 201 : 200);
    return result.day;
  }

  @Delete('days/:date')
  @Roles('admin')
  removeDay(@Param() p: CalendarDateParamDto, @CurrentActor() actor: Actor) {
    return this.overrides.remove(p.date, actor);
  }

  @Get('overrides')
  @Roles('admin', 'manager')
  list(@Query() q: OverridesQueryDto) {
    return this.overrides.list(q.year, q.page, q.pageSize);
  }
}
