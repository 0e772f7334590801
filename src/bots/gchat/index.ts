import type { ChannelModule } from '../registry.js';

/**
 * Google Chat as an HTTP Chat app: inbound POST /gchat/events (bearer token verified), outbound
 * through the Chat API as the app (service account, chat.bot scope). Configured only with both a
 * key and the authentication audience: without the audience no request could be verified.
 */
export const gchatModule: ChannelModule = {
  channel: 'gchat',
  configured: (config) =>
    Boolean(config.GOOGLE_CHAT_SERVICE_ACCOUNT_FILE || config.GOOGLE_CHAT_SERVICE_ACCOUNT_JSON) &&
    Boolean(config.GOOGLE_CHAT_AUDIENCE),
  async create(ctx) {
    const { createGchatRuntime } = await import('./runtime.js');
    return createGchatRuntime(ctx);
  },
};
