import { expandTemplate } from './template.js';
import type { AdaptiveCardJson } from './alert-card.js';
import reviewTemplate from './templates/csv-review.json' with { type: 'json' };
import previewTemplate from './templates/csv-preview.json' with { type: 'json' };
import statusTemplate from './templates/csv-status.json' with { type: 'json' };

/**
 * The CSV import cards (review → preview → progress/summary). Every string from the uploaded file
 * reaches these views already neutralised (connectors/csv/sanitize.ts) by the service.
 */
export interface CsvReviewView {
  importId: string;
  filename: string;
  formatLabel: string;
  encoding: string;
  delimiter: string;
  rows: string;
  notice: string;
  error: string;
  /** One per ticket field: current column (`-` = not mapped) and a one-line summary. */
  fields: { field: string; label: string; value: string; summary: string }[];
  /** The file's columns as choices, `-` first for "not mapped". */
  columns: { title: string; value: string }[];
}

export interface CsvPreviewView {
  importId: string;
  filename: string;
  formatLabel: string;
  timeZone: string;
  rows: string;
  shown: string;
  /** Rows that parse and will be stored; the Import button counts these. */
  importable: string;
  /** "N rows will be skipped …", or '' when none will. */
  skippedNote: string;
  items: { title: string; facts: { title: string; value: string }[] }[];
}

export interface CsvStatusView {
  headline: string;
  facts: { title: string; value: string }[];
  details: string;
  footnote: string;
}

/** The value of the "not mapped" choice (an empty value would read as "no input"). */
export const NOT_MAPPED = '-';

export const renderCsvReviewCard = (v: CsvReviewView) => expand(reviewTemplate, v);
export const renderCsvPreviewCard = (v: CsvPreviewView) => expand(previewTemplate, v);
export const renderCsvStatusCard = (v: CsvStatusView) => expand(statusTemplate, v);

function expand(template: unknown, view: object): AdaptiveCardJson {
  const card = clean(expandTemplate(template, view));
  if (!isPlainObject(card)) throw new Error('CSV card template expanded to nothing');
  return card;
}

const UNBOUND_EXPRESSION = /^\$\{[^}]*\}$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** As in alert-card.ts: drop nulls, empty collections and unbound expressions left by templating. */
function clean(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return UNBOUND_EXPRESSION.test(value) ? undefined : value;
  if (Array.isArray(value)) {
    const items = value.map(clean).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key.startsWith('$') && key !== '$schema') continue;
      const cleaned = clean(child);
      if (cleaned !== undefined) out[key] = cleaned;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}
