/**
 * Adaptive Card (the shared alert template, schema 1.5 subset) → Slack Block Kit.
 *
 *   TextBlock Large            → header block (plain_text, ≤ 150 chars)
 *   TextBlock Small / isSubtle → context block
 *   other TextBlock            → section (mrkdwn; Bolder → *bold*)
 *   ColumnSet of TextBlocks    → one header or section line, columns joined with " · "
 *   Container                  → its items
 *   FactSet                    → section `fields` (Slack allows at most 10 per section)
 *   separator: true            → divider
 *   Action.Execute             → button: action_id = verb, value = JSON {alertId, version}
 *   Action.ShowCard            → button: action_id = the verb of its inner Action.Execute, value =
 *                                JSON {alertId, version, fromStep?, modal}: the inputs of the ShowCard,
 *                                which the Slack channel opens as a modal (Slack messages cannot hold
 *                                forms).
 *   ActionSet (in the body)    → its actions join the one actions block, after the card's own.
 *
 * Limits are Block Kit's (docs.slack.dev/reference/block-kit/blocks): 50 blocks per message,
 * header text 150, section text 3000, field text 2000, button text 75, button value 2000.
 */
import type { AdaptiveCardJson } from '../alert-card.js';
import {
  cardActions,
  columnTexts,
  isLarge,
  isObj,
  list,
  str,
  truncate,
  walkElements,
  type Json,
} from './ac.js';

export type SlackBlock = Record<string, unknown>;

/** One input of a ShowCard, as a Slack modal shows it. */
export interface SlackInputSpec {
  id: string;
  kind: 'choice' | 'text' | 'date' | 'time';
  label: string;
  required?: boolean;
  multiline?: boolean;
  maxLength?: number;
  placeholder?: string;
  value?: string;
  /** [value, label] pairs. */
  choices?: [string, string][];
  /** The card shows the choices all at once (Input.ChoiceSet style "expanded"). */
  expanded?: boolean;
  /** Some choices were left out to fit Slack's 2,000-character button value. */
  truncated?: boolean;
}

/** The form behind an Action.ShowCard, carried in its button's value. */
export interface SlackModalSpec {
  title: string;
  submit: string;
  inputs: SlackInputSpec[];
}

/** What a button's `value` holds (JSON). */
export interface SlackActionValue {
  alertId: string;
  version: number;
  /** Escalate now: the step the card showed (a click on a card already passed by is refused). */
  fromStep?: number;
  modal?: SlackModalSpec;
}

export const SLACK_LIMITS = {
  blocks: 50,
  header: 150,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  buttonText: 75,
  buttonValue: 2000,
  actionsPerBlock: 25,
} as const;

/** Slack mrkdwn treats &, < and > as control characters (docs.slack.dev/messaging/formatting-message-text). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export { truncate };

const bold = (text: string) =>
  text
    .split('\n')
    .map((l) => (l.trim() ? `*${l}*` : l))
    .join('\n');

/** Renders the card's body and actions as Block Kit blocks. */
export function renderSlackBlocks(card: AdaptiveCardJson): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  renderItems(list(card.body), blocks);
  const actions = renderActions(cardActions(card));
  const room = SLACK_LIMITS.blocks - (actions ? 1 : 0);
  const out = blocks.slice(0, room);
  while (out.length && out[out.length - 1]!.type === 'divider') out.pop();
  if (actions) out.push(actions);
  return out;
}

function divider(out: SlackBlock[]): void {
  if (out.length && out[out.length - 1]!.type !== 'divider') out.push({ type: 'divider' });
}

function renderItems(items: unknown[], out: SlackBlock[]): void {
  for (const el of items) {
    if (!isObj(el)) continue;
    if (el.separator === true) divider(out);
    switch (el.type) {
      case 'TextBlock': {
        const b = textBlock(el);
        if (b) out.push(b);
        break;
      }
      case 'Container':
        renderItems(list(el.items), out);
        break;
      case 'ColumnSet':
        columnSet(el, out);
        break;
      case 'FactSet':
        factSet(el, out);
        break;
      case 'Image':
        if (str(el.url))
          out.push({ type: 'image', image_url: str(el.url), alt_text: str(el.altText) || 'image' });
        break;
      default:
        break; // inputs and unknown elements have no place in a Slack message
    }
  }
}

const isSmall = (el: Json) => el.size === 'Small' || el.isSubtle === true;

function textBlock(el: Json): SlackBlock | null {
  const text = str(el.text).trim();
  if (!text) return null;
  if (isLarge(el)) return header(text);
  if (isSmall(el)) return { type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(el) }] };
  return section(mrkdwn(el));
}

function mrkdwn(el: Json): string {
  const text = escapeMrkdwn(str(el.text).trim());
  return el.weight === 'Bolder' ? bold(text) : text;
}

const header = (text: string): SlackBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.header), emoji: true },
});

const section = (text: string): SlackBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) },
});

function columnSet(el: Json, out: SlackBlock[]): void {
  const columns = list(el.columns).filter(isObj);
  const perColumn = columns.map(columnTexts);
  if (perColumn.some((t) => t === null)) {
    for (const c of columns) renderItems(list(c.items), out);
    return;
  }
  const texts = (perColumn as Json[][]).flat().filter((t) => str(t.text).trim());
  if (!texts.length) return;
  if (texts.some(isLarge)) {
    out.push(header(texts.map((t) => str(t.text).trim()).join('  ·  ')));
  } else {
    out.push(section(texts.map(mrkdwn).join('  ·  ')));
  }
}

function factSet(el: Json, out: SlackBlock[]): void {
  const fields = list(el.facts)
    .filter(isObj)
    .map((f) => ({
      type: 'mrkdwn',
      text: truncate(
        `*${escapeMrkdwn(str(f.title))}*\n${escapeMrkdwn(str(f.value)) || '—'}`,
        SLACK_LIMITS.fieldText,
      ),
    }));
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.fieldsPerSection) {
    out.push({ type: 'section', fields: fields.slice(i, i + SLACK_LIMITS.fieldsPerSection) });
  }
}

const STYLES: Record<string, string> = { positive: 'primary', destructive: 'danger' };

function renderActions(actions: unknown[]): SlackBlock | null {
  const elements: SlackBlock[] = [];
  for (const a of actions) {
    if (!isObj(a)) continue;
    const b = button(a);
    if (b) elements.push(b);
  }
  if (!elements.length) return null;
  return {
    type: 'actions',
    block_id: 'card_actions',
    elements: elements.slice(0, SLACK_LIMITS.actionsPerBlock),
  };
}

function button(a: Json): SlackBlock | null {
  const text = {
    type: 'plain_text',
    text: truncate(str(a.title) || 'Open', SLACK_LIMITS.buttonText),
    emoji: true,
  };
  if (a.type === 'Action.OpenUrl' && str(a.url)) {
    return { type: 'button', action_id: `open_url:${str(a.url)}`.slice(0, 255), text, url: str(a.url) };
  }
  let execute: Json | undefined;
  let modal: SlackModalSpec | undefined;
  if (a.type === 'Action.Execute') execute = a;
  if (a.type === 'Action.ShowCard' && isObj(a.card)) {
    execute = list(a.card.actions).find((x): x is Json => isObj(x) && x.type === 'Action.Execute');
    if (execute) modal = modalSpec(a, execute);
  }
  if (!execute || !str(execute.verb)) return null;
  const data = isObj(execute.data) ? execute.data : {};
  const value: SlackActionValue = {
    alertId: str(data.alertId),
    version: Number(data.version),
    ...(typeof data.fromStep === 'number' ? { fromStep: data.fromStep } : {}),
    ...(modal ? { modal } : {}),
  };
  const out: SlackBlock = { type: 'button', action_id: str(execute.verb), text, value: fitValue(value) };
  const style = STYLES[str(a.style)];
  if (style) out.style = style;
  return out;
}

function modalSpec(showCard: Json, execute: Json): SlackModalSpec {
  const inputs: SlackInputSpec[] = [];
  collectInputs(list((showCard.card as Json).body), inputs);
  return { title: str(showCard.title), submit: str(execute.title) || 'Submit', inputs };
}

function collectInputs(items: unknown[], out: SlackInputSpec[]): void {
  walkElements(items, (el) => {
    const input = inputSpec(el);
    if (input) out.push(input);
  });
}

function inputSpec(el: Json): SlackInputSpec | null {
  const kinds: Record<string, SlackInputSpec['kind']> = {
    'Input.ChoiceSet': 'choice',
    'Input.Text': 'text',
    'Input.Number': 'text',
    'Input.Date': 'date',
    'Input.Time': 'time',
  };
  const kind = kinds[str(el.type)];
  if (!kind || !str(el.id)) return null;
  const spec: SlackInputSpec = {
    id: str(el.id),
    kind,
    label: str(el.label) || str(el.placeholder) || str(el.id),
  };
  if (el.isRequired === true) spec.required = true;
  if (el.isMultiline === true) spec.multiline = true;
  if (typeof el.maxLength === 'number') spec.maxLength = el.maxLength;
  if (str(el.placeholder)) spec.placeholder = str(el.placeholder);
  if (str(el.value)) spec.value = str(el.value);
  if (kind === 'choice' && el.style === 'expanded') spec.expanded = true;
  if (kind === 'choice')
    spec.choices = list(el.choices)
      .filter(isObj)
      .map((c) => [str(c.value), str(c.title) || str(c.value)]);
  return spec;
}

/** Keeps the JSON within Slack's 2,000 characters by dropping choices from the longest list. */
function fitValue(value: SlackActionValue): string {
  let json = JSON.stringify(value);
  while (json.length > SLACK_LIMITS.buttonValue && value.modal) {
    const longest = value.modal.inputs
      .filter((i) => i.choices?.length)
      .sort((a, b) => b.choices!.length - a.choices!.length)[0];
    if (!longest) {
      delete value.modal;
    } else {
      longest.choices = longest.choices!.slice(0, -1);
      longest.truncated = true;
    }
    json = JSON.stringify(value);
  }
  return json;
}

/** Reads a button value back; null when it is not one of ours. */
export function parseSlackActionValue(raw: string | undefined): SlackActionValue | null {
  if (!raw) return null;
  try {
    const v: unknown = JSON.parse(raw);
    if (!isObj(v) || typeof v.alertId !== 'string' || !v.alertId) return null;
    return {
      alertId: v.alertId,
      version: Number(v.version),
      ...(typeof v.fromStep === 'number' ? { fromStep: v.fromStep } : {}),
      ...(isObj(v.modal) ? { modal: v.modal as unknown as SlackModalSpec } : {}),
    };
  } catch {
    return null;
  }
}

/** All human-readable text of a list of blocks (tests, logs). */
export function slackBlocksText(blocks: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObj(v)) {
      if ((v.type === 'plain_text' || v.type === 'mrkdwn') && typeof v.text === 'string') parts.push(v.text);
      for (const [k, child] of Object.entries(v)) if (k !== 'value' && typeof child === 'object') walk(child);
    }
  };
  walk(blocks);
  return parts.join('\n');
}
