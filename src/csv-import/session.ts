import { createHash } from 'node:crypto';
import type pg from 'pg';
import { type Person } from '../engine/index.js';
import {
  analyseCsv,
  checkSize,
  csvField,
  CsvFileError,
  MAX_CSV_BYTES,
  neutralise,
  readTickets,
  TICKET_FIELDS,
  validateMapping,
  type ColumnMapping,
  type CsvAnalysis,
  type RowOutcome,
} from '../connectors/csv/index.js';
import type { Delimiter } from '../connectors/csv/delimiter.js';
import { NOT_MAPPED } from '../cards/csv-cards.js';
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
import {
  canImportCsv,
  type CsvImportResult,
  type CsvImportService,
  type CsvImportStats,
  type CsvProgress,
  type CsvReply,
  type ImportRow,
  type StoredMapping,
} from './types.js';
import { previewMessage, reportName, reviewCard, statusMessage } from './messages.js';

/** The CSV import session (issue 6): the flow is described in ./types.ts. */

const REFUSED = 'Only workspace admins and CSM managers can import tickets from a CSV file.';
const PREVIEW_ROWS = 5;
/** A long import posts progress about every 10 % (and at most every 2,000 rows for small files: never). */
const PROGRESS_MIN_ROWS = 2000;
const REPORT_TTL_MS = 7 * 24 * 3600_000;

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
    return previewMessage(row, timeZone, outcomes, importable, skipped);
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
