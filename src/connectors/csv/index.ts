export { analyseCsv, readTickets, validateMapping, type CsvAnalysis } from './inspect.js';
export { CsvFileError, MAX_CSV_BYTES, checkSize, tooLargeMessage } from './errors.js';
export { neutralise, csvField } from './sanitize.js';
export {
  TICKET_FIELDS,
  FIELD_LABELS,
  type ColumnMapping,
  type FieldMapping,
  type TicketField,
} from './fields.js';
export { CSV_FORMATS, detectFormat, matchFormat } from './formats.js';
export type { RowOutcome } from './normalize.js';
