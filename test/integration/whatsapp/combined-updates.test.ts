/**
 * WhatsApp cost guard, combining updates (issue 21 item 7): since October 2026 every service
 * message inside the 24-hour window is billed, and WhatsApp cannot edit a sent card. An action,
 * an escalation or a wake-up used to cost two messages per chat (the reply saying what happened,
 * then the new card); it is now one — what happened above the new card, quoting the first one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, sleep } from '../../helpers/app.js';
import { deliveriesDrained } from '../../helpers/alerts.js';
import { listRows, sentText, type SentMessage } from '../../fakes/whatsapp-graph.js';
import { startWhatsAppWorld, type WhatsAppWorld } from './world.js';

let w: WhatsAppWorld;
beforeAll(async () => {
  w = await startWhatsAppWorld({
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '2s' },
      { role: 'vp_cs', after: '1h' },
    ],
    cooldown: '1h',
  });
}, 180_000);
afterAll(async () => {
  await w?.close();
});

const cards = (ext: string) => w.chat(ext).filter((m) => listRows(m).length > 0);
const rowId = (m: SentMessage, title: string) => listRows(m).find((r) => r.title === title)!.id;
/** Everything sent to the person after index `since`, once the outbox has nothing left for them. */
async function settled(ext: string, since: number): Promise<SentMessage[]> {
  await deliveriesDrained(w.app, w.team.workspaceId);
  await sleep(300);
  return w.chat(ext).slice(since);
}

describe('one message per update inside the 24-hour window', () => {
  it('the escalation and the acknowledgement each reach a chat as one card with what happened on top', async () => {
    await w.text('csm-1', 'hi');
    await w.text('mgr-1', 'hi');
    const r = await w.team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 91, limit: 100 });
    expect(r.body.outcome).toBe('created');
    const samCard = await eventually(async () => cards('csm-1')[0]);
    const samMark = w.chat('csm-1').length;

    // Nobody acts: two seconds later the chain reaches the manager. Sam's chat gets one message.
    const danaCard = await eventually(async () => cards('mgr-1')[0], 20_000);
    const escalation = await eventually(async () =>
      w
        .chat('csm-1')
        .find((m) => m.quotes === samCard.id && sentText(m).includes('Escalated to Dana Manager')),
    );
    expect(sentText(escalation)).toContain('Step 2 of 3'); // the card itself, in the same message
    expect(listRows(escalation).map((x) => x.title)).toContain('Acknowledge');
    expect(await settled('csm-1', samMark)).toEqual([escalation]);

    // Sam acknowledges: Dana, who did nothing, gets one message — the note and her new card.
    const danaMark = w.chat('mgr-1').length;
    expect(
      (await w.listReply('csm-1', rowId(samCard, 'Acknowledge'), samCard.id, 'Acknowledge')).status,
    ).toBe(200);
    const forDana = await eventually(async () =>
      w.chat('mgr-1').find((m, i) => i >= danaMark && /acknowledged/i.test(sentText(m))),
    );
    expect(forDana.quotes).toBe(danaCard.id);
    expect(sentText(forDana)).toContain('Acknowledged by Sam CSM');
    expect(sentText(forDana)).toContain('Acknowledged'); // the card's new status
    expect(await settled('mgr-1', danaMark)).toEqual([forDana]);
    expect(w.graph.violations).toEqual([]);
  });
});
