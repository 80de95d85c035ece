import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { extname } from 'node:path';
import { DomainError, validationFailed } from '../common/domain-error';
import type { ImportKind } from './import-file.parser';

/** An upload as received, before it is stored. */
export interface ReceivedUpload {
  filename: string;
  buffer: Buffer;
}

/** What the job needs to find and describe the stored file (kept in the job's params). */
export interface ImportFileParams {
  filename: string;
  sha256: string;
  size: number;
  kind: ImportKind;
  path: string;
}

export const UPLOAD_FIELD = 'file';

const fileError = (status: number, code: string, reason: string, message = reason) =>
  new DomainError(status, code, message, [{ field: UPLOAD_FIELD, reason }]);

/**
 * Reads the one file of a multipart request (field `file`) into memory; the multipart plugin caps its size. Fastify's
 * multipart errors become answers that name the field instead of a bare status.
 */
export async function receiveUpload(req: FastifyRequest): Promise<ReceivedUpload> {
  if (!req.isMultipart())
    throw fileError(
      415,
      'NOT_MULTIPART',
      'send the file as multipart/form-data in the field "file"',
      'Expected a multipart/form-data request with the file in the field "file"',
    );
  let part: MultipartFile | undefined;
  let buffer: Buffer;
  try {
    part = await req.file();
    if (!part) throw validationFailed([{ field: UPLOAD_FIELD, reason: 'required: attach a CSV or XLSX file' }]);
    if (part.fieldname !== UPLOAD_FIELD) {
      part.file.resume();
      throw validationFailed([
        { field: UPLOAD_FIELD, reason: `send the file in the field "file", not "${part.fieldname}"` },
      ]);
    }
    buffer = await part.toBuffer();
  } catch (error) {
    throw multipartError(error);
  }
  return { filename: part.filename, buffer };
}

function multipartError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const code = (error as { code?: string })?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE')
    return fileError(413, 'FILE_TOO_LARGE', 'the file is larger than the upload limit (20 MB)');
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return fileError(413, 'TOO_MANY_PARTS', 'send exactly one file and nothing else');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return fileError(415, 'NOT_MULTIPART', 'send the file as multipart/form-data in the field "file"');
  if (code === 'FST_MP_PREMATURE_CLOSE' || code === 'FST_PROTO_VIOLATION' || /multipart|boundary/i.test(String(error)))
    return fileError(400, 'BAD_MULTIPART', 'the multipart body could not be read');
  return error;
}

const ZIP = Buffer.from('PK\x03\x04', 'latin1');
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/**
 * Accepts `.csv` and `.xlsx` only, checked by name and by content: an XLSX file is a zip archive, a CSV file is text.
 * A `.csv` that is in fact an XLSX file (users rename files) is read as XLSX, as the parser would.
 */
export function checkUpload(upload: ReceivedUpload): ImportKind {
  const ext = extname(upload.filename ?? '').toLowerCase();
  if (ext !== '.csv' && ext !== '.xlsx')
    throw fileError(
      415,
      'UNSUPPORTED_FILE_TYPE',
      `only .csv and .xlsx files are accepted, not "${upload.filename}"`,
      'Only CSV and XLSX files can be imported',
    );
  if (upload.buffer.length === 0) throw validationFailed([{ field: UPLOAD_FIELD, reason: 'the file is empty' }]);
  const head = upload.buffer.subarray(0, 8192);
  const isZip = head.subarray(0, 4).equals(ZIP);
  if (ext === '.xlsx' && !isZip)
    throw fileError(
      415,
      'UNSUPPORTED_FILE_TYPE',
      'not an XLSX file (an XLSX file is a zip archive): save it from Excel as .xlsx, or as CSV',
      'The file is not an XLSX workbook',
    );
  if (isZip) return 'xlsx';
  if (head.subarray(0, 4).equals(OLE))
    throw fileError(
      415,
      'UNSUPPORTED_FILE_TYPE',
      'the old .xls format is not supported: save the file as .xlsx or CSV',
      'The file is an old .xls workbook',
    );
  // Text never holds NUL bytes (UTF-8 and GB18030 alike); a PDF, an image or UTF-16 text does.
  if (head.includes(0))
    throw fileError(
      415,
      'UNSUPPORTED_FILE_TYPE',
      'not a CSV text file: save it as "CSV UTF-8" or as .xlsx',
      'The file is not a CSV text file',
    );
  return 'csv';
}
