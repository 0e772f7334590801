import type { AdaptiveCardJson } from '../../cards/alert-card.js';
import { addSubmitFallbacks } from '../../cards/render/teams.js';
import type { FormField, FormModel } from '../../channels/forms.js';

/** Verbs of the settings card's Action.Execute buttons. */
export const SETTINGS_SAVE = 'settings_save';
export const SETTINGS_OPEN = 'settings_open';

/** Marker in action data: `{fincelo: {kind: 'settings', form, context}}` (never an input id). */
export interface SettingsMeta {
  kind: 'settings';
  form: string;
  context?: Record<string, string>;
}

/**
 * Input.ChoiceSet choices must all have a value (the Adaptive Cards SDK reports "All choices in an
 * Input.ChoiceSet must have their title and value properties set"), so the form's empty option
 * ("— none —") travels as this placeholder and is turned back into '' on submit.
 */
export const NONE_VALUE = '__none__';

/** How a form is shown: with errors and the submitted values, a notice, the people picker. */
export interface FormCardOptions {
  /** Field-level messages, shown under each field. */
  errors?: Record<string, string>;
  /** Values to show instead of the model's (a rejected submission keeps what was typed). */
  values?: Record<string, string>;
  /** A line above the form: "Settings saved.", or what went wrong. */
  notice?: { text: string; ok: boolean };
  /** People (value = external id) for the "Edit a person" picker on the general form. */
  people?: { value: string; label: string }[];
}

type Json = Record<string, unknown>;

function input(f: FormField, value: string): Json {
  const label = f.optional ? `${f.label} (optional)` : f.label;
  const base = { id: f.id, label, ...(f.hint ? { placeholder: f.hint } : {}) };
  switch (f.type) {
    case 'number':
      return {
        type: 'Input.Number',
        ...base,
        ...(value.trim() && Number.isFinite(Number(value)) ? { value: Number(value) } : {}),
      };
    case 'textarea':
      return { type: 'Input.Text', ...base, isMultiline: true, value };
    case 'select':
      return {
        type: 'Input.ChoiceSet',
        ...base,
        style: 'compact',
        value: value || NONE_VALUE,
        choices: (f.options ?? []).map((o) => ({ title: o.label, value: o.value || NONE_VALUE })),
      };
    default:
      return { type: 'Input.Text', ...base, value };
  }
}

const meta = (form: string, context?: Record<string, string>): { fincelo: SettingsMeta } => ({
  fincelo: { kind: 'settings', form, ...(context && Object.keys(context).length ? { context } : {}) },
});

/** A settings form (general, person, customer) as an Adaptive Card 1.5 with Universal Actions. */
export function formCard(model: FormModel, o: FormCardOptions = {}): AdaptiveCardJson {
  const body: Json[] = [
    { type: 'TextBlock', text: model.title, size: 'Large', weight: 'Bolder', wrap: true },
  ];
  if (o.notice)
    body.push({
      type: 'TextBlock',
      text: o.notice.text,
      wrap: true,
      weight: 'Bolder',
      color: o.notice.ok ? 'Good' : 'Attention',
    });
  const fieldIds = new Set(model.fields.map((f) => f.id));
  for (const [id, message] of Object.entries(o.errors ?? {}))
    if (!fieldIds.has(id))
      body.push({ type: 'TextBlock', text: `⚠️ ${message}`, color: 'Attention', wrap: true });
  for (const f of model.fields) {
    body.push(input(f, o.values?.[f.id] ?? f.value));
    const error = o.errors?.[f.id];
    if (error)
      body.push({
        type: 'TextBlock',
        text: `⚠️ ${error}`,
        color: 'Attention',
        size: 'Small',
        wrap: true,
        spacing: 'None',
      });
    else if (f.hint && f.type !== 'select')
      body.push({
        type: 'TextBlock',
        text: f.hint,
        isSubtle: true,
        size: 'Small',
        wrap: true,
        spacing: 'None',
      });
  }
  const actions: Json[] = [
    {
      type: 'Action.Execute',
      title: model.submitLabel,
      verb: SETTINGS_SAVE,
      style: 'positive',
      data: meta(model.form, model.context),
    },
  ];
  if (model.form === 'general') {
    actions.push(
      pickerAction('Edit a person', 'person', {
        type: 'Input.ChoiceSet',
        id: 'personExternalId',
        label: 'Person',
        style: 'compact',
        value: NONE_VALUE,
        choices: [
          { title: '➕ Add a new person', value: NONE_VALUE },
          ...(o.people ?? []).filter((p) => p.value).map((p) => ({ title: p.label, value: p.value })),
        ],
      }),
      pickerAction('Edit a customer', 'customer', {
        type: 'Input.Text',
        id: 'customerExternalId',
        label: 'Customer ID (leave empty to add a customer)',
        placeholder: 'e.g. cust-42',
      }),
    );
  } else {
    actions.push({
      type: 'Action.Execute',
      title: 'Back to settings',
      verb: SETTINGS_OPEN,
      associatedInputs: 'none',
      data: meta('general'),
    });
  }
  const card: Json = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    actions,
    msteams: { width: 'Full' },
  };
  addSubmitFallbacks(card);
  return card;
}

function pickerAction(title: string, form: string, picker: Json): Json {
  return {
    type: 'Action.ShowCard',
    title,
    card: {
      type: 'AdaptiveCard',
      body: [picker],
      actions: [{ type: 'Action.Execute', title: 'Open', verb: SETTINGS_OPEN, data: meta(form) }],
    },
  };
}

/** The submitted values of a form's fields (the placeholder for "none" turned back into ''). */
export function formValues(model: FormModel, data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of model.fields) {
    const raw = data[f.id];
    if (raw === undefined || raw === null) continue;
    const v = String(raw);
    out[f.id] = v === NONE_VALUE ? '' : v;
  }
  return out;
}
