import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { DeclareConflictDto } from './application.dto';
import { ReviewerConflictsService } from './reviewer-conflicts.service';

/** Reviewers declare affiliations (回避): they are never drawn for that enterprise's panels. */
@ApiTags('applications')
@ApiBearerAuth()
@Controller('api/reviewers/me/conflicts')
export class ReviewersController {
  constructor(private readonly conflicts: ReviewerConflictsService) {}

  @Post()
  @Roles('reviewer')
  declare(@Body() dto: DeclareConflictDto, @CurrentActor() actor: Actor) {
    return this.conflicts.declare(dto, actor);
  }

  @Get()
  @Roles('reviewer')
  list(@CurrentActor() actor: Actor) {
    return this.conflicts.mine(actor);
  }
}
