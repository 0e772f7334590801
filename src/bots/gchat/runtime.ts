import type { ChannelModule, ChannelRuntime } from '../registry.js';
import { createChatApi } from './api.js';
import { createCardCache } from './card-cache.js';
import { loadServiceAccountKey } from './credentials.js';
import { createGchatGateway } from './gateway.js';
import { createSpacePacer } from './pacer.js';
import { gchatRouter } from './router.js';
import { createChatVerifier } from './verify.js';

/**
 * How long a card click waits for its re-rendered card. Chat waits up to 30 s for an interaction's
 * answer; after this the click is answered with text and the card is still patched by the outbox.
 */
const CARD_WAIT_MS = 8_000;

export async function createGchatRuntime({
  config,
  services,
  log,
}: Parameters<ChannelModule['create']>[0]): Promise<ChannelRuntime> {
  const key = loadServiceAccountKey(config);
  const pacer = createSpacePacer();
  const api = createChatApi({
    key,
    rootUrl: config.GOOGLE_CHAT_API_URL,
    onRateLimited: (space, ms) => pacer.backOff(space, ms),
  });
  const cards = createCardCache();
  const gateway = createGchatGateway({ api, pacer, cards, log });
  const verifier = createChatVerifier({
    audienceType: config.GOOGLE_CHAT_AUDIENCE_TYPE,
    audience: config.GOOGLE_CHAT_AUDIENCE!,
    addonProjectNumber: config.GOOGLE_CHAT_PROJECT_NUMBER,
    certsUrl: config.GOOGLE_CHAT_CERTS_URL,
  });
  return { gateway, router: gchatRouter(verifier, { services, cards, api, log, waitMs: CARD_WAIT_MS }, log) };
}
