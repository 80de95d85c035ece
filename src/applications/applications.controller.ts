import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IsString, Matches } from 'class-validator';
import type { Actor } from '../auth/actor';
import { CurrentActor, OwnedBy, Roles } from '../auth/auth.decorators';
import { receiveUpload } from '../common/multipart-upload';
import { ApplicationEventDto, CreateApplicationDto, ListApplicationsQueryDto } from './application.dto';
import { ApplicationsService } from './applications.service';
import { AttachmentsService } from './attachments.service';

const EVERYONE = ['admin', 'manager', 'caseworker', 'reviewer', 'enterprise'] as const;

export class AttachmentQueryDto {
  @IsString()
  @Matches(/^[a-z0-9_]{2,60}$/, { message: 'documentType must be 2 to 60 lower-case letters, digits or underscores' })
  documentType: string;
}

@ApiTags('applications')
@ApiBearerAuth()
@Controller('api/applications')
export class ApplicationsController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly attachments: AttachmentsService,
  ) {}

  /** The enterprise applies for itself; a caseworker may open one on its behalf. */
  @Post()
  @Roles('enterprise', 'caseworker')
  @OwnedBy('enterprise', 'body.enterpriseId')
  create(@Body() dto: CreateApplicationDto, @CurrentActor() actor: Actor) {
    return this.applications.create(dto, actor);
  }

  /** Work queues: `state`, `targetTier`, `assignee=me`, `overdue=true`; enterprises see their own. */
  @Get()
  @Roles(...EVERYONE)
  list(@Query() query: ListApplicationsQueryDto, @CurrentActor() actor: Actor) {
    return this.applications.list(query, actor);
  }

  @Get(':id')
  @Roles(...EVERYONE)
  @OwnedBy('application')
  get(@Param('id', new ParseUUIDPipe()) id: string, @CurrentActor() actor: Actor) {
    return this.applications.get(id, actor);
  }

  /** Moves the application: 409 when the state does not allow it (or a race was lost), 403 when this person may not. */
  @Post(':id/events')
  @HttpCode(200)
  @Roles(...EVERYONE)
  send(@Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ApplicationEventDto, @CurrentActor() actor: Actor) {
    return this.applications.send(id, dto, actor);
  }

  /** Upload one document (multipart field `file`; PDF, PNG, JPEG, XLSX or CSV) while the application is editable. */
  @Post(':id/attachments')
  @Roles('enterprise', 'caseworker')
  @OwnedBy('application')
  async upload(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: AttachmentQueryDto,
    @Req() req: FastifyRequest,
    @CurrentActor() actor: Actor,
  ) {
    const upload = await receiveUpload(req);
    return this.attachments.upload(id, query.documentType, upload.filename, upload.buffer, actor);
  }

  @Get(':id/attachments')
  @Roles('admin', 'manager', 'caseworker', 'reviewer', 'enterprise')
  @OwnedBy('application')
  listAttachments(@Param('id', new ParseUUIDPipe()) id: string) {
    return this.attachments.list(id);
  }

  @Get(':id/attachments/:attachmentId')
  @Roles('admin', 'manager', 'caseworker', 'reviewer', 'enterprise')
  @OwnedBy('application')
  async download(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('attachmentId', new ParseUUIDPipe()) attachmentId: string,
    @Res() reply: FastifyReply,
  ) {
    const { row, stream } = await this.attachments.open(id, attachmentId);
    return reply
      .header('content-type', row.contentType)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(row.filename)}`)
      .header('x-checksum-sha256', row.sha256)
      .send(stream);
  }
}
