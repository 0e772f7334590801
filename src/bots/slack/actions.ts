/**
 * Alert actions from the card: Acknowledge and Resolve apply on click; Log Call, Schedule Follow-up,
 * Reassign, Snooze (how long / until what), Escalate now and Decline (an optional note) open a modal
 * (its inputs come from the card's ShowCard) and apply on submit. Every listener acks first — Slack wants a response within 3 s
 * (docs.slack.dev/interactivity/handling-user-interaction) — then works. The acting user gets the
 * engine's confirmation or refusal as an ephemeral message.
 */
import type { App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import { parseSlackActionValue } from '../../cards/render/slack.js';
import type { ActionName } from '../../engine/index.js';
import { slackErrorCode } from './errors.js';
import { actingPerson, type SlackListenerDeps } from './listener-deps.js';
import { ACTION_MODAL, actionModal, errorsFor, viewValues, type ActionModalMeta } from './modals.js';
import { SAY, tellUser } from './notify.js';
import {
  clickEventId,
  IMMEDIATE_ACTIONS,
  isActionName,
  MODAL_ACTIONS,
  parseMeta,
  submissionEventId,
} from './parse.js';

const ACTION_IDS = new RegExp(`^(${[...new Set([...IMMEDIATE_ACTIONS, ...MODAL_ACTIONS])].join('|')})$`);
/** Leaves time to answer a modal submission within Slack's 3 s even when the database is slow. */
const SUBMIT_BUDGET_MS = 2500;

export function registerAlertActions(app: App, d: SlackListenerDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ACTION_IDS }, async (args) => {
    const { ack, body, action, client } = args;
    await ack();
    const channelId = body.channel?.id ?? (body.container?.channel_id as string | undefined) ?? null;
    const tell = (text: string) => tellUser(client, d.log, { userId: body.user.id, channelId, text });
    const name = action.action_id;
    const value = parseSlackActionValue(action.value);
    if (!isActionName(name) || !value) return tell(SAY.staleButton);
    const who = await actingPerson(d, client, {
      teamId: body.team?.id ?? body.user.team_id,
      userId: body.user.id,
    });
    if ('say' in who) return tell(who.say);

    if (MODAL_ACTIONS.includes(name) && (value.modal || !IMMEDIATE_ACTIONS.includes(name))) {
      if (!value.modal) return tell(SAY.staleButton);
      const meta: ActionModalMeta = { alertId: value.alertId, action: name, workspaceId: who.workspaceId };
      if (channelId) meta.channelId = channelId;
      if (value.fromStep !== undefined) meta.fromStep = value.fromStep;
      try {
        await client.views.open({
          trigger_id: body.trigger_id,
          view: actionModal(value.modal, meta, who.person.timezone),
        });
      } catch (err) {
        const code = slackErrorCode(err);
        // A trigger is single-use: a retried click finds its modal already open.
        if (code === 'exchanged_trigger_id') return;
        d.log.warn({ err, action: name }, 'slack: could not open the action modal');
        await tell(
          code === 'expired_trigger_id'
            ? SAY.triggerExpired
            : `Could not open the form (${code ?? 'error'}).`,
        );
      }
      return;
    }

    const result = await d.services.act({
      workspaceId: who.workspaceId,
      alertId: value.alertId,
      action: name,
      actor: who.person,
      channel: 'slack',
      eventId: clickEventId(body.user.id, name, action.action_ts, body.trigger_id),
    });
    if (result.ok && result.duplicate) return; // a retry of a click already applied
    await tell(result.message);
  });

  app.view<ViewSubmitAction>(
    { callback_id: ACTION_MODAL, type: 'view_submission' },
    async ({ ack, body, view, client }) => {
      const meta = parseMeta<ActionModalMeta>(view.private_metadata, ['alertId', 'action', 'workspaceId']);
      if (!meta || !isActionName(meta.action)) return void (await ack());
      const who = await actingPerson(d, client, {
        teamId: body.team?.id,
        userId: body.user.id,
        workspaceId: meta.workspaceId,
      });
      if ('say' in who) {
        await ack({ response_action: 'errors', errors: errorsFor(view, {}, who.say) });
        return;
      }
      const running = d.services.act({
        workspaceId: who.workspaceId,
        alertId: meta.alertId,
        action: meta.action as ActionName,
        actor: who.person,
        channel: 'slack',
        eventId: submissionEventId(view.id, body.trigger_id),
        inputs: {
          ...viewValues(view.state),
          ...(meta.fromStep !== undefined ? { fromStep: String(meta.fromStep) } : {}),
        },
      });
      const quick = await within(running, SUBMIT_BUDGET_MS);
      // Invalid input (a date in the past, no outcome…) stays in the modal, next to the field.
      if (quick && !quick.ok && quick.code === 'invalid') {
        await ack({ response_action: 'errors', errors: errorsFor(view, {}, quick.message) });
        return;
      }
      await ack();
      const result = quick ?? (await running);
      if (result.ok && result.duplicate) return;
      await tellUser(client, d.log, {
        userId: body.user.id,
        channelId: meta.channelId,
        text: result.message,
      });
    },
  );
}

/** Resolves with the promise's value, or `null` when it takes longer than `ms` (it keeps running). */
function within<T>(p: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
