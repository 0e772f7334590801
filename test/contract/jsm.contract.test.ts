import { createHmac, randomUUID } from 'node:crypto';
import { jsm } from '../../src/connectors/jsm/index.js';
import { startFakeJsm, type FakeJsm } from '../fakes/helpdesks/jsm.js';
import { ticketSourceContract } from './ticket-source.js';

let fake: FakeJsm;

/** Jira admin webhooks with a secret: X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>. */
const sign = (secret: string, body: string) => ({
  'x-hub-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  'x-atlassian-webhook-identifier': randomUUID(),
});

ticketSourceContract({
  platform: jsm,
  polls: true,
  start: async () => void (fake = await startFakeJsm()),
  stop: () => fake.close(),
  baseUrl: () => fake.url,
  credentials: () => fake.credentials(),
  setPageSize: (n) => fake.setPageSize(n),
  seed: (from, n) => void fake.seed(from, n),
  change: (ids) => fake.change(ids),
  calls: () => fake.calls,
  throttleNext: (t, s) => fake.rateLimit(t, s),
  setExpired: (e) => fake.setExpired(e),
  tokenField: 'apiToken',
  // Jira signs no timestamp: replays are caught by X-Atlassian-Webhook-Identifier and the upsert.
  signsTimestamp: false,
  // The admin types any secret into System → WebHooks; with none pasted the product generates one.
  pastedSecret: null,
  webhook: (id, secret, at) => {
    const body = JSON.stringify({
      timestamp: at.getTime(),
      webhookEvent: 'jira:issue_updated',
      issue_event_type_name: 'issue_generic',
      user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Acme Support Agent' },
      issue: {
        id: String(id),
        key: `SUP-${id}`,
        self: `${fake.url}/rest/api/3/issue/${id}`,
        fields: { summary: `Request ${id}` },
      },
      changelog: { id: '10001', items: [{ field: 'status', fromString: 'Open', toString: 'In Progress' }] },
    });
    return { body, headers: sign(secret, body) };
  },
  malformedWebhook: (secret) => {
    const body = JSON.stringify({
      timestamp: Date.now(),
      webhookEvent: 'jira:issue_updated',
      issue: { key: 'SUP-1' },
    });
    return { body, headers: sign(secret, body) };
  },
});
