/**
 * Issue 21 item 2 on WhatsApp, which cannot edit a message: readings the open alert absorbs send
 * nothing (each would be a new, billed message); the next message about the alert — here the card
 * after an Acknowledge — carries the count and the latest value.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, sleep } from '../../helpers/app.js';
import { sentText } from '../../fakes/whatsapp-graph.js';
import { NUMBERS, startWhatsAppWorld, type WhatsAppWorld } from './world.js';

let w: WhatsAppWorld;
beforeAll(async () => {
  w = await startWhatsAppWorld({
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '1h' },
    ],
    cooldown: '1h',
  });
  w.graph.userWrote(NUMBERS['csm-1']!);
}, 120_000);
afterAll(async () => {
  await w?.close();
});

const reading = (used: number) =>
  w.team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used, limit: 100, metric: 'seats' });

describe('visible suppression on WhatsApp', () => {
  it('sends nothing per absorbed reading; the next card shows the count', async () => {
    const csm = NUMBERS['csm-1']!;
    expect((await w.text('csm-1', 'hi')).status).toBe(200); // the 24-hour window opens
    expect((await reading(86)).body.outcome).toBe('created');
    await eventually(async () =>
      w.graph.to(csm).some((m) => m.type === 'interactive' && sentText(m).includes('Northwind')),
    );
    const sent = w.graph.to(csm).length;
    for (const used of [90, 93, 97]) expect((await reading(used)).body.outcome).toBe('updated');
    await sleep(1500);
    expect(w.graph.to(csm)).toHaveLength(sent);

    const alertId = (await w.team.api.get('/api/v1/alerts')).body.alerts[0].id as string;
    expect((await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.suppressedCount).toBe(3);
    const ack = await w.team.api.post(`/api/v1/alerts/${alertId}/actions`, {
      action: 'acknowledge',
      actorExternalId: 'csm-1',
    });
    expect(ack.status).toBe(200);
    const card = await eventually(async () =>
      w.graph
        .to(csm)
        .slice(sent)
        .find((m) => sentText(m).includes('more readings')),
    );
    expect(sentText(card)).toContain('3 more readings over threshold since this card was sent, latest 97%');
  });
});
