import type { AdaptiveCardJson } from '../../cards/alert-card.js';
import type { Person } from '../../engine/index.js';
import type { ChatServices } from '../../chat/services.js';
import type { FormModel } from '../../channels/forms.js';
import { formCard, formValues, NONE_VALUE, SETTINGS_OPEN, type SettingsMeta } from './form-card.js';

/** A settings step's outcome: a card to show, or a message for the admin (refusals). */
export type SettingsOutcome = { card: AdaptiveCardJson } | { message: string };

const FORMS = new Set(['general', 'person', 'customer']);

/** People of the workspace for the "Edit a person" picker (the person form lists them as managers). */
async function peopleChoices(services: ChatServices, workspaceId: string, actor: Person) {
  const model = await services.settingsForm(workspaceId, actor, 'person');
  if ('refused' in model) return [];
  return model.fields.find((f) => f.id === 'managerExternalId')?.options ?? [];
}

async function cardFor(
  services: ChatServices,
  workspaceId: string,
  actor: Person,
  model: FormModel,
  extra: Parameters<typeof formCard>[1] = {},
): Promise<AdaptiveCardJson> {
  const people = model.form === 'general' ? await peopleChoices(services, workspaceId, actor) : undefined;
  return formCard(model, { ...extra, ...(people ? { people } : {}) });
}

/** Opens a form (admins only; ChatServices refuses everyone else). */
export async function openSettingsForm(
  services: ChatServices,
  workspaceId: string,
  actor: Person,
  form: string,
  context: Record<string, string> = {},
): Promise<SettingsOutcome> {
  const model = await services.settingsForm(workspaceId, actor, FORMS.has(form) ? form : 'general', context);
  if ('refused' in model) return { message: model.refused };
  return { card: await cardFor(services, workspaceId, actor, model) };
}

/**
 * Handles a settings card action: `settings_open` navigates between forms, `settings_save` saves
 * through ChatServices and answers with the form again — with a "saved" line, or with the submitted
 * values and each field's validation message under it.
 */
export async function handleSettingsAction(
  services: ChatServices,
  workspaceId: string,
  actor: Person,
  verb: string,
  meta: SettingsMeta,
  data: Record<string, unknown>,
): Promise<SettingsOutcome> {
  const form = FORMS.has(meta.form) ? meta.form : 'general';
  if (verb === SETTINGS_OPEN) {
    const picked = String(data[form === 'person' ? 'personExternalId' : 'customerExternalId'] ?? '').trim();
    const id = picked && picked !== NONE_VALUE ? picked : undefined;
    return openSettingsForm(services, workspaceId, actor, form, id ? { externalId: id } : {});
  }
  const context = meta.context ?? {};
  const model = await services.settingsForm(workspaceId, actor, form, context);
  if ('refused' in model) return { message: model.refused };
  const values = formValues(model, data);
  const result = await services.saveSettingsForm(workspaceId, actor, form, values, context);
  if (result.ok) {
    // Re-read the form: it now shows the saved values (and, for a new person or customer, edits it).
    const savedContext =
      form !== 'general' && !context.externalId && values.externalId
        ? { externalId: values.externalId }
        : context;
    const fresh = await services.settingsForm(workspaceId, actor, form, savedContext);
    if ('refused' in fresh) return { message: fresh.refused };
    return {
      card: await cardFor(services, workspaceId, actor, fresh, {
        notice: { text: `✅ ${result.message}`, ok: true },
      }),
    };
  }
  if (!Object.keys(result.errors).length) return { message: result.message ?? 'Nothing was saved.' };
  return {
    card: await cardFor(services, workspaceId, actor, model, {
      values,
      errors: result.errors,
      notice: { text: result.message ?? 'Some fields need attention: see below.', ok: false },
    }),
  };
}
