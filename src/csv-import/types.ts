import type { Channel, Person } from '../engine/index.js';
import type { CardMessage } from '../channels/port.js';
import type { ColumnMapping, TicketField } from '../connectors/csv/index.js';
import type { DayOrder } from '../connectors/csv/dates.js';
import type { SniffedEncoding } from '../connectors/csv/decode.js';
/**
 * CSV ticket import from a chat thread (issue 6), independent of the channel. A channel adapter:
 *  1. on a file shared in a thread: `precheck` (size, permission) before downloading, then
 *     `startImport` with the bytes (downloaded with the bot's credentials) → post the review card
 *     in that thread;
 *  2. on a card action whose data is `{fincelo: 'csv', importId, step}` (`isCsvAction`):
 *     `handleAction` with the card's input values → update (or re-post) the card;
 *  3. for step `import`: the returned `done` promise resolves to the summary when the import
 *     finishes; `progress` (optional) posts progress lines in the thread meanwhile.
 * Who may import: workspace admins and CSM managers (the "a manager drops an export");
 * everyone else gets a refusal.
 */
export type CsvStep = 'review' | 'mapping' | 'preview' | 'import' | 'cancel';
export const CSV_STEPS: readonly CsvStep[] = ['review', 'mapping', 'preview', 'import', 'cancel'];

/** Where the import's cards live (csv_imports.origin). */
export interface CsvOrigin {
  channel: Channel;
  /** Platform conversation / channel id. */
  conversation: string;
  /** Thread root (Slack thread_ts, Teams reply chain id…), when there is one. */
  thread?: string | null;
}

/** Card action data of every CSV card button. */
export interface CsvActionData {
  fincelo: 'csv';
  importId: string;
  step: CsvStep;
}

export type CsvReply =
  | {
      ok: true;
      importId: string;
      /** The card to show (replaces the previous card of the import where the channel can update). */
      message: CardMessage;
      /** Step `import` only: resolves when the import has finished (never rejects). */
      done?: Promise<CsvImportResult>;
    }
  | { ok: false; error: string; importId?: string };

export interface CsvImportResult {
  ok: boolean;
  message: CardMessage;
  stats: CsvImportStats;
  /** The skipped rows as a CSV file (row, line, ticket id, reason), null when none. */
  report: { filename: string; content: string } | null;
  /** A signed, workspace-scoped link to the report when PUBLIC_URL is set. */
  reportUrl: string | null;
}

export interface CsvImportStats {
  rows: number;
  imported: number;
  updated: number;
  unchanged: number;
  skipped: number;
  /** First skipped rows (the report has them all). */
  skippedRows: { row: number; line: number; reason: string }[];
  error?: string;
  cancelled?: boolean;
  seconds?: number;
}

/** Posts one line in the import's thread (progress of a long import). */
export type CsvProgress = (text: string) => Promise<void>;

export interface CsvImportService {
  readonly maxBytes: number;
  /** Before downloading: a reply when the file must not be read (too large, not allowed); else null. */
  precheck(q: { actor: Person | null; filename: string; sizeBytes: number | null }): string | null;
  startImport(q: {
    workspaceId: string;
    actor: Person;
    channel: Channel;
    filename: string;
    bytes: Buffer;
    origin: CsvOrigin;
  }): Promise<CsvReply>;
  handleAction(q: {
    workspaceId: string;
    actor: Person;
    importId: string;
    step: CsvStep;
    /** Card inputs (`map.<field>` → column name or `-`). */
    values?: Record<string, unknown>;
    progress?: CsvProgress;
  }): Promise<CsvReply>;
  /** The stored error report of an import of this workspace. */
  errorReport(workspaceId: string, importId: string): Promise<{ filename: string; content: string } | null>;
  /** A report link token (verifyReportToken reads it back); encrypted, so it names nothing readable. */
  reportToken(workspaceId: string, importId: string): string;
  verifyReportToken(token: string): { workspaceId: string; importId: string } | null;
  /** Where an import's cards live (channel adapters re-post or update there). */
  origin(workspaceId: string, importId: string): Promise<CsvOrigin | null>;
}

export function isCsvAction(data: unknown): data is CsvActionData {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  return (
    d.fincelo === 'csv' &&
    typeof d.importId === 'string' &&
    /^[0-9a-f-]{36}$/i.test(d.importId) &&
    (CSV_STEPS as readonly unknown[]).includes(d.step)
  );
}

export const canImportCsv = (p: Person) => p.isAdmin || p.role === 'admin' || p.role === 'csm_manager';

/** A csv_imports row as the session reads it. */
export interface ImportRow {
  id: string;
  workspace_id: string;
  filename: string;
  sha256: string;
  status: 'review' | 'importing' | 'done' | 'failed';
  format: string | null;
  mapping: StoredMapping;
  stats: Partial<CsvImportStats>;
  origin: CsvOrigin;
  content: Buffer | null;
  size_bytes: number | null;
  encoding: string | null;
  delimiter: string | null;
  row_count: number | null;
  error_report: string | null;
  created_at: Date;
}

/** csv_imports.mapping: the mapping plus what re-reading the file needs. */
export interface StoredMapping {
  fields: ColumnMapping;
  headers: string[];
  formatLabel: string;
  encoding: SniffedEncoding;
  encodingLabel: string;
  delimiterName: string;
  dayOrders: Partial<Record<TicketField, DayOrder>>;
}
