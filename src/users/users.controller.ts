import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { CreateUserDto, ListUsersQueryDto, ResetPasswordDto, UpdateUserDto } from './user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('admin')
  create(@Body() dto: CreateUserDto, @CurrentActor() actor: Actor) {
    return this.users.create(dto, actor);
  }

  @Get()
  @Roles('admin')
  list(@Query() query: ListUsersQueryDto) {
    return this.users.list(query);
  }

  /** Deactivate or reactivate, rename, correct a reviewer's expertise; `version` from the list; ends the sessions. */
  @Patch(':id')
  @Roles('admin')
  update(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: UpdateUserDto, @CurrentActor() actor: Actor) {
    return this.users.update(id, dto, actor);
  }

  /** Sets a new password for someone who lost theirs; the account's sessions end. */
  @Put(':id/password')
  @Roles('admin')
  resetPassword(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: ResetPasswordDto,
    @CurrentActor() actor: Actor,
  ) {
    return this.users.resetPassword(id, dto, actor);
  }
}
