/**
 * The escalation scenario over WhatsApp: inside the 24-hour window (list card → Acknowledge from
 * the list → escalation to the manager → Resolve by a quoted reply → final cards), and starting
 * outside it (template first; its button acts; the full card follows the reply), plus the 131047
 * fallback and delivery statuses on the timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, sleep } from '../../helpers/app.js';
import { listRows, sentText, type SentMessage } from '../../fakes/whatsapp-graph.js';
import { NUMBERS, startWhatsAppWorld, type WhatsAppWorld } from './world.js';

let w: WhatsAppWorld;
beforeAll(async () => {
  w = await startWhatsAppWorld({
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '3s' },
      { role: 'vp_cs', after: '60s' },
    ],
    ackTimeout: '2s',
    cooldown: '1h',
  });
  // Start-up (a fresh database and the whole product) can be slow on a loaded CI machine.
}, 180_000);
afterAll(async () => {
  await w?.close();
});

const cards = (ext: string) => w.chat(ext).filter((m) => m.type === 'interactive' && listRows(m).length);
const rowId = (m: SentMessage, title: string) => listRows(m).find((r) => r.title === title)?.id;

describe('inside the 24-hour window', () => {
  it('sends the card as a list, acts from it, escalates, resolves by a quoted reply', async () => {
    await w.text('csm-1', 'hi');
    await w.text('mgr-1', 'hi');
    const usage = await w.team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 86,
      limit: 100,
      metric: 'seats',
    });
    expect(usage.body.outcome).toBe('created');
    const samCard = await eventually(async () => cards('csm-1')[0]);
    const text = sentText(samCard);
    expect(text).toContain('Northwind');
    expect(text).toContain('Expansion Opportunity');
    expect(text).toContain('86%');
    expect(listRows(samCard).map((r) => r.title)).toEqual([
      'Acknowledge',
      'Log Call',
      'Schedule Follow-up',
      'Reassign',
      'Snooze…',
      'Mark Resolved',
      'Escalate now',
      "Decline / can't take it",
    ]);
    const alertId = (await w.team.api.get('/api/v1/alerts?status=open')).body.alerts[0].id as string;
    expect(rowId(samCard, 'Acknowledge')).toMatch(new RegExp(`^fa\\|${alertId}\\|acknowledge\\|\\d+$`));

    // Delivery statuses land on the timeline (out of order: read before delivered is kept as read).
    expect((await w.status(samCard.id, 'sent')).status).toBe(200);
    await w.status(samCard.id, 'read');
    await w.status(samCard.id, 'delivered');
    const kinds = (await w.timeline(alertId)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['message_sent', 'message_read']));
    expect(kinds).not.toContain('message_delivered');

    // Acknowledge from the list (a list_reply whose context is the card).
    expect(
      (await w.listReply('csm-1', rowId(samCard, 'Acknowledge')!, samCard.id, 'Acknowledge')).status,
    ).toBe(200);
    await eventually(async () =>
      w
        .chat('csm-1')
        .some((m) => m.type === 'text' && m.quotes === samCard.id && /acknowledged/i.test(sentText(m))),
    );
    // The updated card follows, quoting the first one (WhatsApp cannot edit a message).
    const updated = await eventually(async () =>
      cards('csm-1').find((m) => m.quotes === samCard.id && sentText(m).includes('Acknowledged')),
    );
    expect(rowId(updated, 'Acknowledge')).toBeUndefined();
    expect((await w.timeline(alertId)).map((e) => e.kind)).toContain('acknowledged');

    // Ack timeout (2 s) → escalation resumes → the manager gets their own card.
    const danaCard = await eventually(async () => cards('mgr-1')[0], 15_000);
    expect(sentText(danaCard)).toContain('Northwind');
    await eventually(async () =>
      w
        .chat('csm-1')
        .some((m) => m.quotes === samCard.id && sentText(m).includes('Escalated to Dana Manager')),
    );

    // The manager resolves by replying "resolve" to their card (a quoted reply acts on its alert).
    await w.text('mgr-1', 'resolve', danaCard.id);
    for (const [ext, root] of [
      ['csm-1', samCard],
      ['mgr-1', danaCard],
    ] as const) {
      await eventually(async () =>
        w
          .chat(ext)
          .some(
            (m) =>
              m.quotes === root.id && m.type === 'text' && sentText(m).includes('Resolved by Dana Manager'),
          ),
      );
    }
    expect((await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.status).toBe('resolved');
    // The final card (no actions left, so a text) follows in both chats, quoting the first card.
    for (const [ext, root] of [
      ['csm-1', samCard],
      ['mgr-1', danaCard],
    ] as const) {
      await eventually(async () =>
        w
          .chat(ext)
          .some((m) => m.quotes === root.id && m.type === 'text' && sentText(m).includes('✅ Resolved')),
      );
    }
    // Hard stop: nothing new after Resolve (a queued update may still re-send a card, always final).
    const before = w.graph.sent.length;
    await sleep(1500);
    for (const m of w.graph.sent.slice(before)) expect(sentText(m)).toContain('Resolved by Dana Manager');
    expect(w.graph.sent.slice(before).filter((m) => m.type !== 'text')).toEqual([]);
    expect(w.graph.violations).toEqual([]);
  });
});

describe('outside the 24-hour window', () => {
  it('sends the approved template; its button acts and the full card follows', async () => {
    // Alex (csm-2) has never written: only a template may reach him.
    await w.team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-3',
      used: 90,
      limit: 100,
      metric: 'seats',
    });
    const tpl = await eventually(async () => w.chat('csm-2').find((m) => m.type === 'template'));
    const t = tpl.body.template as {
      name: string;
      language: { code: string };
      components: { type: string; parameters: { payload?: string; text?: string }[] }[];
    };
    expect(t.name).toBe('fincelo_alert');
    expect(t.language.code).toBe('en');
    const body = t.components.find((c) => c.type === 'body')!;
    expect(body.parameters).toHaveLength(2);
    expect(body.parameters[1]!.text).toContain('Hooli');
    const payloads = t.components.filter((c) => c.type === 'button').map((c) => c.parameters[0]!.payload!);
    expect(payloads).toHaveLength(3);
    const alertId = /^fa\|([^|]+)\|acknowledge\|\d+$/.exec(payloads[0]!)![1]!;
    expect(payloads[2]).toBe(`fo|${alertId}`);
    expect(cards('csm-2')).toHaveLength(0);

    // "Acknowledge" on the template (type "button") acts like the list; the fresh card follows.
    expect((await w.templateButton('csm-2', payloads[0]!, tpl.id, 'Acknowledge')).status).toBe(200);
    const card = await eventually(async () => cards('csm-2').find((m) => m.quotes === tpl.id));
    expect(sentText(card)).toContain('Acknowledged');
    expect((await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.status).toBe('acknowledged');
    expect(w.graph.violations).toEqual([]);
  });

  it('falls back to the template when WhatsApp refuses with 131047, and says so on the timeline', async () => {
    // Sam wrote within 24 h by our records, but WhatsApp refuses the interactive message.
    await w.text('csm-1', 'hi again');
    w.graph.failNext(1, 131047, { to: NUMBERS['csm-1'], type: 'interactive' });
    await w.team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-2',
      used: 80,
      limit: 100,
      metric: 'seats',
    });
    const tpl = await eventually(async () =>
      w.chat('csm-1').find((m) => m.type === 'template' && JSON.stringify(m.body).includes('Globex')),
    );
    const alertId = (await w.team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
      (a: { customerName?: string; customer?: { name: string } }) => JSON.stringify(a).includes('Globex'),
    ).id as string;
    const tl = await w.timeline(alertId);
    expect(tl.find((e) => e.kind === 'whatsapp_template_fallback')).toMatchObject({
      channel: 'whatsapp',
      details: expect.objectContaining({ messageId: tpl.id }),
    });
    // "Open" asks for the full card.
    const open = (
      tpl.body.template as { components: { type: string; parameters: { payload: string }[] }[] }
    ).components.filter((c) => c.type === 'button')[2]!.parameters[0]!.payload;
    await w.templateButton('csm-1', open, tpl.id, 'Open');
    const card = await eventually(async () => cards('csm-1').find((m) => m.quotes === tpl.id));
    expect(sentText(card)).toContain('Globex');
  });
});

describe('131047 reported later in a failed status', () => {
  it('sends the template then, once, and notes it on the timeline', async () => {
    await w.text('csm-2', 'hello');
    await w.team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-orphan',
      used: 95,
      limit: 100,
      metric: 'seats',
    });
    // Orphan Inc belongs to "outsider"; hand it to Alex through the API and look for his card.
    const alerts = (await w.team.api.get('/api/v1/alerts?status=open')).body.alerts as {
      id: string;
      customerName: string;
    }[];
    const orphan = alerts.find((a) => a.customerName === 'Orphan Inc')!;
    await w.team.api.post(`/api/v1/alerts/${orphan.id}/actions`, {
      action: 'reassign',
      actorExternalId: 'admin-1',
      toPersonExternalId: 'csm-2',
    });
    const card = await eventually(async () =>
      w.chat('csm-2').find((m) => listRows(m).length && sentText(m).includes('Orphan Inc')),
    );
    const failed = [
      { code: 131047, title: 'Re-engagement message', error_data: { details: 'More than 24 hours' } },
    ];
    const p = w.payload('status', 'csm-2', { messageId: card.id, status: 'failed' });
    const v = ((p.entry as Record<string, unknown>[])[0]!.changes as Record<string, unknown>[])[0]!.value as {
      statuses: Record<string, unknown>[];
    };
    v.statuses[0]!.errors = failed;
    expect((await w.post(p)).status).toBe(200);
    expect((await w.post(p)).status).toBe(200); // redelivered: still one template
    const tpls = w
      .chat('csm-2')
      .filter((m) => m.type === 'template' && JSON.stringify(m.body).includes('Orphan'));
    expect(tpls).toHaveLength(1);
    const tl = await w.timeline(orphan.id);
    expect(tl.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['message_failed', 'whatsapp_template_fallback']),
    );
  });
});
