/**
 * A generic ticket webhook connector and signed deliveries to it (POST /api/webhooks/tickets), the
 * way a helpdesk forwards a new ticket: what wakes an alert snoozed "until the customer replies".
 */
import { expect } from '@jest/globals';
import { signGenericWebhook } from '../../src/connectors/webhook/index.js';

interface Api {
  post(path: string, body: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface TicketWebhook {
  /** Posts one new ticket from `organizationId` (a customer's external id); returns the HTTP status. */
  ticket(id: string, organizationId: string): Promise<number>;
}

export async function ticketWebhook(appUrl: string, api: Api, secret: string): Promise<TicketWebhook> {
  const r = await api.post('/api/v1/connectors', {
    platform: 'webhook',
    credentials: {},
    syncMode: 'webhook',
    webhookSecret: secret,
  });
  expect(r.status).toBe(201);
  const connectorId = r.body.id as string;
  return {
    async ticket(id, organizationId) {
      const now = new Date().toISOString();
      const raw = JSON.stringify({
        deliveryId: `d-${id}`,
        tickets: [
          {
            id,
            subject: 'Question about our plan',
            body: 'Hello, thanks for reaching out. We will look at the seats next week. Kind regards.',
            organizationId,
            createdAt: now,
            updatedAt: now,
          },
        ],
      });
      const res = await fetch(`${appUrl}/api/webhooks/tickets?connectorId=${connectorId}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signGenericWebhook(secret, raw, Math.floor(Date.now() / 1000)),
        },
        body: raw,
      });
      await res.text();
      return res.status;
    },
  };
}
