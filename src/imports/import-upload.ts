import { extname } from 'node:path';
import { validationFailed } from '../common/domain-error';
import { fileError, ReceivedUpload, UPLOAD_FIELD } from '../common/multipart-upload';
import type { ImportKind } from './import-file.parser';

/** What the job needs to find and describe the stored file (kept in the job's params). */
export interface ImportFileParams {
  filename: string;
  sha256: string;
  size: number;
  kind: ImportKind;
  path: string;
}

export { receiveUpload, UPLOAD_FIELD, type ReceivedUpload } from '../common/multipart-upload';

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
