/**
 * The WhatsApp cost guard (issue 21 item 7): a workspace's monthly message cap on a channel
 * (`channelCaps`). Once this month's WhatsApp messages reach it, a new card goes to the person's
 * other channel (here the playground, the one they have besides WhatsApp), a thread update on
 * WhatsApp is dropped and recorded, and the admins are told once — on their other channel too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, sleep } from '../../helpers/app.js';
import { listRows, sentText } from '../../fakes/whatsapp-graph.js';
import { startWhatsAppWorld, type WhatsAppWorld } from './world.js';

let w: WhatsAppWorld;
let cap = 0;
const customers = ['Acme', 'Brightside', 'Corvid', 'Dunmore'];

const playground = async (ext: string) => {
  const res = await fetch(`${w.app.url}/playground/api/messages?personId=${w.team.personIds[ext]}`);
  return ((await res.json()) as { messages: { card: unknown; text: string | null }[] }).messages.map(
    (m) => `${m.text ?? ''} ${JSON.stringify(m.card ?? '')}`,
  );
};
const onWhatsApp = () => w.graph.sent.length;
const alertOf = async (name: string) => {
  const a = (await w.team.api.get('/api/v1/alerts')).body.alerts.find(
    (x: { customerName?: string; customerExternalId: string }) => x.customerExternalId === `cg-${name}`,
  );
  return (await w.team.api.get(`/api/v1/alerts/${a.id}`)).body;
};
async function raise(name: string) {
  const r = await w.team.api.post('/api/v1/usage', {
    customerExternalId: `cg-${name}`,
    used: 97,
    limit: 100,
  });
  expect(r.body.outcome).toBe('created');
}

beforeAll(async () => {
  w = await startWhatsAppWorld({ cooldown: '1h' });
  const c = await w.team.api.post(
    '/api/v1/customers',
    customers.map((name) => ({ externalId: `cg-${name}`, name, tier: 'average', csmExternalId: 'csm-1' })),
  );
  expect(c.status).toBe(200);
  await w.text('csm-1', 'hi');
  await raise('Acme');
  await eventually(async () =>
    w.chat('csm-1').find((m) => listRows(m).length && sentText(m).includes('Acme')),
  );
  // The cap: what this month has sent so far, plus one — the next card reaches it.
  cap = onWhatsApp() + 1;
  const s = await w.team.api.patch('/api/v1/settings', { channelCaps: { whatsapp: { monthlyCap: cap } } });
  expect(s.status).toBe(200);
});
afterAll(async () => {
  await w?.close();
});

describe('monthly WhatsApp cap', () => {
  it('sends on WhatsApp until the cap, then the card goes to the person’s other channel', async () => {
    await raise('Brightside');
    await eventually(async () => w.chat('csm-1').some((m) => sentText(m).includes('Brightside')));
    expect(onWhatsApp()).toBe(cap);
    await raise('Corvid');
    await eventually(async () => (await playground('csm-1')).some((t) => t.includes('Corvid')));
    expect(w.chat('csm-1').some((m) => sentText(m).includes('Corvid'))).toBe(false);
    const corvid = await alertOf('Corvid');
    const rerouted = corvid.timeline.find((e: { kind: string }) => e.kind === 'delivery_rerouted');
    expect(rerouted).toBeTruthy();
    expect(rerouted.details.to).toBe('playground');
    expect(rerouted.details.reason).toContain(`monthly whatsapp cap of ${cap} messages`);
  });

  it('tells the admins once, on their other channel, not on WhatsApp', async () => {
    const notice = await eventually(async () =>
      (await playground('admin-1')).find((t) => t.includes('monthly whatsapp cap')),
    );
    expect(notice).toContain(String(cap));
    await raise('Dunmore');
    await eventually(async () => (await playground('csm-1')).some((t) => t.includes('Dunmore')));
    await sleep(300);
    expect((await playground('admin-1')).filter((t) => t.includes('monthly whatsapp cap'))).toHaveLength(1);
    expect(w.chat('admin-1').some((m) => sentText(m).includes('cap'))).toBe(false);
    expect(onWhatsApp()).toBe(cap);
  });

  it('drops a WhatsApp thread update past the cap and records why', async () => {
    const acme = await alertOf('Acme');
    const r = await w.team.api.post(`/api/v1/alerts/${acme.id}/actions`, {
      action: 'resolve',
      actorExternalId: 'csm-1',
    });
    expect(r.status).toBe(200);
    await eventually(async () =>
      (await alertOf('Acme')).timeline.some((e: { kind: string }) => e.kind === 'delivery_capped'),
    );
    expect(onWhatsApp()).toBe(cap);
  });

  it('sends on WhatsApp again once the cap is raised', async () => {
    expect(
      (await w.team.api.patch('/api/v1/settings', { channelCaps: { whatsapp: { monthlyCap: cap + 50 } } }))
        .status,
    ).toBe(200);
    const r = await w.team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 97, limit: 100 });
    expect(r.body.outcome).toBe('created');
    await eventually(async () => w.chat('csm-1').some((m) => sentText(m).includes('Northwind')));
  });

  it('refuses a cap on an unknown channel or below one message, naming the field', async () => {
    const bad = await w.team.api.patch('/api/v1/settings', {
      channelCaps: { sms: { monthlyCap: 5 }, whatsapp: { monthlyCap: 0 } },
    });
    expect(bad.status).toBe(400);
    const text = JSON.stringify(bad.body);
    expect(text).toContain('channelCaps.sms');
    expect(text).toContain('channelCaps.whatsapp.monthlyCap');
    const s = (await w.team.api.get('/api/v1/settings')).body;
    expect((s.settings ?? s).channelCaps).toEqual({ whatsapp: { monthlyCap: cap + 50 } });
  });
});
