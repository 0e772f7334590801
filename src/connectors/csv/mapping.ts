import { looksLikeDate } from './dates.js';
import type { CsvFormat } from './formats.js';
import { TICKET_FIELDS, type ColumnMapping, type TicketField } from './fields.js';

/** What people call each field in custom exports and spreadsheets. */
const SYNONYMS: Record<TicketField, string[]> = {
  externalId: [
    'id',
    'ticket id',
    'ticket number',
    'ticket no',
    'ticket',
    'number',
    'case number',
    'case id',
    'key',
    'issue key',
    'reference',
    'ref',
  ],
  subject: ['subject', 'title', 'summary', 'short description', 'topic', 'headline'],
  body: ['description', 'body', 'message', 'content', 'details', 'text', 'problem'],
  status: ['status', 'state', 'ticket status'],
  priority: ['priority', 'severity', 'urgency'],
  requesterEmail: [
    'email',
    'requester email',
    'customer email',
    'contact email',
    'from',
    'reporter email',
    'e mail',
    'requester',
  ],
  organization: [
    'organization',
    'organisation',
    'company',
    'account',
    'customer',
    'org',
    'client',
    'account name',
    'company name',
  ],
  createdAt: [
    'created',
    'created at',
    'created date',
    'creation date',
    'opened',
    'date opened',
    'opened at',
    'submitted',
    'date',
  ],
  updatedAt: [
    'updated',
    'updated at',
    'last updated',
    'modified',
    'last modified',
    'last update',
    'updated date',
  ],
  comments: ['comments', 'comment', 'notes', 'replies', 'conversation'],
  tags: ['tags', 'tag', 'labels', 'label'],
};

const normHeader = (h: string) =>
  h
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

function bigrams(s: string): string[] {
  const t = s.replace(/ /g, '');
  const out: string[] = [];
  for (let i = 0; i < t.length - 1; i++) out.push(t.slice(i, i + 2));
  return out;
}

/** Sørensen–Dice similarity of character bigrams (0..1). */
function dice(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (!x.length || !y.length) return a === b ? 1 : 0;
  const pool = new Map<string, number>();
  for (const g of y) pool.set(g, (pool.get(g) ?? 0) + 1);
  let hit = 0;
  for (const g of x) {
    const n = pool.get(g) ?? 0;
    if (n) {
      hit++;
      pool.set(g, n - 1);
    }
  }
  return (2 * hit) / (x.length + y.length);
}

export function nameScore(field: TicketField, header: string): number {
  const h = normHeader(header);
  if (!h) return 0;
  let best = 0;
  for (const syn of SYNONYMS[field]) {
    if (h === syn) return 1;
    const words = h.split(' ');
    const synWords = syn.split(' ');
    if (synWords.every((w) => words.includes(w)))
      best = Math.max(best, 0.85 - 0.05 * (words.length - synWords.length));
    best = Math.max(best, dice(h, syn) * 0.8);
  }
  return Math.max(0, best);
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}$/i;
const ID = /^(?:[A-Za-z]{1,10}[-_#]?)?\d{1,15}$/;

/** How well a column's sample values fit a field (0..1). */
export function contentScore(field: TicketField, values: string[]): number {
  const filled = values.map((v) => v.trim()).filter(Boolean);
  if (!filled.length) return 0;
  const frac = (p: (v: string) => boolean) => filled.filter(p).length / filled.length;
  const avgLen = filled.reduce((n, v) => n + v.length, 0) / filled.length;
  const distinct = new Set(filled).size;
  switch (field) {
    case 'requesterEmail':
      return frac((v) => EMAIL.test(v));
    case 'createdAt':
    case 'updatedAt':
      return frac(looksLikeDate);
    case 'externalId':
      return frac((v) => ID.test(v)) * (distinct / filled.length) * (filled.length / values.length);
    case 'subject':
      return (
        frac((v) => !EMAIL.test(v) && !looksLikeDate(v) && /[a-z]/i.test(v)) *
        (avgLen >= 8 && avgLen <= 200 ? 1 : 0.5)
      );
    case 'body':
      return frac((v) => /[a-z]/i.test(v) && v.includes(' ')) * (avgLen >= 30 ? 1 : 0.4);
    case 'status':
    case 'priority':
      return frac((v) => v.length <= 30 && !EMAIL.test(v) && !looksLikeDate(v)) * (distinct <= 20 ? 1 : 0.3);
    case 'organization':
      return frac((v) => !EMAIL.test(v) && !looksLikeDate(v) && v.length <= 100);
    case 'comments':
    case 'tags':
      return frac((v) => /[a-z]/i.test(v)) * 0.8;
  }
}

/**
 * Maps a custom export: every (field, column) pair gets a confidence from the header's similarity
 * to the field's usual names (60 %) and how the sample values look (40 %); pairs are assigned best
 * first, one column per field. Below 0.45 a field stays unmapped rather than guessed.
 */
export function guessMapping(headers: string[], samples: string[][]): ColumnMapping {
  const columns = [...new Set(headers)];
  const valuesOf = (col: string) => {
    const idx = headers.indexOf(col);
    return samples.map((r) => r[idx] ?? '');
  };
  const pairs: { field: TicketField; column: string; score: number }[] = [];
  for (const field of TICKET_FIELDS) {
    for (const column of columns) {
      const name = nameScore(field, column);
      const content = contentScore(field, valuesOf(column));
      // A name-less guess on content alone is capped: a date column is created *or* updated.
      const score =
        name > 0.3 ? 0.6 * name + 0.4 * content : 0.5 * content * (field === 'requesterEmail' ? 1 : 0.8);
      if (score >= 0.45) pairs.push({ field, column, score });
    }
  }
  pairs.sort((a, b) => b.score - a.score);
  const out: ColumnMapping = {};
  const used = new Set<string>();
  for (const p of pairs) {
    if (out[p.field] || used.has(p.column)) continue;
    out[p.field] = { column: p.column, confidence: round(p.score) };
    used.add(p.column);
  }
  return out;
}

/** A vendor export's documented columns: confidence 1, lowered when the values do not fit. */
export function formatMapping(format: CsvFormat, headers: string[], samples: string[][]): ColumnMapping {
  const out: ColumnMapping = {};
  const lower = headers.map((h) => h.trim().toLowerCase());
  for (const field of TICKET_FIELDS) {
    for (const candidate of format.fields[field] ?? []) {
      const idx = lower.indexOf(candidate.toLowerCase());
      if (idx < 0) continue;
      const checked = field === 'requesterEmail' || field === 'createdAt' || field === 'updatedAt';
      const values = samples.map((r) => r[idx] ?? '').filter((v) => v.trim());
      const fit = checked && values.length ? contentScore(field, values) : 1;
      out[field] = { column: headers[idx]!, confidence: round(fit >= 0.9 ? 1 : 0.5 + 0.5 * fit) };
      break;
    }
  }
  return out;
}

const round = (n: number) => Math.round(n * 100) / 100;
