import type { TurnContext } from '@microsoft/agents-hosting';
import { Activity } from '@microsoft/agents-activity';
import type { AdaptiveCardJson } from '../../cards/alert-card.js';
import { isAlertAction, runCardAction, UNKNOWN_PERSON } from './actions.js';
import type { SettingsMeta } from './form-card.js';
import { ADAPTIVE_CARD } from './gateway.js';
import type { TeamsHandlerDeps } from './handler.js';
import { identify, remember, type TeamsActor } from './identity.js';
import { handleSettingsAction, openSettingsForm } from './settings.js';
import { teamsText } from './text.js';
import { csvAttachments, onCsvUpload, runCsvAction } from './csv.js';
import { isCsvAction } from '../../csv-import/types.js';

export const NOT_CONNECTED =
  "I couldn't tell which Fincelo workspace this Microsoft Teams organisation belongs to. Ask a Fincelo admin to add you under People with your work email, then message me again.";

const say = (context: TurnContext, text: string) =>
  context.sendActivity(
    Activity.fromObject({ type: 'message', text: teamsText(text), textFormat: 'markdown' }),
  );

const cardActivity = (card: AdaptiveCardJson, id?: string) =>
  Activity.fromObject({
    type: 'message',
    ...(id ? { id } : {}),
    attachments: [{ contentType: ADAPTIVE_CARD, content: card }],
  });

/**
 * The command a message carries. In channels and group chats the bot only receives messages that
 * @mention it (CHAT.md §2), so the mention is removed first; `/fincelo settings` (the Slack habit)
 * and `fincelo settings` work too.
 */
export function commandText(context: TurnContext): string {
  const a = context.activity;
  const type = a.conversation?.conversationType;
  const shared = type === 'channel' || type === 'groupChat';
  const text = shared ? a.removeRecipientMention() || (a.text ?? '') : (a.text ?? '');
  return text
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/^\s*\/?fincelo\b/i, '')
    .trim();
}

export async function onMessage(deps: TeamsHandlerDeps, context: TurnContext): Promise<void> {
  const a = context.activity;
  const actor = await identify(deps, context);
  await remember(deps, context, actor);
  if (!actor.workspaceId) return void (await say(context, actor.refusal ?? NOT_CONNECTED));
  const files = csvAttachments(context);
  if (files.length) return onCsvUpload(deps, context, actor, files);
  const value = a.value;
  if (value && typeof value === 'object')
    return onSubmit(deps, context, actor, value as Record<string, unknown>);

  const reply = await deps.services.command(actor.workspaceId, actor.person, commandText(context), 'teams');
  if (reply.openForm && actor.person && !reply.refused) {
    const outcome = await openSettingsForm(deps.services, actor.workspaceId, actor.person, reply.openForm);
    await ('card' in outcome
      ? context.sendActivity(cardActivity(outcome.card))
      : say(context, outcome.message));
    return;
  }
  await say(context, reply.text);
}

/**
 * Action.Submit — the fallback of every Action.Execute for clients without Universal Actions —
 * arrives as a message whose `value` is the action data plus the inputs (CHAT.md §2). It is handled
 * like the invoke; a settings form is replaced in place (updateActivity on the card's message).
 */
async function onSubmit(
  deps: TeamsHandlerDeps,
  context: TurnContext,
  actor: TeamsActor,
  value: Record<string, unknown>,
): Promise<void> {
  const a = context.activity;
  const meta = value.fincelo as SettingsMeta | undefined;
  if (meta?.kind === 'settings') {
    if (!actor.person) return void (await say(context, UNKNOWN_PERSON));
    const verb = String(value.verb ?? '');
    const outcome = await handleSettingsAction(
      deps.services,
      actor.workspaceId!,
      actor.person,
      verb,
      meta,
      value,
    );
    if (!('card' in outcome)) return void (await say(context, outcome.message));
    if (a.replyToId) await context.updateActivity(cardActivity(outcome.card, a.replyToId));
    else await context.sendActivity(cardActivity(outcome.card));
    return;
  }
  if (isCsvAction(value)) {
    const reply = await runCsvAction(deps, actor, value, a.replyToId);
    if (!reply.ok) return void (await say(context, reply.error));
    if (a.replyToId) await context.updateActivity(cardActivity(reply.message.card, a.replyToId));
    else await context.sendActivity(cardActivity(reply.message.card));
    return;
  }
  if (isAlertAction(value)) {
    const outcome = await runCardAction({ ...deps, waitMs: 0 }, actor, {
      data: value,
      eventId: a.id,
      messageId: undefined, // the outbox updates the card; no invoke response to fill
    });
    await say(context, outcome.message);
    return;
  }
  await say(context, "I didn't understand that card action. Type **help** for what I can do.");
}
