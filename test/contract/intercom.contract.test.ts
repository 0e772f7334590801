import { createHmac, randomUUID } from 'node:crypto';
import { intercom } from '../../src/connectors/intercom/index.js';
import { FAKE_INTERCOM_APP_ID, startFakeIntercom, type FakeIntercom } from '../fakes/helpdesks/intercom.js';
import { ticketSourceContract } from './ticket-source.js';

let fake: FakeIntercom;

/** Intercom: X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body under the app's client secret>. */
const sign = (secret: string, body: string) => ({
  'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
});

ticketSourceContract({
  platform: intercom,
  polls: true,
  start: async () => void (fake = await startFakeIntercom()),
  stop: () => fake.close(),
  baseUrl: () => fake.url,
  credentials: () => fake.credentials(),
  setPageSize: (n) => fake.setPageSize(n),
  seed: (from, n) => void fake.seed(from, n),
  change: (ids) => fake.change(ids),
  calls: () => fake.calls,
  throttleNext: (t, s) => fake.rateLimit(t, s),
  setExpired: (e) => fake.setExpired(e),
  tokenField: 'accessToken',
  // Intercom signs no timestamp: replays are caught by the notification id and the upsert.
  signsTimestamp: false,
  // The app's client secret (Developer Hub → Basic information), pasted by the admin.
  pastedSecret: 'intercom-client-secret-0123456789abcdef',
  webhook: (id, secret, at) => {
    const c = fake.conversations.get(String(id));
    if (!c) throw new Error(`fake has no conversation ${id}`);
    const body = JSON.stringify({
      type: 'notification_event',
      app_id: FAKE_INTERCOM_APP_ID,
      id: `notif_${randomUUID()}`,
      topic: 'conversation.user.created',
      delivery_status: 'pending',
      delivery_attempts: 1,
      delivered_at: 0,
      first_sent_at: Math.floor(at.getTime() / 1000),
      created_at: Math.floor(at.getTime() / 1000),
      self: null,
      data: { type: 'notification_event_data', item: fake.json(c) },
    });
    return { body, headers: sign(secret, body) };
  },
  malformedWebhook: (secret, at) => {
    const body = JSON.stringify({
      type: 'notification_event',
      id: `notif_${randomUUID()}`,
      topic: 'conversation.user.replied',
      created_at: Math.floor(at.getTime() / 1000),
      data: { type: 'notification_event_data' },
    });
    return { body, headers: sign(secret, body) };
  },
});
