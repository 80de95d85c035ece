import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { AuditQueryDto } from './audit.dto';
import { AuditService } from './audit.service';

/** Read-only by design: there is no route that changes or deletes an audit event. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin', 'manager')
  list(@Query() query: AuditQueryDto) {
    return this.audit.list(query);
  }
}
