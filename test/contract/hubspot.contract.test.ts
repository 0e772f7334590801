import { randomInt } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import { hubspot } from '../../src/connectors/hubspot/index.js';
import {
  FAKE_PORTAL_ID,
  signHubSpotV3,
  startFakeHubSpot,
  type FakeHubSpot,
} from '../fakes/helpdesks/hubspot.js';
import { ticketSourceContract } from './ticket-source.js';

let fake: FakeHubSpot;

/**
 * HubSpot's v3 signature covers the full request URL, which the contract's `webhook()` does not
 * receive (it is `…/api/webhooks/tickets?connectorId=<id>`, known only once connected). So the
 * harness marks the delivery and this file signs it at send time with the URL actually called,
 * exactly as HubSpot would; every other request passes through untouched.
 */
const MARK = 'x-test-hubspot-sign';
const realFetch = globalThis.fetch;
beforeAll(() => {
  globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const h = new Headers(init?.headers);
    const mark = h.get(MARK);
    if (!mark) return realFetch(input, init);
    const { secret, at } = JSON.parse(mark) as { secret: string; at: number };
    h.delete(MARK);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    for (const [k, v] of Object.entries(
      signHubSpotV3(secret, init?.method ?? 'GET', url, String(init?.body ?? ''), at),
    ))
      h.set(k, v);
    return realFetch(input, { ...init, headers: h });
  }) as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

const signLater = (secret: string, at: Date) => ({ [MARK]: JSON.stringify({ secret, at: at.getTime() }) });

ticketSourceContract({
  platform: hubspot,
  polls: true,
  start: async () => void (fake = await startFakeHubSpot()),
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
  // v3 signs X-HubSpot-Request-Timestamp; older than 5 minutes is refused.
  signsTimestamp: true,
  // The app's client secret (private app → Webhooks), pasted by the admin.
  pastedSecret: 'hubspot-client-secret-0123456789abcdef',
  webhook: (id, secret, at) => {
    const body = JSON.stringify([
      {
        eventId: randomInt(1, 2 ** 31),
        subscriptionId: 2413637,
        portalId: FAKE_PORTAL_ID,
        appId: 1160452,
        occurredAt: at.getTime(),
        subscriptionType: 'ticket.propertyChange',
        attemptNumber: 0,
        objectId: id,
        propertyName: 'hs_pipeline_stage',
        propertyValue: '2',
        changeSource: 'CRM_UI',
        sourceId: 'userId:1234',
      },
    ]);
    return { body, headers: signLater(secret, at) };
  },
  malformedWebhook: (secret, at) => {
    const body = JSON.stringify({ eventId: 1, subscriptionType: 'ticket.creation', objectId: 5 });
    return { body, headers: signLater(secret, at) };
  },
});
