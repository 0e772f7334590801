import { createHash } from 'node:crypto';
import type pg from 'pg';
import { Router } from 'express';
import type { AppFeature, FeatureContext } from '../features.js';
import { type Channel, type Person } from '../engine/index.js';
import {
  analyseCsv,
  checkSize,
  csvField,
  CsvFileError,
  FIELD_LABELS,
  MAX_CSV_BYTES,
  neutralise,
  readTickets,
  TICKET_FIELDS,
  validateMapping,
  type ColumnMapping,
  type CsvAnalysis,
  type RowOutcome,
  type TicketField,
} from '../connectors/csv/index.js';
import type { DayOrder } from '../connectors/csv/dates.js';
import type { SniffedEncoding } from '../connectors/csv/decode.js';
import type { Delimiter } from '../connectors/csv/delimiter.js';
import {
  NOT_MAPPED,
  renderCsvPreviewCard,
  renderCsvReviewCard,
  renderCsvStatusCard,
  type CsvReviewView,
} from '../cards/csv-cards.js';
import type { Cipher } from '../store/crypto.js';
import type { TicketPipeline } from '../tickets/pipeline.js';
import { type CardMessage } from '../channels/port.js';
import {
  insertCsvImports,
  selectCsvImportsByIdWorkspaceId,
  selectCsvImportsCreatedAtByWorkspaceIdStatus,
  selectWorkspacesTimezoneById,
  updateCsvImportsByIdWorkspaceId,
  updateCsvImportsByIdWorkspaceId2,
  updateCsvImportsByIdWorkspaceId3,
  updateCsvImportsByIdWorkspaceId4,
  updateCsvImportsByIdWorkspaceId5,
} from '../store/csv-imports.js';

/**
 * CSV ticket import from a chat thread (issue 6), independent of the channel. A channel adapter:
 *  1. on a file shared in a thread: `precheck` (size, permission) before downloading, then
 *     `startImport` with the bytes (downloaded with the bot's credentials) → post the review card
 *     in that thread;
 *  2. on a card action whose data is `{fincelo: 'csv', importId, step}` (`isCsvAction`):
 *     `handleAction` with the card's input values → update (or re-post) the card;
 *  3. for step `import`: the returned `done` promise resolves to the summary when the import
 *     finishes; `progress` (optional) posts progress lines in the thread meanwhile.
 * Who may import: workspace admins and CSM managers (the issue's "a manager drops an export");
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

const REFUSED = 'Only workspace admins and CSM managers can import tickets from a CSV file.';
const PREVIEW_ROWS = 5;
const LISTED_SKIPS = 10;
/** A long import posts progress about every 10 % (and at most every 2,000 rows for small files: never). */
const PROGRESS_MIN_ROWS = 2000;
const REPORT_TTL_MS = 7 * 24 * 3600_000;

interface ImportRow {
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
interface StoredMapping {
  fields: ColumnMapping;
  headers: string[];
  formatLabel: string;
  encoding: SniffedEncoding;
  encodingLabel: string;
  delimiterName: string;
  dayOrders: Partial<Record<TicketField, DayOrder>>;
}

export function createCsvImportService(deps: {
  pool: pg.Pool;
  tickets: TicketPipeline;
  cipher: Cipher;
  publicUrl?: string | null;
  log?: { error(o: object, m?: string): void };
}): CsvImportService {
  const { pool, tickets, cipher } = deps;

  const timeZoneOf = async (workspaceId: string) =>
    ((await selectWorkspacesTimezoneById(pool, [workspaceId])).rows[0]?.timezone as string | undefined) ??
    'UTC';

  async function load(workspaceId: string, importId: string): Promise<ImportRow | null> {
    if (!/^[0-9a-f-]{36}$/i.test(importId)) return null;
    return (
      ((await selectCsvImportsByIdWorkspaceId(pool, [importId, workspaceId])).rows[0] as
        ImportRow | undefined) ?? null
    );
  }

  const analysisOf = (
    row: ImportRow,
  ): Pick<CsvAnalysis, 'encoding' | 'delimiter' | 'headers' | 'formatId' | 'dayOrders'> => ({
    encoding: row.mapping.encoding,
    delimiter: row.delimiter as Delimiter,
    headers: row.mapping.headers,
    formatId: row.format ?? 'custom',
    dayOrders: row.mapping.dayOrders,
  });

  function reviewCard(row: ImportRow, extra: { notice?: string; error?: string } = {}): CardMessage {
    const m = row.mapping;
    const columns = [...new Set(m.headers)];
    const view: CsvReviewView = {
      importId: row.id,
      filename: neutralise(row.filename),
      formatLabel: m.formatLabel,
      encoding: m.encodingLabel,
      delimiter: m.delimiterName,
      rows: String(row.row_count ?? 0),
      notice: extra.notice ?? '',
      error: extra.error ?? '',
      fields: TICKET_FIELDS.map((f) => {
        const fm = m.fields[f];
        return {
          field: f,
          label: FIELD_LABELS[f],
          value: fm ? fm.column : NOT_MAPPED,
          summary: fm
            ? `${neutralise(fm.column)} (${Math.round(fm.confidence * 100)}%${fm.setByUser ? ', set by you' : ''})`
            : '— not mapped',
        };
      }),
      columns: [
        { title: '— not mapped', value: NOT_MAPPED },
        ...columns.map((c) => ({ title: neutralise(c), value: c })),
      ],
    };
    const mapped = TICKET_FIELDS.filter((f) => m.fields[f])
      .map((f) => `${FIELD_LABELS[f]} ← ${neutralise(m.fields[f]!.column)}`)
      .join(', ');
    return {
      card: renderCsvReviewCard(view),
      text: `CSV import of ${neutralise(row.filename)}: ${m.formatLabel}, ${row.row_count} rows. Mapping: ${mapped}.`,
    };
  }

  const errorReply = (error: string, importId?: string): CsvReply => ({ ok: false, error, importId });

  async function startImport(q: Parameters<CsvImportService['startImport']>[0]): Promise<CsvReply> {
    const pre = precheck({ actor: q.actor, filename: q.filename, sizeBytes: q.bytes.length });
    if (pre) return errorReply(pre);
    let analysis: CsvAnalysis;
    try {
      analysis = await analyseCsv(q.bytes);
    } catch (err) {
      if (err instanceof CsvFileError)
        return errorReply(`${neutralise(q.filename)}: ${err.message} Nothing was imported.`);
      throw err;
    }
    const sha256 = createHash('sha256').update(q.bytes).digest('hex');
    const previous = (await selectCsvImportsCreatedAtByWorkspaceIdStatus(pool, [q.workspaceId, sha256]))
      .rows[0] as { created_at: Date } | undefined;
    const mapping: StoredMapping = {
      fields: analysis.mapping,
      headers: analysis.headers,
      formatLabel: analysis.formatLabel,
      encoding: analysis.encoding,
      encodingLabel: analysis.encodingLabel,
      delimiterName: analysis.delimiterName,
      dayOrders: analysis.dayOrders,
    };
    const row = (
      await insertCsvImports(pool, [
        q.workspaceId,
        q.filename.slice(0, 255),
        sha256,
        analysis.formatId,
        JSON.stringify(mapping),
        q.actor.id,
        JSON.stringify(q.origin),
        q.bytes,
        q.bytes.length,
        analysis.encoding.encoding,
        analysis.delimiter,
        analysis.rowCount,
      ])
    ).rows[0] as ImportRow;
    const notice = previous
      ? `This exact file was imported on ${previous.created_at.toISOString().slice(0, 10)}: importing it again creates no duplicates (unchanged tickets are left as they are).`
      : undefined;
    return { ok: true, importId: row.id, message: reviewCard(row, { notice }) };
  }

  function precheck(q: { actor: Person | null; filename: string; sizeBytes: number | null }): string | null {
    if (!q.actor || !canImportCsv(q.actor)) return REFUSED;
    const tooLarge = q.sizeBytes === null ? null : checkSize(q.sizeBytes);
    if (tooLarge) return `${neutralise(q.filename)}: ${tooLarge.message} Nothing was read.`;
    return null;
  }

  function applyMappingInputs(row: ImportRow, values: Record<string, unknown>): ColumnMapping | string {
    const next: ColumnMapping = { ...row.mapping.fields };
    for (const f of TICKET_FIELDS) {
      const raw = values[`map.${f}`];
      if (typeof raw !== 'string') continue;
      if (raw === NOT_MAPPED || raw === '') {
        delete next[f];
        continue;
      }
      if (!row.mapping.headers.includes(raw)) return `The file has no column "${neutralise(raw)}".`;
      if (next[f]?.column !== raw) next[f] = { column: raw, confidence: 1, setByUser: true };
    }
    return next;
  }

  async function previewCard(row: ImportRow, timeZone: string): Promise<CardMessage> {
    // The whole file is read once so the Import button counts the rows that will really be
    // stored; the card shows the first PREVIEW_ROWS of them.
    const outcomes: RowOutcome[] = [];
    // (the same rules as the import: a row that does not parse, or repeats an earlier row's id).
    let importable = 0;
    let skipped = 0;
    const ids = new Set<string>();
    await readTickets(row.content!, analysisOf(row), row.mapping.fields, timeZone, async (b) => {
      for (const o of b) {
        if (o.ok && !ids.has(o.ticket.externalId)) {
          ids.add(o.ticket.externalId);
          importable++;
        } else skipped++;
        if (outcomes.length < PREVIEW_ROWS) outcomes.push(o);
      }
    });
    const fmt = (d: Date | null | undefined) => (d ? formatLocal(d, timeZone) : '—');
    const items = outcomes.map((o) => {
      if (!o.ok)
        return {
          title: `Row ${o.row} · will be skipped`,
          facts: [{ title: 'Reason', value: neutralise(o.reason) }],
        };
      const t = o.ticket;
      const facts = [
        { title: 'Status', value: t.status ?? '—' },
        { title: 'Priority', value: t.priority ?? '—' },
        { title: 'Requester', value: t.requesterEmail ?? '—' },
        { title: 'Organization', value: t.organization ?? '—' },
        { title: 'Created', value: fmt(t.createdAt) },
        { title: 'Updated', value: fmt(t.updatedAt) },
        { title: 'Description', value: truncate(t.body, 200) || '—' },
      ];
      if (o.tags.length) facts.push({ title: 'Tags', value: o.tags.join(', ') });
      return {
        title: `Row ${o.row} · #${neutralise(t.externalId)} · ${neutralise(truncate(t.subject, 120))}`,
        facts: facts.map((f) => ({ title: f.title, value: neutralise(f.value) })),
      };
    });
    return {
      card: renderCsvPreviewCard({
        importId: row.id,
        filename: neutralise(row.filename),
        formatLabel: row.mapping.formatLabel,
        timeZone,
        rows: String(row.row_count ?? 0),
        shown: String(items.length),
        importable: String(importable),
        skippedNote: skipped
          ? `${skipped} row${skipped === 1 ? '' : 's'} will be skipped (the reasons are listed after the import).`
          : '',
        items,
      }),
      text: `Preview of ${neutralise(row.filename)}: ${items.map((i) => i.title).join('; ')}`,
    };
  }

  function statusMessage(
    row: ImportRow,
    stats: CsvImportStats,
    phase: 'importing' | 'done' | 'failed' | 'cancelled',
    reportUrl: string | null,
  ): CardMessage {
    const name = neutralise(row.filename);
    const headline = {
      importing: `⏳ Importing ${name}…`,
      done: `✅ CSV import finished · ${name}`,
      failed: `❌ CSV import failed · ${name}`,
      cancelled: `CSV import cancelled · ${name}`,
    }[phase];
    const facts =
      phase === 'cancelled'
        ? [{ title: 'Rows', value: String(row.row_count ?? 0) }]
        : [
            { title: 'Rows', value: String(stats.rows) },
            { title: 'Imported (new)', value: String(stats.imported) },
            { title: 'Updated', value: String(stats.updated) },
            { title: 'Unchanged', value: String(stats.unchanged) },
            { title: 'Skipped', value: String(stats.skipped) },
          ];
    const skips = stats.skippedRows
      .slice(0, LISTED_SKIPS)
      .map((s) => `Row ${s.row} (line ${s.line}): ${s.reason}`)
      .join('\n');
    const details =
      phase === 'failed'
        ? `${stats.error ?? 'The import stopped.'} Tickets stored before the failure stay; importing the file again is safe (no duplicates).`
        : phase === 'cancelled'
          ? 'Nothing was imported and the uploaded file was discarded.'
          : skips
            ? `Skipped rows:\n${skips}${stats.skipped > LISTED_SKIPS ? `\n… and ${stats.skipped - LISTED_SKIPS} more (see the report)` : ''}`
            : '';
    const footnote =
      phase === 'done'
        ? `${stats.skipped ? (reportUrl ? `Error report: ${reportUrl}` : 'The error report (every skipped row) is posted in this thread.') + ' ' : ''}Row 1 is the first line after the header.`
        : phase === 'importing'
          ? 'Progress is posted in this thread.'
          : '';
    const text =
      phase === 'done'
        ? `CSV import of ${name} finished: ${stats.imported} imported, ${stats.updated} updated, ${stats.unchanged} unchanged, ${stats.skipped} skipped.`
        : `${headline} ${details}`.trim();
    return { card: renderCsvStatusCard({ headline, facts, details, footnote }), text };
  }

  async function runImport(
    row: ImportRow,
    timeZone: string,
    progress?: CsvProgress,
  ): Promise<CsvImportResult> {
    const started = Date.now();
    const stats: CsvImportStats = {
      rows: 0,
      imported: 0,
      updated: 0,
      unchanged: 0,
      skipped: 0,
      skippedRows: [],
    };
    const report: string[] = ['row,line,ticket_id,reason'];
    const seen = new Map<string, number>();
    const sourceKey = `csv:${row.format ?? 'custom'}`;
    const total = row.row_count ?? 0;
    const step = total >= PROGRESS_MIN_ROWS ? Math.max(500, Math.ceil(total / 10)) : Infinity;
    let nextProgress = step;
    const skip = (o: { row: number; line: number }, reason: string, id = '') => {
      stats.skipped++;
      if (stats.skippedRows.length < 50)
        stats.skippedRows.push({ row: o.row, line: o.line, reason: neutralise(reason) });
      report.push([String(o.row), String(o.line), csvField(id), csvField(reason)].join(','));
    };
    try {
      await readTickets(row.content!, analysisOf(row), row.mapping.fields, timeZone, async (batch) => {
        const ready = [];
        for (const o of batch) {
          stats.rows++;
          if (!o.ok) {
            skip(o, o.reason, o.externalId);
            continue;
          }
          const first = seen.get(o.ticket.externalId);
          if (first !== undefined) {
            skip(
              o,
              `duplicate ticket id ${o.ticket.externalId} (first seen in row ${first}; that row was kept)`,
              o.ticket.externalId,
            );
            continue;
          }
          seen.set(o.ticket.externalId, o.row);
          ready.push(o.ticket);
        }
        if (ready.length) {
          const r = await tickets.ingest(row.workspace_id, { sourceKey, csvImportId: row.id }, ready);
          stats.imported += r.inserted.length;
          stats.updated += r.updated.length;
          stats.unchanged += r.unchanged.length;
        }
        if (progress && stats.rows >= nextProgress && stats.rows < total) {
          nextProgress += step;
          await progress(
            `Imported ${stats.rows.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows (${Math.floor((stats.rows / total) * 100)} %)…`,
          ).catch(() => undefined);
        }
      });
      stats.seconds = Math.round((Date.now() - started) / 100) / 10;
      const reportText = stats.skipped ? report.join('\n') + '\n' : null;
      await updateCsvImportsByIdWorkspaceId(pool, [
        row.id,
        row.workspace_id,
        JSON.stringify(stats),
        reportText,
      ]);
      const reportUrl = reportText && deps.publicUrl ? reportLink(row.workspace_id, row.id) : null;
      return {
        ok: true,
        stats,
        message: statusMessage(row, stats, 'done', reportUrl),
        report: reportText ? { filename: reportName(row.filename), content: reportText } : null,
        reportUrl,
      };
    } catch (err) {
      deps.log?.error({ err, importId: row.id }, 'CSV import failed');
      stats.error = err instanceof CsvFileError ? err.message : 'An internal error stopped the import.';
      await updateCsvImportsByIdWorkspaceId2(pool, [row.id, row.workspace_id, JSON.stringify(stats)]);
      return {
        ok: false,
        stats,
        message: statusMessage(row, stats, 'failed', null),
        report: null,
        reportUrl: null,
      };
    }
  }

  function reportLink(workspaceId: string, importId: string): string {
    return `${deps.publicUrl!.replace(/\/$/, '')}/csv/reports/${encodeURIComponent(reportToken(workspaceId, importId))}`;
  }

  function reportToken(workspaceId: string, importId: string): string {
    // AES-GCM is authenticated: a token that decrypts was made by us, for this workspace and import.
    return Buffer.from(
      cipher.encryptJson({ w: workspaceId, i: importId, e: Date.now() + REPORT_TTL_MS }),
    ).toString('base64url');
  }

  function verifyReportToken(token: string): { workspaceId: string; importId: string } | null {
    try {
      const v = cipher.decryptJson<{ w: string; i: string; e: number }>(
        Buffer.from(token, 'base64url').toString('utf8'),
      );
      return v.e > Date.now() ? { workspaceId: v.w, importId: v.i } : null;
    } catch {
      return null;
    }
  }

  async function handleAction(q: Parameters<CsvImportService['handleAction']>[0]): Promise<CsvReply> {
    if (!canImportCsv(q.actor)) return errorReply(REFUSED, q.importId);
    const row = await load(q.workspaceId, q.importId);
    if (!row) return errorReply('This CSV import no longer exists.', q.importId);
    if (row.status !== 'review') {
      const what = {
        importing: 'is being imported',
        done: 'has already been imported',
        failed: 'was cancelled or failed',
      }[row.status];
      return errorReply(`This file ${what}; upload it again to start a new import.`, row.id);
    }
    const timeZone = await timeZoneOf(q.workspaceId);
    switch (q.step) {
      case 'review':
        return { ok: true, importId: row.id, message: reviewCard(row) };
      case 'mapping':
      case 'preview': {
        if (q.values && Object.keys(q.values).some((k) => k.startsWith('map.'))) {
          const next = applyMappingInputs(row, q.values);
          if (typeof next === 'string')
            return { ok: true, importId: row.id, message: reviewCard(row, { error: next }) };
          const invalid = validateMapping(row.mapping.headers, next);
          if (invalid)
            return {
              ok: true,
              importId: row.id,
              message: reviewCard({ ...row, mapping: { ...row.mapping, fields: next } }, { error: invalid }),
            };
          row.mapping = { ...row.mapping, fields: next };
          await updateCsvImportsByIdWorkspaceId3(pool, [
            row.id,
            row.workspace_id,
            JSON.stringify(row.mapping),
          ]);
        }
        const invalid = validateMapping(row.mapping.headers, row.mapping.fields);
        if (invalid) return { ok: true, importId: row.id, message: reviewCard(row, { error: invalid }) };
        if (q.step === 'mapping')
          return { ok: true, importId: row.id, message: reviewCard(row, { notice: 'Mapping saved.' }) };
        return { ok: true, importId: row.id, message: await previewCard(row, timeZone) };
      }
      case 'cancel': {
        const r = await updateCsvImportsByIdWorkspaceId4(pool, [
          row.id,
          row.workspace_id,
          JSON.stringify({ cancelled: true }),
        ]);
        if (!r.rowCount) return errorReply('This import has already moved on.', row.id);
        const stats = {
          rows: 0,
          imported: 0,
          updated: 0,
          unchanged: 0,
          skipped: 0,
          skippedRows: [],
          cancelled: true,
        };
        return { ok: true, importId: row.id, message: statusMessage(row, stats, 'cancelled', null) };
      }
      case 'import': {
        const invalid = validateMapping(row.mapping.headers, row.mapping.fields);
        if (invalid) return { ok: true, importId: row.id, message: reviewCard(row, { error: invalid }) };
        // Two clicks (or a platform retry) start one import: only the one that moves review → importing runs.
        const r = await updateCsvImportsByIdWorkspaceId5(pool, [row.id, row.workspace_id]);
        if (!r.rowCount) return errorReply('This file is already being imported.', row.id);
        const zero = { rows: 0, imported: 0, updated: 0, unchanged: 0, skipped: 0, skippedRows: [] };
        return {
          ok: true,
          importId: row.id,
          message: statusMessage(row, zero, 'importing', null),
          done: runImport(row, timeZone, q.progress),
        };
      }
    }
  }

  return {
    maxBytes: MAX_CSV_BYTES,
    precheck,
    startImport,
    handleAction,
    reportToken,
    verifyReportToken,
    async errorReport(workspaceId, importId) {
      const row = await load(workspaceId, importId);
      return row?.error_report ? { filename: reportName(row.filename), content: row.error_report } : null;
    },
    async origin(workspaceId, importId) {
      return (await load(workspaceId, importId))?.origin ?? null;
    },
  };
}

const reportName = (filename: string) =>
  `${filename.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_')}-skipped-rows.csv`;

const truncate = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

function formatLocal(d: Date, timeZone: string): string {
  const p = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(d);
  const g = (t: string) => p.find((x) => x.type === t)?.value ?? '';
  return `${g('year')}-${g('month')}-${g('day')} ${g('hour')}:${g('minute')}`;
}

/**
 * The signed error-report link (`GET /csv/reports/<token>`): the token is an authenticated
 * encryption of {workspace, import, expiry}, so the link names no ids and cannot be forged or
 * pointed at another workspace; it expires after 7 days.
 */
export const csvImportFeature: AppFeature = {
  name: 'csv-import',
  async create(ctx: FeatureContext) {
    if (!ctx.servesApi) return {};
    const router = Router();
    router.get('/csv/reports/:token', (req, res, next) => {
      void (async () => {
        const ref = ctx.services.csv.verifyReportToken(String(req.params.token));
        if (!ref)
          return void res.status(404).type('text/plain').send('This report link is invalid or has expired.');
        const report = await ctx.services.csv.errorReport(ref.workspaceId, ref.importId);
        if (!report) return void res.status(404).type('text/plain').send('No error report for this import.');
        res.type('text/csv; charset=utf-8').attachment(report.filename).send(report.content);
      })().catch(next);
    });
    return { routers: [router] };
  },
};
