/**
 * Slack modals (views.open / response_action): the alert action forms (built from the card's
 * ShowCard inputs, see cards/render/slack.ts) and the settings forms (built from the channel-
 * agnostic FormModel of src/channels/forms.ts).
 *
 * Block Kit limits that matter here (docs.slack.dev/reference/surfaces/views and block-kit):
 * title / submit / close ≤ 24 chars, ≤ 100 blocks, private_metadata ≤ 3,000 chars, select menus
 * ≤ 100 options with option text ≤ 75 and value ≤ 150 chars. Each input's block_id is the form
 * field id, so `response_action: 'errors'` can point at it.
 */
import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import type { ViewStateValue } from '@slack/bolt';
import { truncate, type SlackInputSpec, type SlackModalSpec } from '../../cards/render/slack.js';
import type { FormField, FormModel } from '../../channels/forms.js';

export const ACTION_MODAL = 'alert_action';
export const SETTINGS_MODAL = 'fincelo_settings';
export const SETTINGS_NAV = 'settings_nav';

/** Slack options need a non-empty value; the FormModel's "none" choice is ''. */
const NONE = '__none__';

const plain = (text: string, max = 2000) => ({
  type: 'plain_text' as const,
  text: truncate(text, max),
  emoji: true,
});

function options(choices: [string, string][]): PlainTextOption[] {
  return choices.slice(0, 100).map(([value, label]) => ({
    text: plain(label || value, 75),
    value: (value || NONE).slice(0, 150),
  }));
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timezone: string, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

function inputBlock(
  id: string,
  label: string,
  element: InputBlock['element'],
  o: { optional?: boolean; hint?: string },
) {
  const block: InputBlock = { type: 'input', block_id: id, label: plain(label), element };
  if (o.optional) block.optional = true;
  if (o.hint) block.hint = plain(o.hint);
  return block;
}

function specInput(i: SlackInputSpec, timezone: string, now: Date): InputBlock {
  const optional = !i.required;
  const placeholder = i.placeholder ? plain(i.placeholder, 150) : undefined;
  switch (i.kind) {
    case 'choice': {
      const opts = options(i.choices ?? []);
      const initial = opts.find((o) => i.value !== undefined && o.value === i.value);
      // A short expanded choice (Snooze: for 24h / next business morning / …) as radio buttons,
      // preselected; Slack allows radio_buttons in modal input blocks, up to 10 options.
      if (i.expanded && opts.length <= 10)
        return inputBlock(
          i.id,
          i.label,
          {
            type: 'radio_buttons',
            action_id: i.id,
            options: opts,
            ...(initial ? { initial_option: initial } : {}),
          },
          { optional },
        );
      return inputBlock(
        i.id,
        i.label,
        {
          type: 'static_select',
          ...(initial ? { initial_option: initial } : {}),
          action_id: i.id,
          options: options(i.choices ?? []),
          ...(placeholder ? { placeholder } : {}),
        },
        {
          optional,
          hint: i.truncated
            ? 'Not everyone fits in this list: ask an admin if someone is missing.'
            : undefined,
        },
      );
    }
    case 'date':
      return inputBlock(
        i.id,
        i.label,
        { type: 'datepicker', action_id: i.id, initial_date: i.value || todayIn(timezone, now) },
        { optional },
      );
    case 'time':
      return inputBlock(
        i.id,
        `${i.label} (${timezone})`,
        // `timezone` is shown under the picker and returned on submission (Timepicker in @slack/types).
        { type: 'timepicker', action_id: i.id, timezone, ...(i.value ? { initial_time: i.value } : {}) },
        { optional },
      );
    default:
      return inputBlock(
        i.id,
        i.label,
        {
          type: 'plain_text_input',
          action_id: i.id,
          multiline: Boolean(i.multiline),
          ...(i.maxLength ? { max_length: Math.min(i.maxLength, 3000) } : {}),
          ...(i.value ? { initial_value: i.value } : {}),
          ...(placeholder ? { placeholder } : {}),
        },
        { optional },
      );
  }
}

/** Where an action modal came from, carried in private_metadata. */
export interface ActionModalMeta {
  alertId: string;
  action: string;
  workspaceId: string;
  /** The DM the card was clicked in, for the ephemeral confirmation. */
  channelId?: string;
  /** Escalate now: the step the clicked card showed. */
  fromStep?: number;
}

export function actionModal(
  spec: SlackModalSpec,
  meta: ActionModalMeta,
  timezone: string,
  now = new Date(),
): ModalView {
  return {
    type: 'modal',
    callback_id: ACTION_MODAL,
    private_metadata: JSON.stringify(meta),
    title: plain(spec.title || 'Fincelo', 24),
    submit: plain(spec.submit || 'Submit', 24),
    close: plain('Cancel', 24),
    blocks: spec.inputs.map((i) => specInput(i, timezone, now)),
  };
}

/** Which settings form is open, carried in private_metadata. */
export interface SettingsMeta {
  form: string;
  workspaceId: string;
  context?: Record<string, string>;
}

const FORMS: [string, string][] = [
  ['general', 'General settings'],
  ['person', 'Add a person'],
  ['customer', 'Add a customer'],
];

function fieldInput(f: FormField): InputBlock {
  const o = { optional: f.optional, hint: f.hint };
  switch (f.type) {
    case 'select': {
      const opts = options((f.options ?? []).map((x) => [x.value, x.label]));
      const initial = opts.find((x) => x.value === (f.value || NONE));
      return inputBlock(
        f.id,
        f.label,
        {
          type: 'static_select',
          action_id: f.id,
          options: opts,
          ...(initial ? { initial_option: initial } : {}),
        },
        o,
      );
    }
    case 'number':
      return inputBlock(
        f.id,
        f.label,
        {
          type: 'number_input',
          action_id: f.id,
          is_decimal_allowed: true,
          ...(f.value !== '' && Number.isFinite(Number(f.value)) ? { initial_value: f.value } : {}),
        },
        o,
      );
    default:
      return inputBlock(
        f.id,
        f.label,
        {
          type: 'plain_text_input',
          action_id: f.id,
          multiline: f.type === 'textarea',
          ...(f.value ? { initial_value: f.value } : {}),
        },
        o,
      );
  }
}

/** A settings form as a modal: a form switcher, how to edit existing entries, then the fields. */
export function settingsModal(model: FormModel, meta: SettingsMeta): ModalView {
  const nav = options(FORMS);
  const current = nav.find((x) => x.value === model.form && model.form === 'general');
  const blocks: KnownBlock[] = [
    {
      type: 'actions',
      block_id: SETTINGS_NAV,
      elements: [
        {
          type: 'static_select',
          action_id: SETTINGS_NAV,
          placeholder: plain('Switch form…', 150),
          options: nav,
          ...(current ? { initial_option: current } : {}),
        },
      ],
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Edit someone: `/fincelo settings person <id>` · a customer: `/fincelo settings customer <id>`',
        },
      ],
    },
    ...model.fields.slice(0, 97).map(fieldInput),
  ];
  return {
    type: 'modal',
    callback_id: SETTINGS_MODAL,
    private_metadata: JSON.stringify({ ...meta, form: model.form, context: model.context ?? {} }),
    title: plain(model.title, 24),
    submit: plain(model.submitLabel, 24),
    close: plain('Close', 24),
    blocks,
  };
}

/** What replaces a modal once it is saved (response_action: 'update'). */
export function doneModal(title: string, message: string): ModalView {
  return {
    type: 'modal',
    title: plain(title, 24),
    close: plain('Close', 24),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(message, 3000) } }],
  };
}

/** The submitted values, flattened to {fieldId: string}: the shape every channel submits. */
export function viewValues(state: {
  values: Record<string, Record<string, ViewStateValue>>;
}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(state.values ?? {})) {
    for (const v of Object.values(actions)) {
      const raw =
        v.selected_option?.value ?? v.selected_date ?? v.selected_time ?? v.selected_user ?? v.value ?? '';
      out[blockId] = raw === NONE ? '' : raw;
    }
  }
  return out;
}

/** Maps result errors onto the modal's input blocks; anything else lands on the first input. */
export function errorsFor(view: { blocks: unknown[] }, errors: Record<string, string>, message?: string) {
  const inputs = view.blocks
    .filter((b): b is { type: string; block_id: string } => (b as { type?: string }).type === 'input')
    .map((b) => b.block_id);
  const out: Record<string, string> = {};
  const stray: string[] = [];
  for (const [k, msg] of Object.entries(errors)) {
    if (inputs.includes(k)) out[k] = truncate(msg, 2000);
    else stray.push(msg);
  }
  if (message && !Object.keys(out).length) stray.push(message);
  if (stray.length && inputs[0])
    out[inputs[0]] = truncate([out[inputs[0]], ...stray].filter(Boolean).join(' '), 2000);
  return out;
}
