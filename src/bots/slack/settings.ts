/**
 * `/fincelo settings`: the settings forms (general, person, customer) as Slack modals, built from
 * ChatServices.settingsForm and saved with saveSettingsForm. Invalid values come back as
 * `response_action: 'errors'` keyed by block_id = field id (docs.slack.dev/surfaces/modals,
 * "Displaying errors in views"); a saved form is replaced by a confirmation (`'update'`).
 */
import type { App, BlockAction, StaticSelectAction, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Person } from '../../engine/index.js';
import { slackErrorCode } from './errors.js';
import { actingPerson, type SlackListenerDeps } from './listener-deps.js';
import {
  doneModal,
  errorsFor,
  SETTINGS_MODAL,
  SETTINGS_NAV,
  settingsModal,
  viewValues,
  type SettingsMeta,
} from './modals.js';
import { SAY } from './notify.js';
import { parseMeta } from './parse.js';

/** Opens a settings form; returns what to tell the user when it cannot be opened. */
export async function openSettings(
  d: SlackListenerDeps,
  client: WebClient,
  q: {
    triggerId: string;
    workspaceId: string;
    person: Person;
    form: string;
    context: Record<string, string>;
  },
): Promise<string | null> {
  const model = await d.services.settingsForm(q.workspaceId, q.person, q.form, q.context);
  if ('refused' in model) return model.refused;
  try {
    await client.views.open({
      trigger_id: q.triggerId,
      view: settingsModal(model, { form: q.form, workspaceId: q.workspaceId }),
    });
    return null;
  } catch (err) {
    const code = slackErrorCode(err);
    if (code === 'exchanged_trigger_id') return null; // a retried command: the modal is already open
    d.log.warn({ err }, 'slack: could not open the settings modal');
    return code === 'expired_trigger_id'
      ? SAY.triggerExpired
      : `Could not open settings (${code ?? 'error'}).`;
  }
}

export function registerSettings(app: App, d: SlackListenerDeps): void {
  app.view<ViewSubmitAction>(
    { callback_id: SETTINGS_MODAL, type: 'view_submission' },
    async ({ ack, body, view, client }) => {
      const meta = parseMeta<SettingsMeta>(view.private_metadata, ['form', 'workspaceId']);
      if (!meta) return void (await ack());
      const who = await actingPerson(d, client, {
        teamId: body.team?.id,
        userId: body.user.id,
        workspaceId: meta.workspaceId,
      });
      if ('say' in who) {
        await ack({ response_action: 'errors', errors: errorsFor(view, {}, who.say) });
        return;
      }
      const result = await d.services.saveSettingsForm(
        who.workspaceId,
        who.person,
        meta.form,
        viewValues(view.state),
        meta.context ?? {},
      );
      if (!result.ok) {
        await ack({ response_action: 'errors', errors: errorsFor(view, result.errors, result.message) });
        return;
      }
      await ack({ response_action: 'update', view: doneModal('Fincelo settings', `✅ ${result.message}`) });
    },
  );

  // The form switcher inside the modal replaces the open form (views.update keeps one modal open).
  app.action<BlockAction<StaticSelectAction>>(SETTINGS_NAV, async ({ ack, body, action, client }) => {
    await ack();
    const view = body.view;
    const meta = parseMeta<SettingsMeta>(view?.private_metadata, ['workspaceId']);
    if (!view || !meta) return;
    const who = await actingPerson(d, client, {
      teamId: body.team?.id,
      userId: body.user.id,
      workspaceId: meta.workspaceId,
    });
    if ('say' in who) return;
    const form = action.selected_option?.value ?? 'general';
    const model = await d.services.settingsForm(who.workspaceId, who.person, form, {});
    if ('refused' in model) return;
    try {
      await client.views.update({
        view_id: view.id,
        hash: view.hash,
        view: settingsModal(model, { form, workspaceId: who.workspaceId }),
      });
    } catch (err) {
      d.log.warn({ err }, 'slack: could not switch the settings form');
    }
  });
}
