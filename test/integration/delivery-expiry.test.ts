/**
 * Issue 21 item 4: a message queued for longer than the workspace's `deliveryExpiry` is dropped and
 * written on the alert's timeline as `delivery_expired`, never delivered stale. Through the real
 * outbox and the WhatsApp gateway against the local Graph API fake, which refuses the card
 * with a rate limit (Retry-After 6 s) so the card is still queued after the 5 s expiry.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../helpers/app.js';
import { sentText } from '../fakes/whatsapp-graph.js';
import { NUMBERS, startWhatsAppWorld, type WhatsAppWorld } from './whatsapp/world.js';

let w: WhatsAppWorld;
beforeAll(async () => {
  w = await startWhatsAppWorld({ deliveryExpiry: '5s' });
  w.graph.userWrote(NUMBERS['csm-1']!);
}, 120_000);
afterAll(async () => {
  await w?.close();
});

const alertOf = async (customerExternalId: string) =>
  ((await w.team.api.get('/api/v1/alerts')).body.alerts as { id: string; customerExternalId: string }[]).find(
    (a) => a.customerExternalId === customerExternalId,
  )!.id;

describe('delivery expiry', () => {
  it('is a validated workspace setting with a 24h default', async () => {
    const bad = await w.team.api.patch('/api/v1/settings', { deliveryExpiry: '2s' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('deliveryExpiry');
    expect((await w.team.api.get('/api/v1/settings')).body.deliveryExpiry).toBe('5s');
  });

  it('drops a card still queued after the expiry, records it, and sends the next alert normally', async () => {
    const csm = NUMBERS['csm-1']!;
    // The gateway itself tries a send 3 times (src/bots/whatsapp/graph.ts); then Retry-After: 6 s
    // puts the outbox's next attempt past the 5 s expiry.
    w.graph.failNext(3, 130429, { status: 429, retryAfterSeconds: 6, to: csm });
    expect(
      (await w.team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 99, limit: 100 })).body
        .outcome,
    ).toBe('created');
    const alertId = await alertOf('cust-1');
    const dbg = async () =>
      JSON.stringify({
        d: (
          await w.app.database.pool.query(
            `SELECT kind, status, attempts, last_error, created_at, next_attempt_at FROM deliveries WHERE alert_id = $1`,
            [alertId],
          )
        ).rows,
        t: await w.timeline(alertId),
        sent: w.graph.sent.map((m) => [m.to, m.type]),
        req: w.graph.requests.map((r) => r.path),
      });
    const expired = await eventually(
      async () => (await w.timeline(alertId)).find((e) => e.kind === 'delivery_expired'),
      30_000,
    ).catch(async (e: Error) => {
      throw new Error(`${e.message}: ${await dbg()}`);
    });
    expect(expired.channel).toBe('whatsapp');
    expect(expired.details.reason).toMatch(/longer than the delivery expiry \(5s\)/);
    const rows = (
      await w.app.database.pool.query(
        `SELECT status FROM deliveries WHERE alert_id = $1 AND kind = 'post_card'`,
        [alertId],
      )
    ).rows;
    expect(rows).toEqual([{ status: 'expired' }]);
    await new Promise((r) => setTimeout(r, 1500));
    // WhatsApp accepted nothing about it: both tries were refused, the third never made.
    expect(w.graph.to(csm).filter((m) => sentText(m).includes('Northwind'))).toHaveLength(0);

    // Once the platform answers again, a new alert goes out at once.
    expect(
      (await w.team.api.post('/api/v1/usage', { customerExternalId: 'cust-2', used: 99, limit: 100 })).body
        .outcome,
    ).toBe('created');
    await eventually(async () => w.graph.to(csm).some((m) => sentText(m).includes('Globex')), 30_000).catch(
      async (e: Error) => {
        const d = (
          await w.app.database.pool.query(
            `SELECT alert_id, kind, status, attempts, last_error FROM deliveries`,
          )
        ).rows;
        throw new Error(
          `${e.message}: ${JSON.stringify({ d, sent: w.graph.sent.map((m) => [m.to, m.type, sentText(m).slice(0, 60)]) })}`,
        );
      },
    );
    expect((await w.timeline(await alertOf('cust-2'))).some((e) => e.kind === 'delivery_expired')).toBe(
      false,
    );
  });

  it('drops a new card for an alert resolved while the card was still queued', async () => {
    const csm = NUMBERS['csm-2']!;
    w.graph.userWrote(csm);
    w.graph.failNext(3, 130429, { status: 429, retryAfterSeconds: 2, to: csm });
    expect(
      (await w.team.api.post('/api/v1/usage', { customerExternalId: 'cust-3', used: 99, limit: 100 })).body
        .outcome,
    ).toBe('created');
    const alertId = await alertOf('cust-3');
    // Resolved from the API while the platform refuses the card.
    const resolved = await w.team.api.post(`/api/v1/alerts/${alertId}/actions`, {
      action: 'resolve',
      actorExternalId: 'csm-2',
    });
    expect(resolved.status).toBe(200);
    const expired = await eventually(
      async () => (await w.timeline(alertId)).find((e) => e.kind === 'delivery_expired'),
      30_000,
    );
    expect(expired.details.reason).toBe('the alert was resolved before this card could be sent');
    await new Promise((r) => setTimeout(r, 1000));
    expect(w.graph.to(csm).filter((m) => sentText(m).includes('Hooli'))).toHaveLength(0);
  });
});
