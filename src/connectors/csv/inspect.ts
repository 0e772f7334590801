import { decodeSlice, encodingLabel, sniffEncoding, type SniffedEncoding } from './decode.js';
import { DELIMITER_NAMES, detectDelimiter, type Delimiter } from './delimiter.js';
import { inferDayOrder, parseDate, type DayOrder } from './dates.js';
import { CsvFileError, checkSize } from './errors.js';
import { TICKET_FIELDS, type ColumnMapping, type TicketField } from './fields.js';
import { formatById, formatLabelOf, matchFormat } from './formats.js';
import { formatMapping, guessMapping } from './mapping.js';
import { createRowNormalizer, type RowOutcome } from './normalize.js';
import { readRecords } from './parse.js';

/** What the review card (and `fincelo csv inspect`) shows about a file. */
export interface CsvAnalysis {
  sizeBytes: number;
  encoding: SniffedEncoding;
  encodingLabel: string;
  delimiter: Delimiter;
  delimiterName: string;
  headers: string[];
  /** Detected export, or `custom`. */
  formatId: string;
  formatLabel: string;
  mapping: ColumnMapping;
  /** Ticket rows (records after the header). */
  rowCount: number;
  dayOrders: Partial<Record<TicketField, DayOrder>>;
}

const SAMPLE_ROWS = 200;
const MAX_RAGGED_LISTED = 5;

/**
 * Reads the whole file once (streaming): sniffs encoding and delimiter, checks its structure
 * (a malformed file is refused here, before anything is stored), detects the export format and
 * proposes a mapping from the first rows.
 */
export async function analyseCsv(buf: Buffer): Promise<CsvAnalysis> {
  const tooLarge = checkSize(buf.length);
  if (tooLarge) throw tooLarge;
  const encoding = sniffEncoding(buf);
  const head = decodeSlice(buf, encoding);
  if (buf.length - encoding.bomLength === 0 || !head.trim())
    throw new CsvFileError(
      'empty',
      'The file is empty: there is no header and no ticket row. Export the tickets again and upload the file.',
    );
  const delimiter = detectDelimiter(head);
  let headers: string[] | null = null;
  const samples: string[][] = [];
  const ragged: { line: number; count: number }[] = [];
  let raggedTotal = 0;
  let rowCount = 0;
  for await (const rec of readRecords(buf, encoding, delimiter)) {
    if (!headers) {
      headers = rec.values.map((h) => h.trim());
      if (headers.every((h) => !h))
        throw new CsvFileError(
          'no_header',
          'The first line has no column names. The file needs a header row (Id, Subject, …).',
          rec.line,
        );
      continue;
    }
    rowCount++;
    if (rec.values.length !== headers.length && !trailingBlank(rec.values, headers.length)) {
      raggedTotal++;
      if (ragged.length < MAX_RAGGED_LISTED) ragged.push({ line: rec.line, count: rec.values.length });
    }
    if (samples.length < SAMPLE_ROWS) samples.push(rec.values);
  }
  if (!headers) throw new CsvFileError('empty', 'The file is empty: there is no header and no ticket row.');
  if (raggedTotal) {
    const list = ragged.map((r) => `line ${r.line} has ${r.count}`).join(', ');
    throw new CsvFileError(
      'ragged_rows',
      `Ragged rows: the header has ${headers.length} columns but ${raggedTotal} row${raggedTotal > 1 ? 's do' : ' does'} not (${list}${raggedTotal > ragged.length ? ', …' : ''}). Usually a delimiter inside an unquoted value: re-export with quoting, or fix those lines.`,
      ragged[0]!.line,
    );
  }
  if (rowCount === 0)
    throw new CsvFileError(
      'header_only',
      `The file has a header (${headers.length} columns) but no ticket rows. Check the export's filters and export again.`,
    );
  const match = matchFormat(headers);
  const format = match?.format ?? null;
  const mapping = unreadDatesDropped(
    format
      ? withGuesses(
          formatMapping(format, headers, samples),
          match!.complete ? null : guessMapping(headers, samples),
        )
      : guessMapping(headers, samples),
    headers,
    samples,
  );
  return {
    sizeBytes: buf.length,
    encoding,
    encodingLabel: encodingLabel(encoding),
    delimiter,
    delimiterName: DELIMITER_NAMES[delimiter],
    headers,
    formatId: format?.id ?? 'custom',
    formatLabel: formatLabelOf(match),
    mapping,
    rowCount,
    dayOrders: dayOrdersOf(headers, samples, mapping, format?.dayOrder),
  };
}

/**
 * A trimmed export's columns the vendor profile does not name (renamed or custom ones) are mapped
 * the way a custom export is, for the fields the profile left empty, on columns it did not use.
 */
function withGuesses(fromFormat: ColumnMapping, guessed: ColumnMapping | null): ColumnMapping {
  if (!guessed) return fromFormat;
  const out = { ...fromFormat };
  const used = new Set(Object.values(out).map((m) => m!.column));
  for (const f of TICKET_FIELDS) {
    const g = guessed[f];
    if (!out[f] && g && !used.has(g.column)) {
      out[f] = g;
      used.add(g.column);
    }
  }
  return out;
}

/**
 * A date column none of whose sampled values parse is left unmapped (the review card shows it so,
 * and it can be mapped by hand): otherwise one date format we do not read would skip every row of
 * the file. A column that parses but has one bad value still skips that row, naming it.
 */
function unreadDatesDropped(mapping: ColumnMapping, headers: string[], samples: string[][]): ColumnMapping {
  const out = { ...mapping };
  for (const f of ['createdAt', 'updatedAt'] as const) {
    const col = out[f]?.column;
    if (!col) continue;
    const i = headers.indexOf(col);
    const values = samples.map((r) => (r[i] ?? '').trim()).filter(Boolean);
    if (values.length && values.every((v) => !parseDate(v, { timeZone: 'UTC', dayOrder: 'dmy' })))
      delete out[f];
  }
  return out;
}

/** Excel pads short rows with empty cells; those are not ragged. */
function trailingBlank(values: string[], width: number): boolean {
  return values.length > width && values.slice(width).every((v) => !v.trim());
}

function dayOrdersOf(
  headers: string[],
  samples: string[][],
  mapping: ColumnMapping,
  vendor: DayOrder | undefined,
): Partial<Record<TicketField, DayOrder>> {
  const out: Partial<Record<TicketField, DayOrder>> = {};
  const inferred: DayOrder[] = [];
  for (const f of ['createdAt', 'updatedAt'] as const) {
    const col = mapping[f]?.column;
    if (!col) continue;
    const i = headers.indexOf(col);
    const o = inferDayOrder(samples.map((r) => r[i] ?? ''));
    if (o) {
      out[f] = o;
      inferred.push(o);
    }
  }
  // One file uses one order: an ambiguous column follows its sibling, else the vendor's.
  for (const f of ['createdAt', 'updatedAt'] as const) out[f] ??= inferred[0] ?? vendor ?? 'mdy';
  return out;
}

/** Checks a mapping edited by the user against the file's columns. */
export function validateMapping(headers: string[], mapping: ColumnMapping): string | null {
  for (const [field, m] of Object.entries(mapping)) {
    if (!(TICKET_FIELDS as readonly string[]).includes(field)) return `Unknown ticket field "${field}".`;
    if (m && !headers.includes(m.column)) return `The file has no column "${m.column}".`;
  }
  if (!mapping.subject && !mapping.body && !mapping.comments)
    return 'Map a column to "Subject" or "Description".';
  return null;
}

/**
 * Streams the file's tickets through the mapping: `onBatch` gets up to `batchSize` outcomes at a
 * time (stored before the next batch is read, so memory stays bounded).
 */
export async function readTickets(
  buf: Buffer,
  analysis: Pick<CsvAnalysis, 'encoding' | 'delimiter' | 'headers' | 'formatId' | 'dayOrders'>,
  mapping: ColumnMapping,
  timeZone: string,
  onBatch: (outcomes: RowOutcome[]) => Promise<void>,
  opts: { batchSize?: number; limit?: number } = {},
): Promise<void> {
  const normalise = createRowNormalizer({
    headers: analysis.headers,
    mapping,
    timeZone,
    formatId: analysis.formatId,
    dayOrders: analysis.dayOrders,
    statusCodes: formatById(analysis.formatId)?.statusCodes,
  });
  const size = opts.batchSize ?? 500;
  let batch: RowOutcome[] = [];
  let seen = 0;
  for await (const rec of readRecords(buf, analysis.encoding, analysis.delimiter)) {
    if (rec.row === 0) continue;
    batch.push(normalise(rec));
    seen++;
    if (batch.length >= size) {
      await onBatch(batch);
      batch = [];
    }
    if (opts.limit && seen >= opts.limit) break;
  }
  if (batch.length) await onBatch(batch);
}
