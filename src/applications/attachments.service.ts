import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DataSource } from 'typeorm';
import { appendAudit } from '../audit/audit-log';
import type { Actor } from '../auth/actor';
import { conflict, DomainError, notFound, validationFailed } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { TransactionRunner } from '../database/transaction-runner';
import { ApplicationAttachmentEntity, ApplicationEntity } from './application.entities';

/** What may be attached: PDF, images and spreadsheets, recognised by extension and by the file's first bytes. */
const TYPES: Record<string, { contentType: string; magic: (b: Buffer) => boolean }> = {
  '.pdf': { contentType: 'application/pdf', magic: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  '.png': {
    contentType: 'image/png',
    magic: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  '.jpg': { contentType: 'image/jpeg', magic: (b) => b[0] === 0xff && b[1] === 0xd8 },
  '.jpeg': { contentType: 'image/jpeg', magic: (b) => b[0] === 0xff && b[1] === 0xd8 },
  '.xlsx': {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    magic: (b) => b.subarray(0, 2).toString('latin1') === 'PK',
  },
  '.csv': { contentType: 'text/csv', magic: (b) => !b.includes(0) },
};
/** Per-file limit; the multipart plugin refuses anything past 20 MB before this is reached. */
export const ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;
const EDITABLE = ['draft', 'returned'];

/** Documents of an application, stored under UPLOAD_DIR by checksum; only while the enterprise can still edit it. */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly tx: TransactionRunner,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async upload(applicationId: string, documentType: string, filename: string, content: Buffer, actor: Actor) {
    const ext = extname(filename).toLowerCase();
    const type = TYPES[ext];
    if (!type)
      throw new DomainError(
        415,
        'UNSUPPORTED_FILE_TYPE',
        `Only ${Object.keys(TYPES).join(', ')} files may be attached`,
        [{ field: 'file', reason: `${ext || 'no extension'} is not accepted` }],
      );
    if (!content.length) throw validationFailed([{ field: 'file', reason: 'the file is empty' }]);
    if (!type.magic(content))
      throw new DomainError(415, 'UNSUPPORTED_FILE_TYPE', `The file's content is not ${ext}`, [
        { field: 'file', reason: `content does not match ${ext}` },
      ]);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const dir = join(this.config.uploadDir, 'attachments');
    const storagePath = join(dir, `${sha256}${ext}`);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.${randomUUID()}`);
    await writeFile(temp, content);
    await rename(temp, storagePath);
    const row = await this.tx.run(async (manager) => {
      // FOR SHARE on PostgreSQL: a SUBMIT racing this upload waits for it, or, committed first, is what this read sees
      // (the locked row is read again), so no document is added to an application already submitted.
      const app = await manager.findOne(ApplicationEntity, {
        where: { id: applicationId },
        ...(this.tx.isPostgres ? { lock: { mode: 'pessimistic_read' as const } } : {}),
      });
      if (!app) throw notFound('application', applicationId);
      if (!EDITABLE.includes(app.state))
        throw conflict('APPLICATION_LOCKED', `Documents cannot change once the application is ${app.state}`);
      const attachment: ApplicationAttachmentEntity = {
        id: randomUUID(),
        applicationId,
        documentType,
        filename,
        contentType: type.contentType,
        size: content.length,
        sha256,
        storagePath,
        uploadedBy: actor.id,
        createdAt: new Date(),
      };
      await manager.insert(ApplicationAttachmentEntity, attachment);
      await appendAudit(manager, {
        entityType: 'application',
        entityId: applicationId,
        event: 'ATTACHMENT_ADDED',
        actorId: actor.id,
        payload: { attachmentId: attachment.id, documentType, filename, sha256, size: content.length },
      });
      return attachment;
    });
    return toAttachmentView(row);
  }

  async list(applicationId: string) {
    const rows = await this.dataSource
      .getRepository(ApplicationAttachmentEntity)
      .find({ where: { applicationId }, order: { createdAt: 'ASC' } });
    return { items: rows.map(toAttachmentView), total: rows.length };
  }

  async open(applicationId: string, attachmentId: string) {
    const row = await this.dataSource
      .getRepository(ApplicationAttachmentEntity)
      .findOne({ where: { id: attachmentId, applicationId } });
    if (!row) throw notFound('attachment', attachmentId);
    return { row, stream: createReadStream(row.storagePath) };
  }
}

export function toAttachmentView(a: ApplicationAttachmentEntity) {
  const { storagePath: _path, ...rest } = a;
  return { ...rest, createdAt: new Date(a.createdAt).toISOString() };
}
