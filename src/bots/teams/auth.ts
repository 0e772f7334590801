import type { AuthConfiguration } from '@microsoft/agents-hosting';
import type { Config } from '../../config.js';

/** The SDK's name for its default connection (DEFAULT_CONNECTION in @microsoft/agents-hosting). */
const CONNECTION = 'serviceConnection';

/** A Teams configuration problem, written for whoever starts the process. */
export class TeamsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TeamsConfigError';
  }
}

/**
 * Maps the product's MICROSOFT_* variables to the Agents SDK's connection settings — what the SDK
 * reads from MicrosoftAppId / MicrosoftAppPassword / MicrosoftAppTenantId (its `clientId`,
 * `clientSecret`, `tenantId`). The connection is passed explicitly so stray `Connections__*` or
 * `clientId` variables in the environment cannot change which app the bot runs as.
 *
 * Multi-tenant bot creation in Azure is deprecated (learn.microsoft.com/azure/bot-service/
 * abs-quickstart), so an app id needs its tenant. With no app id (TEAMS_ANONYMOUS=on) the
 * connection is empty: the SDK then accepts unauthenticated requests and sends no token, and
 * refuses that outright when NODE_ENV=production.
 */
export function teamsAuthConfig(config: Config, env: NodeJS.ProcessEnv = process.env): AuthConfiguration {
  if (!config.MICROSOFT_APP_ID) {
    if (env.NODE_ENV?.toLowerCase() === 'production')
      throw new TeamsConfigError(
        'TEAMS_ANONYMOUS=on is for local development and is refused when NODE_ENV=production: set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID.',
      );
    return connections({});
  }
  const missing = (['MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID'] as const).filter((k) => !config[k]);
  if (missing.length)
    throw new TeamsConfigError(
      `MICROSOFT_APP_ID is set but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not: a single-tenant Azure Bot needs its client secret and its directory (tenant) id. See manifests/teams/README.md.`,
    );
  return connections({
    clientId: config.MICROSOFT_APP_ID,
    clientSecret: config.MICROSOFT_APP_PASSWORD,
    tenantId: config.MICROSOFT_APP_TENANT_ID,
    ...(config.MICROSOFT_APP_AUTHORITY ? { authorityEndpoint: config.MICROSOFT_APP_AUTHORITY } : {}),
    // Reject tokens whose issuer is neither Azure Bot Service nor our tenant.
    validateIssuer: true,
  });
}

function connections(settings: AuthConfiguration): AuthConfiguration {
  return {
    ...settings,
    connections: new Map([[CONNECTION, settings]]),
    connectionsMap: [{ serviceUrl: '*', connection: CONNECTION }],
  };
}
