import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from './actor';
import { CurrentActor, Public, Roles } from './auth.decorators';
import { ChangePasswordDto, LoginDto } from './auth.dto';
import { AuthService } from './auth.service';

@ApiTags('auth')
@Controller('api')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  login(@Body() dto: LoginDto, @Ip() address: string) {
    return this.auth.login(dto.username, dto.password, address);
  }

  @Get('me')
  @ApiBearerAuth()
  @Roles('admin', 'manager', 'caseworker', 'reviewer', 'enterprise')
  me(@CurrentActor() actor: Actor) {
    return this.auth.me(actor);
  }

  /** Changes the signed-in user's own password; answers a fresh token (other sessions end). */
  @Post('me/password')
  @ApiBearerAuth()
  @HttpCode(200)
  @Roles('admin', 'manager', 'caseworker', 'reviewer', 'enterprise')
  changePassword(@Body() dto: ChangePasswordDto, @CurrentActor() actor: Actor, @Ip() address: string) {
    return this.auth.changePassword(actor, dto, address);
  }
}
