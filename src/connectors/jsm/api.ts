import { ConnectorError } from '../runtime/errors.js';
import type { HttpResponse } from '../types.js';

/**
 * An API answer the sync cannot use becomes a ConnectorError written for the admin who reads it in
 * the connector's status: what Jira said and what to do. The runtime has already retried 429/5xx.
 */
export function expectOk(res: HttpResponse, what: string): Record<string, unknown> {
  if (res.status >= 200 && res.status < 300) {
    return res.body && typeof res.body === 'object' ? (res.body as Record<string, unknown>) : {};
  }
  const code =
    res.status === 401
      ? 'auth'
      : res.status === 403
        ? 'permission'
        : res.status === 404
          ? 'config'
          : 'bad_response';
  const field =
    res.status === 401 ? 'apiToken' : res.status === 403 ? 'email' : res.status === 404 ? 'subdomain' : null;
  throw new ConnectorError(`${what}: ${explain(res)}`, code, field);
}

function explain(res: HttpResponse): string {
  switch (res.status) {
    case 401:
      return 'Jira answered 401 — the API token (apiToken) is invalid, expired or revoked. Create a new token at id.atlassian.com → Security → API tokens and update the connector.';
    case 403:
      return "Jira answered 403 — the connector's user (email) lost access. Give it Browse projects permission on the service projects.";
    case 404:
      return 'Jira answered 404 — check the site (subdomain: the part before .atlassian.net).';
    case 429:
      return 'Jira kept answering 429 (rate limited) after retries; the next sync continues from the saved position.';
    default:
      return `Jira answered ${res.status}${detail(res.body)}.`;
  }
}

/** Jira's error body: {errorMessages: string[], errors: {field: message}}. */
function detail(body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const b = body as { errorMessages?: unknown; errors?: unknown };
  const msgs = Array.isArray(b.errorMessages) ? b.errorMessages.filter((m) => typeof m === 'string') : [];
  if (b.errors && typeof b.errors === 'object') msgs.push(...Object.values(b.errors).map(String));
  return msgs.length ? `: ${msgs.join('; ').slice(0, 300)}` : '';
}
