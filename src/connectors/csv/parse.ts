import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { decoderStream, type SniffedEncoding } from './decode.js';
import type { Delimiter } from './delimiter.js';
import { CsvFileError } from './errors.js';

/** One record of the file. */
export interface CsvRecord {
  /** 1-based ticket row: row 1 is the first record after the header. */
  row: number;
  /** 1-based line of the file where the record starts (quoted fields may span lines). */
  line: number;
  values: string[];
}

const CHUNK = 64 * 1024;

/**
 * Streams the records of the file (header first, as row 0) through `iconv-lite` and `csv-parse`:
 * memory stays bounded by the chunk size and the largest record, whatever the row count.
 * Quoted fields may span lines; stray quotes inside an unquoted field are kept as text
 * (`relax_quotes`: a `5" screen` in a subject is not an error); a quote opened and never closed
 * is, with the line where it opened.
 */
export async function* readRecords(
  buf: Buffer,
  enc: SniffedEncoding,
  delimiter: Delimiter,
): AsyncGenerator<CsvRecord> {
  const source = Readable.from(
    (function* () {
      for (let i = enc.bomLength; i < buf.length; i += CHUNK)
        yield buf.subarray(i, Math.min(i + CHUNK, buf.length));
    })(),
  );
  const parser = source.pipe(decoderStream(enc)).pipe(
    parse({
      delimiter,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      // A BOM inside the stream (after our own skip) would stick to the first header otherwise.
      bom: true,
    }),
  );
  let lastEndLine = 0;
  let row = 0;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const values = item.record;
      // Lines before this record's end that were not part of it (empty lines) are approximated
      // by counting the newlines inside the record's own fields.
      const inner = values.reduce((n, v) => n + countNewlines(v), 0);
      const line = Math.max(lastEndLine + 1, item.info.lines - inner);
      lastEndLine = item.info.lines;
      yield { row: row++, line, values };
    }
  } catch (err) {
    const e = err as { code?: string; lines?: number; message?: string };
    if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
      // The stream may reject before handing over the records it already parsed, so the line
      // where the quote opened is found again by a quote-aware scan (error path only).
      const line = unclosedQuoteLine(iconv.decode(buf.subarray(enc.bomLength), enc.encoding), delimiter);
      throw new CsvFileError(
        'unbalanced_quote',
        `Unbalanced quote: the quoted field opened on line ${line} is never closed (the file ends inside it). Add the missing closing " on that line and upload again.`,
        line,
      );
    }
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
      throw new CsvFileError(
        'unbalanced_quote',
        `The file is not valid CSV near line ${e.lines ?? lastEndLine + 1}: ${e.message}`,
        e.lines,
      );
    }
    throw err;
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13 && s.charCodeAt(i + 1) !== 10) n++;
  }
  return n;
}

/** The 1-based line where a quote opened at the start of a field is left open at the end of the text. */
export function unclosedQuoteLine(text: string, delimiter: string): number {
  let line = 1;
  let openedAt = 0;
  let inQuotes = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      } else if (c === '\n') line++;
      continue;
    }
    if (c === '"' && fieldStart) {
      inQuotes = true;
      openedAt = line;
    } else if (c === '\n') line++;
    fieldStart = c === delimiter || c === '\n' || c === '\r';
  }
  return inQuotes ? openedAt : line;
}
