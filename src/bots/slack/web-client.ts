import { webApi } from '@slack/bolt';
import type { WebClient, WebClientOptions } from '@slack/web-api';
import type { Config } from '../../config.js';

/** Web API client options shared by every Slack client of the process (SLACK_API_URL for tests). */
export function slackClientOptions(config: Config): WebClientOptions {
  return {
    ...(config.SLACK_API_URL ? { slackApiUrl: withSlash(config.SLACK_API_URL) } : {}),
    timeout: 10_000,
    // The default policy retries for ~30 minutes (tenRetriesInAboutThirtyMinutes): far too long
    // for a request handler that must answer within 3 s. Two quick retries, then give up.
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 1000 },
  };
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/** Outbound clients, one per bot token. */
export type ClientFor = (token: string) => WebClient;

/**
 * Clients for outbound deliveries. WebClient, when it meets a 429, pauses its whole request
 * queue for Retry-After seconds (@slack/web-api WebClient.makeRequest): every conversation
 * would wait for the one that was limited. So deliveries reject rate-limited calls instead and
 * let the outbox retry that one delivery after Retry-After; other network failures are retried
 * by the outbox too (with backoff), not here.
 */
export function createOutboundClients(config: Config): ClientFor {
  const base = slackClientOptions(config);
  const clients = new Map<string, WebClient>();
  return (token) => {
    let c = clients.get(token);
    if (!c) {
      c = new webApi.WebClient(token, { ...base, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
      clients.set(token, c);
    }
    return c;
  };
}
