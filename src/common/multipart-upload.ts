import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { DomainError, validationFailed } from './domain-error';

/** An upload as received, before it is stored. */
export interface ReceivedUpload {
  filename: string;
  buffer: Buffer;
}

export const UPLOAD_FIELD = 'file';

/** Longest file name kept (the column is 255 characters); control characters and broken UTF-16 are refused. */
export const MAX_FILENAME_LENGTH = 255;
const BAD_FILENAME = /[\u0000-\u001f\u007f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function filenameProblem(filename: string | undefined): string | null {
  if (filename && filename.length > MAX_FILENAME_LENGTH)
    return `the file name must be at most ${MAX_FILENAME_LENGTH} characters`;
  if (filename && BAD_FILENAME.test(filename)) return 'the file name must not contain control characters';
  return null;
}

export const fileError = (status: number, code: string, reason: string, message = reason) =>
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
    if (!part) throw validationFailed([{ field: UPLOAD_FIELD, reason: 'required: attach a file' }]);
    if (part.fieldname !== UPLOAD_FIELD) {
      part.file.resume();
      throw validationFailed([
        { field: UPLOAD_FIELD, reason: `send the file in the field "file", not "${part.fieldname}"` },
      ]);
    }
    const badName = filenameProblem(part.filename);
    if (badName) {
      part.file.resume();
      throw fileError(400, 'BAD_FILENAME', badName);
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
