import type { Person } from '../../engine/index.js';
import type { ChatServices } from '../../chat/services.js';
import type { FormModel } from '../../channels/forms.js';
import { NONE, settingsDialog, SETTINGS_OPEN, type SettingsDialogOptions } from './dialogs.js';
import { flatInputs, type FormInputs } from './events.js';

const FORMS = new Set(['general', 'person', 'customer']);

/** A settings step's outcome: a dialog to show, or a message that closes it (saved, refused). */
export type SettingsOutcome = { dialog: Record<string, unknown> } | { done: string; ok: boolean };

async function dialogFor(
  services: ChatServices,
  workspaceId: string,
  actor: Person,
  model: FormModel,
  o: SettingsDialogOptions = {},
) {
  let people: { value: string; label: string }[] | undefined;
  if (model.form === 'general') {
    const personForm = await services.settingsForm(workspaceId, actor, 'person');
    people =
      'refused' in personForm
        ? []
        : (personForm.fields.find((f) => f.id === 'managerExternalId')?.options ?? []);
  }
  return { dialog: settingsDialog(model, { ...o, ...(people ? { people } : {}) }) };
}

/** `settings_open` (from the command's button or inside the dialog) and `settings_save`. */
export async function handleSettings(
  services: ChatServices,
  workspaceId: string,
  actor: Person,
  fn: string,
  parameters: Record<string, string>,
  formInputs: FormInputs,
): Promise<SettingsOutcome> {
  const form = FORMS.has(parameters.form ?? '') ? parameters.form! : 'general';
  const inputs = flatInputs(formInputs);
  if (fn === SETTINGS_OPEN) {
    const picked = (form === 'person' ? inputs.personExternalId : inputs.customerExternalId)?.trim();
    const context: Record<string, string> = picked && picked !== NONE ? { externalId: picked } : {};
    const model = await services.settingsForm(workspaceId, actor, form, context);
    if ('refused' in model) return { done: model.refused, ok: false };
    return dialogFor(services, workspaceId, actor, model);
  }
  let context: Record<string, string> = {};
  try {
    context = JSON.parse(parameters.context ?? '{}') as Record<string, string>;
  } catch {
    /* a tampered parameter: save as a new entry */
  }
  const model = await services.settingsForm(workspaceId, actor, form, context);
  if ('refused' in model) return { done: model.refused, ok: false };
  const values: Record<string, string> = {};
  for (const f of model.fields) {
    const v = inputs[f.id];
    if (v !== undefined) values[f.id] = v === NONE ? '' : v;
  }
  const result = await services.saveSettingsForm(workspaceId, actor, form, values, context);
  if (result.ok) return { done: `✅ ${result.message}`, ok: true };
  if (!Object.keys(result.errors).length) return { done: result.message ?? 'Nothing was saved.', ok: false };
  return dialogFor(services, workspaceId, actor, model, {
    values,
    errors: result.errors,
    notice: result.message ?? 'Some fields need attention: see below.',
  });
}
