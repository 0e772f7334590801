/**
 * Adaptive Card (the shared alert template, schema 1.5 subset) → Google Chat `cardsV2`
 * (developers.google.com/workspace/chat/api/reference/rest/v1/cards).
 *
 *   first Large TextBlock       → card header title (a ColumnSet holding it: the other columns
 *                                 become the header subtitle, e.g. the status)
 *   other TextBlock             → textParagraph (Chat's HTML subset: Bolder → <b>, Small/isSubtle
 *                                 → grey, colours → <font color>)
 *   ColumnSet of TextBlocks     → one textParagraph, columns joined with " · "
 *   Container                   → its items
 *   FactSet                     → one decoratedText per fact (topLabel = title, text = value)
 *   Image                       → image widget
 *   separator: true             → a new section (Chat draws a line between sections)
 *   Action.Execute              → button: function = verb, parameters = the action's data
 *   Action.ShowCard             → button with interaction OPEN_DIALOG: function = the verb of its
 *                                 inner Action.Execute, parameter `form` = the ShowCard's inputs
 *                                 (JSON), which the Chat channel opens as a dialog (a Chat message
 *                                 cannot hold inputs that submit to the app with the button)
 *   Action.OpenUrl              → button opening the link
 *   ActionSet (in the body)     → its buttons join the card's button list, after the card's own
 *
 * Unknown elements are skipped, so the template can grow without breaking this channel.
 */
import type { AdaptiveCardJson } from '../alert-card.js';
import {
  cardActions,
  choicesOf,
  columnTexts,
  INPUT_KINDS,
  isLarge,
  isObj,
  list,
  str,
  truncate,
  walkElements,
  type Json,
} from './ac.js';

/** One input of a ShowCard, as a Chat dialog shows it. */
export interface GchatInputSpec {
  id: string;
  kind: 'choice' | 'text' | 'date' | 'time';
  label: string;
  required?: boolean;
  multiline?: boolean;
  placeholder?: string;
  value?: string;
  /** [value, label] pairs. */
  choices?: [string, string][];
}

/** The dialog behind an Action.ShowCard, carried in its button's `form` parameter. */
export interface GchatDialogSpec {
  title: string;
  submit: string;
  inputs: GchatInputSpec[];
}

export type GchatWidget = Json;
export interface GchatCard {
  header?: { title: string; subtitle?: string };
  sections: { widgets: GchatWidget[] }[];
}

/** Chat's documented card limits are loose; these keep messages far under the 32,000-byte cap. */
const MAX_TEXT = 4000;
const MAX_BUTTONS = 20;

/** Chat text widgets take a small HTML subset: &, < and > must be escaped. */
export function escapeChatHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const COLORS: Record<string, string> = {
  Good: '#188038',
  Attention: '#d93025',
  Warning: '#e37400',
  Accent: '#1a73e8',
};
const SUBTLE = '#5f6368';

function html(el: Json): string {
  let text = escapeChatHtml(str(el.text).trim()).replace(/\n/g, '<br>');
  if (el.weight === 'Bolder') text = `<b>${text}</b>`;
  const color = COLORS[str(el.color)] ?? (el.size === 'Small' || el.isSubtle === true ? SUBTLE : '');
  if (color) text = `<font color="${color}">${text}</font>`;
  return text;
}

/** Renders the card as a cardsV2 card (without the {cardId, card} wrapper). */
export function renderGchatCard(card: AdaptiveCardJson): GchatCard {
  const out: GchatCard = { sections: [{ widgets: [] }] };
  renderItems(list(card.body), out);
  const buttons = cardActions(card)
    .map(button)
    .filter((b): b is Json => b !== null);
  if (buttons.length)
    out.sections.push({ widgets: [{ buttonList: { buttons: buttons.slice(0, MAX_BUTTONS) } }] });
  out.sections = out.sections.filter((s) => s.widgets.length);
  return out;
}

function current(out: GchatCard): GchatWidget[] {
  return out.sections[out.sections.length - 1]!.widgets;
}

function renderItems(items: unknown[], out: GchatCard): void {
  for (const el of items) {
    if (!isObj(el)) continue;
    if (el.separator === true && current(out).length) out.sections.push({ widgets: [] });
    switch (el.type) {
      case 'TextBlock': {
        const text = str(el.text).trim();
        if (!text) break;
        if (isLarge(el) && !out.header) out.header = { title: truncate(text, 200) };
        else current(out).push({ textParagraph: { text: truncate(html(el), MAX_TEXT) } });
        break;
      }
      case 'Container':
        renderItems(list(el.items), out);
        break;
      case 'ColumnSet':
        columnSet(el, out);
        break;
      case 'FactSet':
        for (const f of list(el.facts).filter(isObj))
          current(out).push({
            decoratedText: {
              topLabel: truncate(str(f.title), 200),
              text: truncate(escapeChatHtml(str(f.value)) || '—', MAX_TEXT),
              wrapText: true,
            },
          });
        break;
      case 'Image':
        if (str(el.url)) current(out).push({ image: { imageUrl: str(el.url), altText: str(el.altText) } });
        break;
      default: {
        // Inputs in a message card (e.g. the CSV import's column mapping): Chat sends their values
        // in common.formInputs with the next button click, under each widget's `name`.
        const input = inputWidget(el);
        if (input) current(out).push(input);
        break; // unknown elements are skipped
      }
    }
  }
}

function columnSet(el: Json, out: GchatCard): void {
  const columns = list(el.columns).filter(isObj);
  const perColumn = columns.map(columnTexts);
  if (perColumn.some((t) => t === null)) {
    for (const c of columns) renderItems(list(c.items), out);
    return;
  }
  const texts = (perColumn as Json[][]).flat().filter((t) => str(t.text).trim());
  if (!texts.length) return;
  const large = texts.find(isLarge);
  if (large && !out.header) {
    const rest = texts.filter((t) => t !== large).map((t) => str(t.text).trim());
    out.header = { title: truncate(str(large.text).trim(), 200) };
    if (rest.length) out.header.subtitle = truncate(rest.join(' · '), 200);
    return;
  }
  current(out).push({ textParagraph: { text: truncate(texts.map(html).join(' · '), MAX_TEXT) } });
}

function parametersOf(data: unknown): { key: string; value: string }[] {
  return Object.entries(isObj(data) ? data : {})
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([key, v]) => ({ key, value: String(v) }));
}

function button(a: Json): Json | null {
  const text = truncate(str(a.title) || 'Open', 100);
  if (a.type === 'Action.OpenUrl' && str(a.url)) return { text, onClick: { openLink: { url: str(a.url) } } };
  if (a.type === 'Action.Execute' && str(a.verb)) {
    return { text, onClick: { action: { function: str(a.verb), parameters: parametersOf(a.data) } } };
  }
  if (a.type === 'Action.ShowCard' && isObj(a.card)) {
    const execute = list(a.card.actions).find((x): x is Json => isObj(x) && x.type === 'Action.Execute');
    if (!execute || !str(execute.verb)) return null;
    const spec = dialogSpec(a, execute);
    return {
      text,
      onClick: {
        action: {
          function: str(execute.verb),
          interaction: 'OPEN_DIALOG',
          parameters: [...parametersOf(execute.data), { key: 'form', value: JSON.stringify(spec) }],
        },
      },
    };
  }
  return null;
}

function dialogSpec(showCard: Json, execute: Json): GchatDialogSpec {
  const inputs: GchatInputSpec[] = [];
  collectInputs(list((showCard.card as Json).body), inputs);
  return { title: str(showCard.title), submit: str(execute.title) || 'Submit', inputs };
}

function collectInputs(items: unknown[], out: GchatInputSpec[]): void {
  walkElements(items, (el) => {
    const kind = INPUT_KINDS[str(el.type)];
    if (!kind || !str(el.id)) return;
    const spec: GchatInputSpec = {
      id: str(el.id),
      kind,
      label: str(el.label) || str(el.placeholder) || str(el.id),
    };
    if (el.isRequired === true) spec.required = true;
    if (el.isMultiline === true) spec.multiline = true;
    if (str(el.placeholder)) spec.placeholder = str(el.placeholder);
    if (str(el.value)) spec.value = str(el.value);
    if (kind === 'choice') spec.choices = choicesOf(el);
    out.push(spec);
  });
}

/** An AC input as a Chat input widget (selectionInput, textInput, dateTimePicker). */
function inputWidget(el: Json): Json | null {
  const name = str(el.id);
  if (!name) return null;
  const label = str(el.label) || str(el.placeholder) || name;
  switch (el.type) {
    case 'Input.ChoiceSet':
      return {
        selectionInput: {
          name,
          label,
          type: 'DROPDOWN',
          items: list(el.choices)
            .filter(isObj)
            .map((c) => ({
              text: str(c.title) || str(c.value),
              value: str(c.value),
              selected: str(c.value) === str(el.value),
            })),
        },
      };
    case 'Input.Text':
    case 'Input.Number':
      return {
        textInput: {
          name,
          label,
          type: el.isMultiline === true ? 'MULTIPLE_LINE' : 'SINGLE_LINE',
          ...(str(el.value) ? { value: str(el.value) } : {}),
          ...(str(el.placeholder) ? { hintText: str(el.placeholder) } : {}),
        },
      };
    case 'Input.Date':
      return { dateTimePicker: { name, label, type: 'DATE_ONLY' } };
    case 'Input.Time':
      return { dateTimePicker: { name, label, type: 'TIME_ONLY' } };
    default:
      return null;
  }
}

/** Reads a button's `form` parameter back; null when it is not one of ours. */
export function parseDialogSpec(raw: string | undefined): GchatDialogSpec | null {
  if (!raw) return null;
  try {
    const v: unknown = JSON.parse(raw);
    if (!isObj(v) || !Array.isArray(v.inputs)) return null;
    return v as unknown as GchatDialogSpec;
  } catch {
    return null;
  }
}

/** All human-readable text of a cardsV2 card (tests, logs), tags removed. */
export function gchatCardText(card: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown, key = ''): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (isObj(v)) for (const [k, child] of Object.entries(v)) walk(child, k);
    else if (typeof v === 'string' && ['title', 'subtitle', 'text', 'topLabel'].includes(key))
      parts.push(
        v
          .replace(/<[^>]+>/g, '')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      );
  };
  walk(card);
  return parts.join('\n');
}
