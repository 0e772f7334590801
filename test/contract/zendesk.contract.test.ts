import { randomUUID } from 'node:crypto';
import { zendesk } from '../../src/connectors/zendesk/index.js';
import { FakeZendesk } from '../fakes/helpdesks/zendesk.js';
import { seedTickets } from '../fakes/helpdesks/common.js';
import { ticketSourceContract } from './ticket-source.js';

const fake = new FakeZendesk();

ticketSourceContract({
  platform: zendesk,
  polls: true,
  start: async () => void (await fake.start()),
  stop: () => fake.stop(),
  baseUrl: () => fake.url,
  credentials: () => fake.credentials(),
  setPageSize: (n) => (fake.pageSize = n),
  seed: (from, n) => fake.upsert(seedTickets(n, { startId: from })),
  change: (ids) => fake.change(ids, new Date(Date.now() - 5 * 60_000)),
  calls: () => fake.server.calls,
  throttleNext: (t, s) => fake.server.throttleNext(t, s),
  setExpired: (e) => (fake.server.expired = e),
  tokenField: 'apiToken',
  signsTimestamp: true,
  // Connect registers the webhook on the fake Zendesk and stores the signing secret it returns.
  pastedSecret: null,
  webhook: (id, secret, at) => {
    const body = JSON.stringify({
      type: 'zen:event-type:ticket.created',
      account_id: 1,
      id: randomUUID(),
      time: at.toISOString(),
      zendesk_event_version: '2022-11-06',
      subject: `zen:ticket:${id}`,
      detail: { id: String(id), status: 'OPEN' },
      event: {},
    });
    return { body, headers: FakeZendesk.sign(secret, body, at) };
  },
  malformedWebhook: (secret, at) => {
    const body = JSON.stringify({ type: 'zen:event-type:ticket.created', id: randomUUID(), detail: {} });
    return { body, headers: FakeZendesk.sign(secret, body, at) };
  },
});
