/**
 * /whatsapp/webhook: the GET verification handshake, X-Hub-Signature-256 on the raw body (401 and
 * no effect otherwise), message de-duplication and keyword commands, against the fake Graph API.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../../helpers/app.js';
import { sentText } from '../../fakes/whatsapp-graph.js';
import { NUMBERS, sign, startWhatsAppWorld, VERIFY_TOKEN, type WhatsAppWorld } from './world.js';

let w: WhatsAppWorld;
beforeAll(async () => {
  w = await startWhatsAppWorld();
  // Start-up (a fresh database and the whole product) can be slow on a loaded CI machine.
}, 180_000);
afterAll(async () => {
  await w?.close();
});

describe('WhatsApp webhook', () => {
  it('echoes hub.challenge for the right verify token and answers 403 otherwise', async () => {
    const q = (token: string) =>
      `${w.app.url}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
    const ok = await fetch(q(VERIFY_TOKEN));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(q('wrong'))).status).toBe(403);
    expect(
      (
        await fetch(
          `${w.app.url}/whatsapp/webhook?hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
        )
      ).status,
    ).toBe(403);
  });

  it('refuses a bad or missing signature with 401 and does nothing', async () => {
    const body = w.payload('text', 'csm-1', { text: 'help' });
    const raw = JSON.stringify(body);
    expect((await w.post(raw, null)).status).toBe(401);
    expect((await w.post(raw, sign(raw, 'another-secret'))).status).toBe(401);
    expect((await w.post(raw, sign(`${raw} `))).status).toBe(401); // signature of other bytes
    expect((await w.post(raw, 'sha256=zz')).status).toBe(401);
    expect(w.chat('csm-1')).toHaveLength(0);
    const conv = await w.app.services.findConversation('whatsapp', NUMBERS['csm-1']!);
    expect(conv).toBeNull();
  });

  it('answers a keyword command once, even when Meta delivers the message twice', async () => {
    const body = w.payload('text', 'csm-1', { text: 'help' });
    w.graph.userWrote(NUMBERS['csm-1']!);
    expect((await w.post(body)).status).toBe(200);
    expect((await w.post(body)).status).toBe(200);
    const msgs = w.chat('csm-1');
    expect(msgs).toHaveLength(1);
    expect(sentText(msgs[0]!)).toContain('customer <name>');
    expect(sentText(msgs[0]!)).not.toContain('`'); // Slack-style code marks are dropped
    // The message opened the 24-hour window: last_inbound_at is stored.
    const conv = await w.app.services.findConversation('whatsapp', NUMBERS['csm-1']!);
    expect(conv).toMatchObject({ personId: w.team.personIds['csm-1'], workspaceId: w.team.workspaceId });
    expect(conv!.lastInboundAt).toBeInstanceOf(Date);
  });

  it("answers 500 when handling fails, and handles Meta's retry of the same message", async () => {
    const body = w.payload('text', 'mgr-1', { text: 'help' });
    w.graph.userWrote(NUMBERS['mgr-1']!);
    // The reply is refused for good (undeliverable): handling fails, nothing was answered.
    w.graph.failNext(1, 131026, { to: NUMBERS['mgr-1'] });
    expect((await w.post(body)).status).toBe(500);
    expect(w.chat('mgr-1')).toHaveLength(0);
    // Meta retries the same delivery: it is not mistaken for a duplicate.
    expect((await w.post(body)).status).toBe(200);
    const msgs = w.chat('mgr-1');
    expect(msgs).toHaveLength(1);
    expect(sentText(msgs[0]!)).toContain('customer <name>');
    // And a third delivery of it is a duplicate again.
    expect((await w.post(body)).status).toBe(200);
    expect(w.chat('mgr-1')).toHaveLength(1);
  });

  it('answers alerts and customer commands', async () => {
    await w.text('csm-1', 'alerts');
    await w.text('csm-1', 'customer Northwind');
    const texts = w.chat('csm-1').map(sentText);
    expect(texts.some((t) => t.includes('no open alerts'))).toBe(true);
    expect(texts.some((t) => t.includes('Northwind') && t.includes('tier platinum'))).toBe(true);
  });

  it('tells an unknown number how to get access, and stores nothing', async () => {
    const stranger = '15551234567';
    w.graph.userWrote(stranger);
    const r = await w.post(w.payload('text', stranger, { text: 'hi' }));
    expect(r.status).toBe(200);
    const got = await eventually(async () => w.graph.to(stranger)[0]);
    expect(sentText(got)).toContain("don't recognise this WhatsApp number");
    expect(await w.app.services.findConversation('whatsapp', stranger)).toBeNull();
  });

  it('ignores payloads for another phone number and non-WhatsApp objects', async () => {
    const other = w.payload('text', 'csm-2', { text: 'help', phoneNumberId: '999' });
    expect((await w.post(other)).status).toBe(200);
    expect((await w.post({ object: 'page', entry: [] })).status).toBe(200);
    expect(w.chat('csm-2')).toHaveLength(0);
  });
});
