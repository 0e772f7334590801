import type { ChannelModule } from '../registry.js';

/**
 * Microsoft Teams through the Microsoft 365 Agents SDK (@microsoft/agents-hosting), botbuilder's
 * maintained successor. The SDK (MSAL, JWT validation) is loaded only when Teams is configured.
 */
export const teamsModule: ChannelModule = {
  channel: 'teams',
  configured: (config) => Boolean(config.MICROSOFT_APP_ID) || config.TEAMS_ANONYMOUS === 'on',
  async create(ctx) {
    const { createTeamsRuntime } = await import('./runtime.js');
    return createTeamsRuntime(ctx);
  },
};
