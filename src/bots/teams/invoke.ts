import { Activity } from '@microsoft/agents-activity';
import type { TurnContext } from '@microsoft/agents-hosting';
import type { AdaptiveCardJson } from '../../cards/alert-card.js';
import { REFRESH_VERB } from '../../cards/render/teams.js';
import { isAlertAction, runCardAction, UNKNOWN_PERSON } from './actions.js';
import type { SettingsMeta } from './form-card.js';
import { ADAPTIVE_CARD } from './gateway.js';
import { identify, remember } from './identity.js';
import type { TeamsHandlerDeps } from './handler.js';
import { handleSettingsAction } from './settings.js';
import { NOT_CONNECTED } from './messages.js';
import { runCsvAction } from './csv.js';
import { isCsvAction } from '../../csv-import/types.js';

/**
 * Universal Actions: an Action.Execute click arrives as an `invoke` named `adaptiveCard/action`
 * and is answered in the HTTP response with `{statusCode, type, value}` — type
 * `application/vnd.microsoft.card.adaptive` with the card that replaces the clicked one, or
 * `application/vnd.microsoft.activity.message` with a text shown to the clicking user only
 * (learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards).
 */
export interface AdaptiveCardInvokeBody {
  statusCode: number;
  type: string;
  value: unknown;
}

export const cardResponse = (card: AdaptiveCardJson): AdaptiveCardInvokeBody => ({
  statusCode: 200,
  type: ADAPTIVE_CARD,
  value: card,
});
export const messageResponse = (text: string): AdaptiveCardInvokeBody => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.activity.message',
  value: text,
});

async function respond(context: TurnContext, body: AdaptiveCardInvokeBody): Promise<void> {
  // The adapter writes an `invokeResponse` activity's value as the HTTP status and body.
  await context.sendActivity(Activity.fromObject({ type: 'invokeResponse', value: { status: 200, body } }));
}

interface ExecuteValue {
  /** `verb` is optional in Action.Execute: a card may send only its `title` (QUIRKS.md). */
  action?: { type?: string; title?: string; verb?: string; data?: Record<string, unknown> };
}

export async function onInvoke(deps: TeamsHandlerDeps, context: TurnContext): Promise<void> {
  const a = context.activity;
  if (a.name !== 'adaptiveCard/action') return; // other invokes: the adapter answers 501
  const action = (a.value as ExecuteValue | undefined)?.action;
  const verb = action?.verb ?? '';
  const data = action?.data ?? {};
  const actor = await identify(deps, context);
  await remember(deps, context, actor);
  if (!actor.workspaceId) return respond(context, messageResponse(actor.refusal ?? NOT_CONNECTED));

  if (verb === REFRESH_VERB) {
    // Every change is already written into the message itself (PUT by the outbox); answer with the
    // last card sent for it, or leave the card as it is when this process has not sent it.
    const card = a.replyToId ? deps.cards.get(actor.reference.conversation.id, a.replyToId) : null;
    return respond(context, card ? cardResponse(card) : messageResponse(''));
  }
  const meta = data.fincelo as SettingsMeta | undefined;
  if (meta?.kind === 'settings') {
    if (!actor.person) return respond(context, messageResponse(UNKNOWN_PERSON));
    const outcome = await handleSettingsAction(
      deps.services,
      actor.workspaceId,
      actor.person,
      verb,
      meta,
      data,
    );
    return respond(
      context,
      'card' in outcome ? cardResponse(outcome.card) : messageResponse(outcome.message),
    );
  }
  if (isCsvAction(data)) {
    const reply = await runCsvAction(deps, actor, data, a.replyToId);
    return respond(context, reply.ok ? cardResponse(reply.message.card) : messageResponse(reply.error));
  }
  if (isAlertAction({ ...data, verb })) {
    const outcome = await runCardAction(deps, actor, {
      data: { ...data, action: data.action ?? verb },
      eventId: a.id,
      messageId: a.replyToId,
    });
    return respond(
      context,
      outcome.ok && outcome.card ? cardResponse(outcome.card) : messageResponse(outcome.message),
    );
  }
  const label = verb || action?.title;
  await respond(context, {
    statusCode: 400,
    type: 'application/vnd.microsoft.error',
    value: {
      code: 'BadRequest',
      message: label
        ? `Fincelo does not know the action "${label}".`
        : 'Fincelo does not know this card action.',
    },
  });
}
