/**
 * Adaptive Card (the shared alert template, schema 1.5 subset) → a WhatsApp interactive list
 * message (developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-list-messages).
 *
 *   TextBlock Large / Bolder  → a *bold* line of the body
 *   other TextBlock           → a line of the body (Small / isSubtle → _italic_)
 *   ColumnSet of TextBlocks   → one line, columns joined with " · "
 *   Container                 → its items
 *   FactSet                   → one "*Title:* value" line per fact
 *   Action.Execute            → a list row: id = fa|<alertId>|<verb>|<version>
 *   Action.ShowCard           → a list row for its inner Action.Execute; its inputs are returned in
 *                               `forms` so the channel can ask for them one by one (WhatsApp has no
 *                               forms: Log Call asks for the outcome, then notes, …)
 *   ActionSet (in the body)   → its actions become rows after the card's own (an open alert has 8:
 *                               the six, Escalate now and Decline; Snooze then asks which kind)
 *
 * WhatsApp has no message edits and no buttons beyond 3, so six actions need a list. Limits (CHAT.md
 * §4): body ≤ 1024, button label ≤ 20, ≤ 10 rows in total, row title ≤ 24, description ≤ 72, id ≤ 200.
 */
import type { AdaptiveCardJson } from '../alert-card.js';
import { cardActions, choicesOf, INPUT_KINDS, isObj, list, str, walkElements, type Json } from './ac.js';

export const WHATSAPP_LIMITS = {
  body: 1024,
  header: 60,
  footer: 60,
  button: 20,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  replyButtons: 3,
  replyButtonTitle: 20,
  text: 4096,
} as const;

/** One input of a ShowCard, as WhatsApp asks for it (a list of choices, or free text). */
export interface WhatsAppInputSpec {
  id: string;
  kind: 'choice' | 'text' | 'date' | 'time';
  label: string;
  required: boolean;
  value?: string;
  maxLength?: number;
  /** [value, label] pairs. */
  choices?: [string, string][];
}

export interface WhatsAppRow {
  id: string;
  title: string;
  description?: string;
}

/** The card as WhatsApp shows it, plus what the channel needs to run its actions. */
export interface WhatsAppCard {
  /** The message body (facts included), within 1,024 characters. */
  body: string;
  /** One row per action; empty for a final card (it is then sent as plain text). */
  rows: WhatsAppRow[];
  /** The inputs each action asks for, by verb (ShowCard actions only). */
  forms: Record<string, WhatsAppInputSpec[]>;
  /** The alert and version the actions carry (from the first action's data), when any. */
  alertId: string | null;
  version: number | null;
  /** The first large text (the alert's headline), for templates. */
  headline: string;
  /** Current values of the inputs in the card's body (submitted with its other actions). */
  inputValues: Record<string, string>;
  /** Every fact of the card by title, for template parameters. */
  facts: Record<string, string>;
}

/** What a list row, button reply or template button payload carries. */
export interface WhatsAppActionRef {
  alertId: string;
  action: string;
  version: number;
}

type RenderState = { headline: string; facts: Record<string, string> };

export function truncate(text: string, max: number): string {
  const chars = [...text]; // count code points, not UTF-16 units, so an emoji is never split
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** WhatsApp formatting wraps a whole line in * or _; inner markers would end it early. */
const plain = (t: string) => t.replace(/[*_~`]/g, '');
const bold = (t: string) => `*${plain(t)}*`;
const italic = (t: string) => `_${plain(t)}_`;

export function encodeActionRef(r: WhatsAppActionRef): string {
  return `fa|${r.alertId}|${r.action}|${r.version}`;
}

/** Data of a non-alert card action as a row id (`fx|<base64url JSON>`), null when too long. */
export function encodeDataRef(data: Record<string, unknown>): string | null {
  const id = `fx|${Buffer.from(JSON.stringify(data)).toString('base64url')}`;
  return id.length <= WHATSAPP_LIMITS.rowId ? id : null;
}

export function decodeDataRef(id: string | undefined | null): Record<string, unknown> | null {
  const m = /^fx\|([A-Za-z0-9_-]+)$/.exec(id ?? '');
  if (!m) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(m[1]!, 'base64url').toString('utf8'));
    return isObj(v) ? v : null;
  } catch {
    return null;
  }
}

/** Reads a row id / button payload back; null when it is not one of ours. */
export function decodeActionRef(id: string | undefined | null): WhatsAppActionRef | null {
  const m = /^fa\|([^|]{1,80})\|([a-z_]{1,40})\|(\d{1,12})$/.exec(id ?? '');
  return m ? { alertId: m[1]!, action: m[2]!, version: Number(m[3]) } : null;
}

export function renderWhatsAppCard(card: AdaptiveCardJson): WhatsAppCard {
  const lines: string[] = [];
  const state: RenderState = { headline: '', facts: {} };
  renderItems(list(card.body), lines, state);
  const rows: WhatsAppRow[] = [];
  const forms: WhatsAppCard['forms'] = {};
  let alertId: string | null = null;
  let version: number | null = null;
  for (const a of cardActions(card)) {
    let execute: Json | undefined;
    if (a.type === 'Action.Execute') execute = a;
    if (a.type === 'Action.ShowCard' && isObj(a.card))
      execute = list(a.card.actions).find((x): x is Json => isObj(x) && x.type === 'Action.Execute');
    if (!execute || !str(execute.verb)) continue;
    const data = isObj(execute.data) ? execute.data : {};
    if (!str(data.alertId)) {
      // Any other card action (CSV import steps…): its data travels in the row id when it fits.
      const id = encodeDataRef(data);
      if (id && rows.length < WHATSAPP_LIMITS.rows)
        rows.push({ id, title: truncate(str(a.title) || str(execute.verb), WHATSAPP_LIMITS.rowTitle) });
      continue;
    }
    const ref = { alertId: str(data.alertId), action: str(execute.verb), version: Number(data.version) };
    const id = encodeActionRef(ref);
    if (!decodeActionRef(id) || rows.length >= WHATSAPP_LIMITS.rows) continue;
    alertId ??= ref.alertId;
    version ??= ref.version;
    const row: WhatsAppRow = { id, title: truncate(str(a.title) || ref.action, WHATSAPP_LIMITS.rowTitle) };
    if (a.type === 'Action.ShowCard') {
      const inputs: WhatsAppInputSpec[] = [];
      collectInputs(list((a.card as Json).body), inputs);
      forms[ref.action] = inputs;
      if (inputs.length)
        row.description = truncate(
          `Asks for: ${inputs.map((i) => i.label.toLowerCase()).join(', ')}`,
          WHATSAPP_LIMITS.rowDescription,
        );
    }
    rows.push(row);
  }
  const inputValues: Record<string, string> = {};
  const bodyInputs: WhatsAppInputSpec[] = [];
  collectInputs(list(card.body), bodyInputs);
  for (const i of bodyInputs) if (i.value !== undefined) inputValues[i.id] = i.value;
  return {
    inputValues,
    body: truncate(lines.join('\n').trim() || str(card.fallbackText) || 'Alert', WHATSAPP_LIMITS.body),
    rows,
    forms,
    alertId,
    version,
    headline: state.headline,
    facts: state.facts,
  };
}

/** The `interactive` object of a list message for a rendered card (null when it has no actions). */
export function whatsappListMessage(r: WhatsAppCard, button = 'Choose an action'): Json | null {
  if (!r.rows.length) return null;
  return {
    type: 'list',
    body: { text: r.body },
    action: {
      button: truncate(button, WHATSAPP_LIMITS.button),
      sections: [{ title: 'Actions', rows: r.rows }],
    },
  };
}

function renderItems(items: unknown[], out: string[], state: RenderState): void {
  for (const el of items) {
    if (!isObj(el)) continue;
    if (el.separator === true && out.length && out[out.length - 1] !== '') out.push('');
    switch (el.type) {
      case 'TextBlock': {
        const t = textLine(el, state);
        if (t) out.push(t);
        break;
      }
      case 'Container':
        renderItems(list(el.items), out, state);
        break;
      case 'ColumnSet': {
        const texts: Json[] = [];
        const walk = (xs: unknown[]) =>
          xs.forEach((x) => {
            if (!isObj(x)) return;
            if (x.type === 'TextBlock') texts.push(x);
            else walk([...list(x.items), ...list(x.columns)]);
          });
        walk(list(el.columns));
        const parts = texts.map((t) => textLine(t, state)).filter(Boolean);
        if (parts.length) out.push(parts.join('  ·  '));
        break;
      }
      case 'FactSet':
        for (const f of list(el.facts).filter(isObj)) {
          state.facts[str(f.title)] = str(f.value);
          out.push(`${bold(`${str(f.title)}:`)} ${plain(str(f.value)) || '—'}`);
        }
        break;
      default:
        break; // images and inputs have no place in a WhatsApp body
    }
  }
}

function textLine(el: Json, state: RenderState): string {
  const text = str(el.text).trim();
  if (!text) return '';
  if ((el.size === 'Large' || el.size === 'ExtraLarge') && !state.headline) state.headline = text;
  if (el.weight === 'Bolder' || el.size === 'Large' || el.size === 'ExtraLarge') return bold(text);
  if (el.size === 'Small' || el.isSubtle === true) return italic(text);
  return text;
}

function collectInputs(items: unknown[], out: WhatsAppInputSpec[]): void {
  walkElements(items, (el) => {
    const kind = INPUT_KINDS[str(el.type)];
    if (!kind || !str(el.id)) return;
    const spec: WhatsAppInputSpec = {
      id: str(el.id),
      kind,
      label: str(el.label) || str(el.placeholder) || str(el.id),
      required: el.isRequired === true,
    };
    if (str(el.value)) spec.value = str(el.value);
    if (typeof el.maxLength === 'number') spec.maxLength = el.maxLength;
    if (kind === 'choice') spec.choices = choicesOf(el);
    out.push(spec);
  });
}
