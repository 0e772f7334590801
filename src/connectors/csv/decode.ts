import iconv from 'iconv-lite';
import { CsvFileError } from './errors.js';

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export interface SniffedEncoding {
  encoding: CsvEncoding;
  /** A byte-order mark was present (and is skipped). */
  bom: boolean;
  bomLength: number;
}

/** Magic numbers of files people rename to .csv by mistake (or that a chat tool mislabels). */
const MAGIC: [number[], string][] = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an Excel .xlsx workbook is one)'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Excel .xls / Office document'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x1f, 0x8b], 'a gzip archive'],
];

const startsWith = (buf: Buffer, bytes: number[]) => bytes.every((b, i) => buf[i] === b);

/**
 * Works out how the file is encoded: a BOM decides (UTF-8, UTF-16 LE/BE); else UTF-16 without a
 * BOM shows as a NUL in every other byte; else valid UTF-8 is UTF-8 and anything else is taken as
 * Windows-1252 (what Excel on Windows writes for "CSV"). NUL bytes in an 8-bit file mean binary.
 */
export function sniffEncoding(buf: Buffer): SniffedEncoding {
  if (buf.length >= 3 && startsWith(buf, [0xef, 0xbb, 0xbf]))
    return { encoding: 'utf-8', bom: true, bomLength: 3 };
  if (buf.length >= 2 && startsWith(buf, [0xff, 0xfe]))
    return { encoding: 'utf-16le', bom: true, bomLength: 2 };
  if (buf.length >= 2 && startsWith(buf, [0xfe, 0xff]))
    return { encoding: 'utf-16be', bom: true, bomLength: 2 };
  for (const [magic, what] of MAGIC) {
    if (buf.length >= magic.length && startsWith(buf, magic))
      throw new CsvFileError(
        'binary',
        `This file is ${what}, not a CSV text file. Export the tickets as CSV and upload that.`,
      );
  }
  const sample = buf.subarray(0, Math.min(buf.length, 64 * 1024));
  let evenNul = 0;
  let oddNul = 0;
  let controls = 0;
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i]!;
    if (b === 0) {
      if (i % 2 === 0) evenNul++;
      else oddNul++;
    } else if (b < 0x09 || (b > 0x0d && b < 0x20 && b !== 0x1b)) controls++;
  }
  const half = sample.length / 2;
  if (oddNul > half * 0.3 && evenNul < half * 0.05) return { encoding: 'utf-16le', bom: false, bomLength: 0 };
  if (evenNul > half * 0.3 && oddNul < half * 0.05) return { encoding: 'utf-16be', bom: false, bomLength: 0 };
  if (evenNul + oddNul > 0 || controls > sample.length * 0.01) {
    throw new CsvFileError(
      'binary',
      'This file holds binary data (NUL or control bytes), not CSV text — it may be a spreadsheet or archive renamed to .csv. Export the tickets as CSV and upload that.',
    );
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return { encoding: 'utf-8', bom: false, bomLength: 0 };
  } catch {
    return { encoding: 'windows-1252', bom: false, bomLength: 0 };
  }
}

/** Decodes a whole small slice (delimiter and header sniffing). */
export function decodeSlice(buf: Buffer, enc: SniffedEncoding, maxBytes = 64 * 1024): string {
  let end = Math.min(buf.length, enc.bomLength + maxBytes);
  if (enc.encoding.startsWith('utf-16') && (end - enc.bomLength) % 2) end--;
  return iconv.decode(buf.subarray(enc.bomLength, end), enc.encoding);
}

/** A streaming decoder for the body (the parser is fed chunk by chunk). */
export function decoderStream(enc: SniffedEncoding): NodeJS.ReadWriteStream {
  return iconv.decodeStream(enc.encoding);
}

export function encodingLabel(enc: SniffedEncoding): string {
  const names: Record<CsvEncoding, string> = {
    'utf-8': 'UTF-8',
    'utf-16le': 'UTF-16 LE',
    'utf-16be': 'UTF-16 BE',
    'windows-1252': 'Windows-1252',
  };
  return `${names[enc.encoding]}${enc.bom ? ' (BOM)' : ''}`;
}
