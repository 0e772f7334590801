import { freshdesk, FRESHDESK_SECRET_HEADER } from '../../src/connectors/freshdesk/index.js';
import { FakeFreshdesk } from '../fakes/helpdesks/freshdesk.js';
import { seedTickets } from '../fakes/helpdesks/common.js';
import { ticketSourceContract } from './ticket-source.js';

const fake = new FakeFreshdesk();

ticketSourceContract({
  platform: freshdesk,
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
  tokenField: 'apiKey',
  // Freshdesk deliveries are unsigned: a shared-secret header, no timestamp (QUIRKS.md).
  signsTimestamp: false,
  pastedSecret: null,
  webhook: (id, secret) => ({
    body: JSON.stringify({ ticket_id: String(id) }),
    headers: { [FRESHDESK_SECRET_HEADER]: secret },
  }),
  malformedWebhook: (secret) => ({
    body: JSON.stringify({ ticket: 'nope' }),
    headers: { [FRESHDESK_SECRET_HEADER]: secret },
  }),
});
