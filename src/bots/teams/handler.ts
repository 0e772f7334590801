import type { TurnContext, ConnectorClient, CloudAdapter } from '@microsoft/agents-hosting';
import type { ChatServices } from '../../chat/services.js';
import type { Logger } from '../../log.js';
import type { CardCache } from './card-cache.js';
import type { TeamsSender } from './sender.js';
import { onConversationUpdate, onInstallationUpdate } from './conversation-update.js';
import { onInvoke } from './invoke.js';
import { onMessage } from './messages.js';

/** What the turn handlers need (passed in; nothing is global). */
export interface TeamsHandlerDeps {
  services: ChatServices;
  cards: CardCache;
  log: Logger;
  /** How long a card click waits for the re-rendered card before answering with text. */
  waitMs: number;
  connector(context: TurnContext): ConnectorClient | undefined;
  /** Proactive sends after a turn (CSV import progress and summary). */
  sender?: TeamsSender;
}

/** The turn logic given to CloudAdapter.process: one function per activity type. */
export function createTeamsHandler(deps: TeamsHandlerDeps): (context: TurnContext) => Promise<void> {
  return async (context) => {
    switch (context.activity.type) {
      case 'message':
        return onMessage(deps, context);
      case 'invoke':
        return onInvoke(deps, context);
      case 'conversationUpdate':
        return onConversationUpdate(deps, context);
      case 'installationUpdate':
        return onInstallationUpdate(deps, context);
      default:
        return; // typing, reactions, …: nothing to do
    }
  };
}

/** Reads the turn's connector client (the adapter stores it in the turn state). */
export const connectorOf =
  (adapter: CloudAdapter) =>
  (context: TurnContext): ConnectorClient | undefined =>
    context.turnState.get<ConnectorClient>(adapter.ConnectorClientKey);
