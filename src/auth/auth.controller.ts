import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from './actor';
import { CurrentActor, Public, Roles } from './auth.decorators';
import { LoginDto } from './auth.dto';
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
}
