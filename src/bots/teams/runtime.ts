import type { ChannelModule, ChannelRuntime } from '../registry.js';
import { createTeamsAdapter } from './adapter.js';
import { teamsAuthConfig } from './auth.js';
import { createCardCache } from './card-cache.js';
import { createTeamsGateway } from './gateway.js';
import { connectorOf, createTeamsHandler } from './handler.js';
import { teamsRouter } from './router.js';
import { createTeamsSender } from './sender.js';

/**
 * How long a card click waits for its re-rendered card. Teams shows an error on the card when an
 * invoke is not answered within a few seconds, so after this the click is answered with text and
 * the card is still updated in place by the outbox.
 */
const CARD_WAIT_MS = 4_000;

/** Wires the adapter, gateway and /api/messages route of the Teams channel. */
export async function createTeamsRuntime({
  config,
  services,
  log,
}: Parameters<ChannelModule['create']>[0]): Promise<ChannelRuntime> {
  const auth = teamsAuthConfig(config);
  if (!config.MICROSOFT_APP_ID)
    log.warn(
      'teams: running without an app id (TEAMS_ANONYMOUS=on): requests are not authenticated; local development only',
    );
  const adapter = createTeamsAdapter(auth, log);
  const cards = createCardCache();
  const sender = createTeamsSender({ adapter, appId: config.MICROSOFT_APP_ID });
  const gateway = createTeamsGateway({ sender, services, cards });
  const logic = createTeamsHandler({
    services,
    cards,
    log,
    waitMs: CARD_WAIT_MS,
    connector: connectorOf(adapter),
    sender,
  });
  return { gateway, router: teamsRouter(adapter, logic) };
}
