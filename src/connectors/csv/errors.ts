/** Why a file cannot be imported at all (nothing is stored); `message` is written for the uploader. */
export type CsvFileErrorCode =
  | 'too_large'
  | 'empty'
  | 'header_only'
  | 'binary'
  | 'unbalanced_quote'
  | 'ragged_rows'
  | 'no_header'
  | 'invalid_mapping';

export class CsvFileError extends Error {
  constructor(
    readonly code: CsvFileErrorCode,
    message: string,
    /** 1-based line of the file where the problem was found, when known. */
    readonly line?: number,
  ) {
    super(message);
    this.name = 'CsvFileError';
  }
}

/** The limit: a larger file gets a clear reply and nothing is read. */
export const MAX_CSV_BYTES = 10 * 1024 * 1024;

export function tooLargeMessage(size: number): string {
  const mb = (size / 1024 / 1024).toFixed(1);
  return `This file is ${mb} MB (${size} bytes); CSV imports are limited to 10 MB (${MAX_CSV_BYTES} bytes). Split the export (e.g. by date range) and upload the parts.`;
}

export function checkSize(size: number): CsvFileError | null {
  return size > MAX_CSV_BYTES ? new CsvFileError('too_large', tooLargeMessage(size)) : null;
}
