import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { PageQueryDto } from '../common/pagination.dto';
import { NotificationsService } from './notifications.service';

const EVERYONE = ['admin', 'manager', 'caseworker', 'reviewer', 'enterprise'] as const;

export class NotificationQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

/** Each user's own notifications (the list is always the caller's; there is no way to read another's). */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Roles(...EVERYONE)
  list(@Query() query: NotificationQueryDto, @CurrentActor() actor: Actor) {
    return this.notifications.list(actor, query.unread === true, query.page, query.pageSize);
  }

  @Post('read-all')
  @HttpCode(200)
  @Roles(...EVERYONE)
  readAll(@CurrentActor() actor: Actor) {
    return this.notifications.markAllRead(actor);
  }

  @Post(':id/read')
  @HttpCode(200)
  @Roles(...EVERYONE)
  read(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor) {
    return this.notifications.markRead(actor, id);
  }
}
