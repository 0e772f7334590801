import { createHash } from 'node:crypto';
import type { NormalizedTicket } from '../../store/tickets.js';
import { parseDate, type DayOrder } from './dates.js';
import type { ColumnMapping, TicketField } from './fields.js';
import type { CsvRecord } from './parse.js';

/** Everything needed to turn records into tickets (built once per file). */
export interface RowContext {
  headers: string[];
  mapping: ColumnMapping;
  timeZone: string;
  formatId: string;
  dayOrders: Partial<Record<TicketField, DayOrder>>;
  statusCodes?: Record<string, string>;
}

export type RowOutcome =
  | { ok: true; row: number; line: number; ticket: NormalizedTicket; tags: string[]; comments: string[] }
  | { ok: false; row: number; line: number; reason: string; externalId?: string };

/** Column indexes per field: every column with the mapped header (Jira repeats `Comment`, `Labels`). */
export function fieldIndexes(
  headers: string[],
  mapping: ColumnMapping,
): Partial<Record<TicketField, number[]>> {
  const out: Partial<Record<TicketField, number[]>> = {};
  for (const [field, m] of Object.entries(mapping) as [TicketField, { column: string }][]) {
    const idx: number[] = [];
    headers.forEach((h, i) => {
      if (h === m.column) idx.push(i);
    });
    if (idx.length) out[field] = idx;
  }
  return out;
}

/** Jira comment cells are `03/Jan/25 9:00 AM;jane;text`: shown as `jane: text`. */
function commentText(raw: string): string {
  const m = /^(\d{1,2}\/[A-Za-z]{3}\/\d{2,4}[^;]*);([^;]*);([\s\S]*)$/.exec(raw);
  return m ? `${m[2]!.trim()}: ${m[3]!.trim()}` : raw.trim();
}

export function createRowNormalizer(ctx: RowContext): (rec: CsvRecord) => RowOutcome {
  const idx = fieldIndexes(ctx.headers, ctx.mapping);
  const one = (values: string[], f: TicketField) => {
    for (const i of idx[f] ?? []) {
      const v = (values[i] ?? '').trim();
      if (v) return v;
    }
    return '';
  };
  const all = (values: string[], f: TicketField) =>
    (idx[f] ?? []).map((i) => (values[i] ?? '').trim()).filter(Boolean);
  const label = (f: TicketField) => ctx.mapping[f]?.column ?? f;

  return (rec) => {
    const v = rec.values;
    const base = { row: rec.row, line: rec.line };
    const externalId = ctx.mapping.externalId ? one(v, 'externalId') : derivedId(v, one);
    if (!externalId)
      return { ...base, ok: false, reason: `no ticket id (column "${label('externalId')}" is empty)` };
    const subject = one(v, 'subject');
    const description = one(v, 'body');
    const comments = all(v, 'comments').map(commentText);
    if (!subject && !description && !comments.length)
      return {
        ...base,
        ok: false,
        externalId,
        reason: 'no subject, description or comments: nothing to analyse',
      };
    const dates: { createdAt?: Date | null; updatedAt?: Date | null } = {};
    for (const f of ['createdAt', 'updatedAt'] as const) {
      const raw = one(v, f);
      if (!raw) continue;
      const d = parseDate(raw, { timeZone: ctx.timeZone, dayOrder: ctx.dayOrders[f] });
      if (!d)
        return { ...base, ok: false, externalId, reason: `"${label(f)}" is not a date: ${raw.slice(0, 40)}` };
      dates[f] = d;
    }
    const email = one(v, 'requesterEmail');
    let status = one(v, 'status') || null;
    if (status && ctx.statusCodes?.[status]) status = ctx.statusCodes[status]!;
    const tags = all(v, 'tags').flatMap((t) => t.split(/[,\s]+/).filter(Boolean));
    const body = comments.length
      ? [description, 'Comments:', ...comments.map((c) => `- ${c}`)].filter(Boolean).join('\n')
      : description;
    return {
      ...base,
      ok: true,
      tags,
      comments,
      ticket: {
        externalId,
        subject: subject || description.split('\n')[0]!.slice(0, 120),
        body,
        status,
        priority: one(v, 'priority') || null,
        requesterEmail: /@/.test(email) ? email.toLowerCase() : null,
        organization: one(v, 'organization') || null,
        createdAt: dates.createdAt ?? null,
        updatedAt: dates.updatedAt ?? null,
        raw: { csv: { format: ctx.formatId, row: rec.row, ...(tags.length ? { tags } : {}) } },
      },
    };
  };
}

/** The fields a derived id is made of: what identifies a ticket and does not change when it is updated. */
export const DERIVED_ID_FIELDS: readonly TicketField[] = [
  'subject',
  'body',
  'requesterEmail',
  'organization',
  'createdAt',
];

/**
 * A ticket id for an export without an id column: `csv-` and 12 hex digits of a hash of the
 * row's identifying values (as written in the file), so importing the same file again finds the
 * same tickets instead of creating new ones. Two rows identical in all of them are one ticket
 * (the second is skipped as a repeat, and the report says so). Empty when the row has none.
 */
export function derivedId(values: string[], one: (values: string[], f: TicketField) => string): string {
  const parts = DERIVED_ID_FIELDS.map((f) => one(values, f));
  if (parts.every((p) => !p)) return '';
  return `csv-${createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 12)}`;
}
