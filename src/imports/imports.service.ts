import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Actor } from '../auth/actor';
import { conflict, notFound } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JobRecords } from '../jobs/job-records.service';
import type { FileError, RowError } from './import-file.parser';
import { checkUpload, ImportFileParams, ReceivedUpload } from './import-upload';

export const IMPORT_JOB = 'imports.enterprises';

/** Longest file name kept in the job params (it is only shown back to people). */
const MAX_FILENAME = 200;

/** Accepts an upload, keeps the file where a worker can read it, and starts the import job; serves error reports. */
@Injectable()
export class ImportsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobRecords,
  ) {}

  private get folder() {
    return join(this.config.uploadDir, 'imports');
  }

  async start(upload: ReceivedUpload, actor: Actor) {
    const kind = checkUpload(upload);
    const sha256 = createHash('sha256').update(upload.buffer).digest('hex');
    const path = await this.store(upload.buffer, `${sha256}.${kind}`);
    const params: ImportFileParams = {
      filename: (upload.filename ?? '').slice(0, MAX_FILENAME),
      sha256,
      size: upload.buffer.length,
      kind,
      path,
    };
    const record = await this.jobs.start(IMPORT_JOB, { ...params }, actor);
    return { jobId: record.id, status: record.status };
  }

  /**
   * Named by content, so the same file uploaded twice is stored once; written under a temporary name and renamed, so a
   * worker never reads half a file.
   */
  private async store(buffer: Buffer, name: string): Promise<string> {
    const path = join(this.folder, name);
    if (await exists(path)) return path;
    await mkdir(this.folder, { recursive: true });
    const temporary = join(this.folder, `.${name}.${randomUUID()}.tmp`);
    await writeFile(temporary, buffer);
    try {
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    return path;
  }

  /**
   * The stored upload of an import job, checked against its hash. The path in the params is tried first, then the
   * same name under this process's upload folder (a worker whose UPLOAD_DIR mounts the shared folder elsewhere).
   */
  async read(params: ImportFileParams): Promise<Buffer | null> {
    for (const path of [params.path, join(this.folder, `${params.sha256}.${params.kind}`)]) {
      const buffer = await readFile(path).catch(() => null);
      if (buffer && createHash('sha256').update(buffer).digest('hex') === params.sha256) return buffer;
    }
    return null;
  }

  /** Rejected rows (and file errors) of an import as CSV, with a byte order mark so Excel reads the Chinese. */
  async errorsCsv(jobId: string, actor: Actor): Promise<{ filename: string; body: Buffer }> {
    const record = await this.jobs.get(jobId, actor);
    if (record.name !== IMPORT_JOB) throw notFound('import', jobId);
    if (record.status === 'queued' || record.status === 'running')
      throw conflict('IMPORT_NOT_FINISHED', 'The import is still running; the error report is ready when it ends', {
        status: record.status,
      });
    const result = record.result ?? {};
    const lines = [['rowNumber', 'column', 'reason']];
    for (const e of (result.fileErrors ?? []) as FileError[]) lines.push(['', e.columns.join(', '), e.message]);
    if (!result.fileErrors && record.error) lines.push(['', '', record.error]);
    for (const e of (result.errors ?? []) as RowError[]) lines.push([String(e.rowNumber), e.column, e.reason]);
    if (result.errorsTruncated)
      lines.push([
        '',
        '',
        `only the first ${result.errors.length} errors are listed; ${result.rejected} rows were rejected`,
      ]);
    const text = lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';
    const base = String(record.params.filename ?? 'import').replace(/\.[^.]*$/, '');
    return {
      filename: `${base}-errors.csv`,
      body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
    };
  }
}

/**
 * Quotes a cell when needed, and keeps a spreadsheet from running it as a formula: headers and reasons quote what the
 * uploaded file said, so a leading `=`, `+`, `-` or `@` is prefixed with an apostrophe (CSV injection).
 */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

async function exists(path: string) {
  return stat(path).then(
    () => true,
    () => false,
  );
}
