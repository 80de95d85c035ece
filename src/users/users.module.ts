import { Module } from '@nestjs/common';
import { UserStanding } from './user-standing';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  controllers: [UsersController],
  providers: [UsersService, UserStanding],
  exports: [UsersService, UserStanding],
})
export class UsersModule {}
