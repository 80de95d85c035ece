import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { receiveUpload } from './import-upload';
import { ImportsService } from './imports.service';

const IMPORTERS = ['caseworker', 'manager', 'admin'] as const;

@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  /**
   * Starts a bulk import of enterprises and annual indicators from a CSV or XLSX file (docs/import-format.md), as a
   * job: progress and outcome at GET /api/jobs/:jobId, rejected rows also at GET /api/imports/:jobId/errors.csv.
   */
  @Post()
  @HttpCode(202)
  @Roles(...IMPORTERS)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: '.csv or .xlsx, at most 20 MB' } },
    },
  })
  async start(@Req() req: FastifyRequest, @CurrentActor() actor: Actor) {
    return this.imports.start(await receiveUpload(req), actor);
  }

  /** The rejected rows of a finished import as CSV (rowNumber, column, reason), readable by Excel. */
  @Get(':jobId/errors.csv')
  @Roles(...IMPORTERS)
  @ApiProduces('text/csv')
  async errors(
    @Param('jobId', new ParseUUIDPipe()) jobId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { filename, body } = await this.imports.errorsCsv(jobId, actor);
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', attachment(filename))
      .header('cache-control', 'no-store');
    return body;
  }
}

/** RFC 6266: an ASCII fallback name and the real (often Chinese) name percent-encoded. */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
