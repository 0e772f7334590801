import type { TurnContext } from '@microsoft/agents-hosting';
import type { TeamsHandlerDeps } from './handler.js';
import { identify, remember } from './identity.js';
import { NOT_CONNECTED } from './messages.js';
import { conversationKind } from './references.js';
import { teamsText } from './text.js';

/**
 * Installing the app (personal, team or group chat) sends `conversationUpdate` with the bot in
 * `membersAdded`, and `installationUpdate` (action `add`); a first message also carries everything a
 * conversation reference needs. Each of them is a chance to store the reference for proactive
 * messages (learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages).
 */
export async function onConversationUpdate(deps: TeamsHandlerDeps, context: TurnContext): Promise<void> {
  const a = context.activity;
  const actor = await identify(deps, context);
  await remember(deps, context, actor);
  const botAdded = (a.membersAdded ?? []).some((m) => m.id === a.recipient?.id);
  if (!botAdded) return;
  let text: string;
  if (!actor.workspaceId) text = actor.refusal ?? NOT_CONNECTED;
  else if (conversationKind(actor.reference) !== 'personal')
    text =
      '👋 Fincelo was added here. @mention me with *help* to see what I can do; alerts go to each person in their own chat with Fincelo.';
  else if (actor.person)
    text = `👋 Hi ${actor.person.name.split(' ')[0]}! I'm Fincelo: alerts about your customers will arrive here, and you can act on them from the card. Type *help* for commands.`;
  else
    text =
      "👋 Hi! I'm Fincelo. I couldn't match your Teams account to a person in Fincelo yet: ask a Fincelo admin to add you under People with your work email, then send me any message.";
  await context.sendActivity(teamsText(text));
}

export async function onInstallationUpdate(deps: TeamsHandlerDeps, context: TurnContext): Promise<void> {
  const action = context.activity.action ?? '';
  if (!action.startsWith('add')) return; // removal: Teams answers 403 to later sends, reported then
  await remember(deps, context, await identify(deps, context));
}
