/**
 * Chat dialogs (developers.google.com/workspace/chat/dialogs): the alert action forms (Log Call,
 * Schedule Follow-up, Reassign; built from the card's ShowCard inputs carried in the button's
 * `form` parameter) and the settings forms (built from the channel-agnostic FormModel).
 *
 * Widgets: selectionInput DROPDOWN, textInput SINGLE_LINE / MULTIPLE_LINE, dateTimePicker
 * DATE_ONLY / TIME_ONLY; their values come back in common.formInputs under each widget's `name`.
 * Chat shows no per-field error state, so a rejected submission re-opens the dialog with the
 * message in red under its field.
 */
import {
  escapeChatHtml,
  type GchatCard,
  type GchatDialogSpec,
  type GchatInputSpec,
} from '../../cards/render/gchat.js';
import type { FormField, FormModel } from '../../channels/forms.js';

type Json = Record<string, unknown>;

/** Function names of the settings dialog's buttons. */
export const SETTINGS_OPEN = 'settings_open';
export const SETTINGS_SAVE = 'settings_save';
/** Chat selection items need a value; the FormModel's "none" is ''. */
export const NONE = '__none__';

const params = (p: Record<string, string | undefined>) =>
  Object.entries(p)
    .filter(([, v]) => v !== undefined)
    .map(([key, value]) => ({ key, value: String(value) }));

const errorText = (message: string) => ({
  textParagraph: { text: `<font color="#d93025">⚠️ ${escapeChatHtml(message)}</font>` },
});

function specWidget(i: GchatInputSpec): Json {
  const label = i.required ? i.label : `${i.label} (optional)`;
  switch (i.kind) {
    case 'choice':
      return {
        selectionInput: {
          name: i.id,
          label,
          type: 'DROPDOWN',
          items: (i.choices ?? []).map(([value, text], n) => ({
            text: text || value,
            value: value || NONE,
            selected: i.value ? i.value === value : n === 0,
          })),
        },
      };
    case 'date':
      return { dateTimePicker: { name: i.id, label, type: 'DATE_ONLY' } };
    case 'time':
      return {
        dateTimePicker: {
          name: i.id,
          label: `${label} (your time zone; default ${i.value || '09:00'})`,
          type: 'TIME_ONLY',
        },
      };
    default:
      return {
        textInput: {
          name: i.id,
          label,
          type: i.multiline ? 'MULTIPLE_LINE' : 'SINGLE_LINE',
          ...(i.value ? { value: i.value } : {}),
          ...(i.placeholder ? { hintText: i.placeholder } : {}),
        },
      };
  }
}

/** An alert action's dialog; its submit button carries the action and alert back. */
export function actionDialog(
  spec: GchatDialogSpec,
  action: string,
  meta: Record<string, string>,
  error?: string,
): GchatCard & Json {
  const widgets: Json[] = [];
  if (error) widgets.push(errorText(error));
  widgets.push(...spec.inputs.map(specWidget));
  return {
    header: { title: spec.title || 'Fincelo' },
    sections: [{ widgets }],
    fixedFooter: {
      primaryButton: {
        text: spec.submit || 'Submit',
        onClick: {
          action: { function: action, parameters: params({ ...meta, form: JSON.stringify(spec) }) },
        },
      },
    },
  };
}

function fieldWidget(f: FormField, value: string): Json {
  const label = f.optional ? `${f.label} (optional)` : f.label;
  if (f.type === 'select') {
    return {
      selectionInput: {
        name: f.id,
        label,
        type: 'DROPDOWN',
        items: (f.options ?? []).slice(0, 100).map((o) => ({
          text: o.label || o.value,
          value: o.value || NONE,
          selected: (o.value || NONE) === (value || NONE),
        })),
      },
    };
  }
  return {
    textInput: {
      name: f.id,
      label,
      type: f.type === 'textarea' ? 'MULTIPLE_LINE' : 'SINGLE_LINE',
      value,
      ...(f.hint ? { hintText: f.hint } : {}),
    },
  };
}

export interface SettingsDialogOptions {
  errors?: Record<string, string>;
  values?: Record<string, string>;
  notice?: string;
  /** People (value = external id) for the "Edit a person" picker on the general form. */
  people?: { value: string; label: string }[];
}

/** A settings form (general, person, customer) as a dialog. */
export function settingsDialog(model: FormModel, o: SettingsDialogOptions = {}): GchatCard & Json {
  const widgets: Json[] = [];
  if (o.notice) widgets.push({ textParagraph: { text: `<b>${escapeChatHtml(o.notice)}</b>` } });
  const ids = new Set(model.fields.map((f) => f.id));
  for (const [id, message] of Object.entries(o.errors ?? {}))
    if (!ids.has(id)) widgets.push(errorText(message));
  for (const f of model.fields) {
    widgets.push(fieldWidget(f, o.values?.[f.id] ?? f.value));
    const err = o.errors?.[f.id];
    if (err) widgets.push(errorText(err));
  }
  const sections: Json[] = [{ widgets }];
  const meta = { form: model.form, context: JSON.stringify(model.context ?? {}) };
  if (model.form === 'general') {
    sections.push({
      header: 'People and customers',
      widgets: [
        {
          selectionInput: {
            name: 'personExternalId',
            label: 'Person',
            type: 'DROPDOWN',
            items: [
              { text: '➕ Add a new person', value: NONE, selected: true },
              ...(o.people ?? [])
                .filter((p) => p.value)
                .map((p) => ({ text: p.label, value: p.value, selected: false })),
            ],
          },
        },
        {
          buttonList: {
            buttons: [
              {
                text: 'Edit person',
                onClick: { action: { function: SETTINGS_OPEN, parameters: params({ form: 'person' }) } },
              },
            ],
          },
        },
        {
          textInput: {
            name: 'customerExternalId',
            label: 'Customer ID (empty: add a customer)',
            type: 'SINGLE_LINE',
          },
        },
        {
          buttonList: {
            buttons: [
              {
                text: 'Edit customer',
                onClick: { action: { function: SETTINGS_OPEN, parameters: params({ form: 'customer' }) } },
              },
            ],
          },
        },
      ],
    });
  } else {
    sections.push({
      widgets: [
        {
          buttonList: {
            buttons: [
              {
                text: 'Back to settings',
                onClick: { action: { function: SETTINGS_OPEN, parameters: params({ form: 'general' }) } },
              },
            ],
          },
        },
      ],
    });
  }
  return {
    header: { title: model.title },
    sections: sections as GchatCard['sections'],
    fixedFooter: {
      primaryButton: {
        text: model.submitLabel,
        onClick: { action: { function: SETTINGS_SAVE, parameters: params(meta) } },
      },
    },
  };
}

/** A message with one button that opens the settings dialog (when a command cannot open it itself). */
export function openSettingsCard(text: string): Json {
  return {
    cardId: 'settings',
    card: {
      sections: [
        {
          widgets: [
            { textParagraph: { text: escapeChatHtml(text) } },
            {
              buttonList: {
                buttons: [
                  {
                    text: 'Open settings',
                    onClick: {
                      action: {
                        function: SETTINGS_OPEN,
                        interaction: 'OPEN_DIALOG',
                        parameters: params({ form: 'general' }),
                      },
                    },
                  },
                ],
              },
            },
          ],
        },
      ],
    },
  };
}
