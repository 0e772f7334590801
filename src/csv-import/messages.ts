import type { CardMessage } from '../channels/port.js';
import { FIELD_LABELS, neutralise, TICKET_FIELDS, type RowOutcome } from '../connectors/csv/index.js';
import {
  NOT_MAPPED,
  renderCsvPreviewCard,
  renderCsvReviewCard,
  renderCsvStatusCard,
  type CsvReviewView,
} from '../cards/csv-cards.js';
import type { CsvImportStats, ImportRow } from './types.js';

/** The messages of a CSV import (review, preview, status): pure, from the stored import row. */

const LISTED_SKIPS = 10;

/** Said on the review card of an export without a ticket-id column (connectors/csv derivedId). */
export const DERIVED_ID_NOTICE =
  'This file has no ticket-id column: each row gets an id made from its subject, description, requester, organization and creation date (csv-… in Fincelo), so importing the same file again adds no duplicates. Rows identical in all of these are imported once. If the export has an id column, map it to "Ticket id" instead.';

export function reviewCard(row: ImportRow, extra: { notice?: string; error?: string } = {}): CardMessage {
  const m = row.mapping;
  const columns = [...new Set(m.headers)];
  const view: CsvReviewView = {
    importId: row.id,
    filename: neutralise(row.filename),
    formatLabel: m.formatLabel,
    encoding: m.encodingLabel,
    delimiter: m.delimiterName,
    rows: String(row.row_count ?? 0),
    notice: [extra.notice, m.fields.externalId ? '' : DERIVED_ID_NOTICE].filter(Boolean).join(' '),
    error: extra.error ?? '',
    fields: TICKET_FIELDS.map((f) => {
      const fm = m.fields[f];
      return {
        field: f,
        label: FIELD_LABELS[f],
        value: fm ? fm.column : NOT_MAPPED,
        summary: fm
          ? `${neutralise(fm.column)} (${Math.round(fm.confidence * 100)}%${fm.setByUser ? ', set by you' : ''})`
          : f === 'externalId'
            ? '— none: derived from each row (see the note)'
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

export function previewMessage(
  row: ImportRow,
  timeZone: string,
  outcomes: RowOutcome[],
  importable: number,
  skipped: number,
): CardMessage {
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

export function statusMessage(
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

export const reportName = (filename: string) =>
  `${filename.replace(/\.[^.]*$/, '').replace(/[^\w.-]+/g, '_')}-skipped-rows.csv`;

export const truncate = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export function formatLocal(d: Date, timeZone: string): string {
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
