import { signGenericWebhook, webhook } from '../../src/connectors/webhook/index.js';
import { ticketSourceContract } from './ticket-source.js';

/** The generic signed webhook has no API to poll: only the webhook half of the contract applies. */
ticketSourceContract({
  platform: webhook,
  polls: false,
  start: async () => undefined,
  stop: async () => undefined,
  baseUrl: () => 'http://127.0.0.1:9',
  credentials: () => ({}),
  seed: () => undefined,
  change: () => undefined,
  calls: () => [],
  throttleNext: () => undefined,
  setExpired: () => undefined,
  tokenField: '',
  signsTimestamp: true,
  pastedSecret: 'a-secret-the-sender-and-we-share',
  webhook: (id, secret, at) => {
    const body = JSON.stringify({
      deliveryId: `delivery-${id}`,
      tickets: [
        {
          id: String(id),
          subject: `Ticket ${id}`,
          bodyHtml: `<p>Problem <b>${id}</b></p>`,
          status: 'open',
          requesterEmail: `user${id}@northwind.example`,
          organization: 'Northwind',
          updatedAt: '2026-11-20T10:00:00Z',
        },
      ],
    });
    return { body, headers: signGenericWebhook(secret, body, Math.floor(at.getTime() / 1000)) };
  },
  malformedWebhook: (secret, at) => {
    const body = JSON.stringify({ tickets: [{ subject: 'no id' }] });
    return { body, headers: signGenericWebhook(secret, body, Math.floor(at.getTime() / 1000)) };
  },
});
