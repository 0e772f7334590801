/**
 * Every alert action over WhatsApp, including the inputs asked as a short conversation: Log Call
 * (outcome from a list, then notes), Schedule Follow-up (natural dates in the person's time zone),
 * Reassign (the workspace's CSMs as a list, paged past ten), Snooze; a dialog left half-way
 * expires cleanly; a typed reply quoting the card acts on its alert.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../../helpers/app.js';
import { listRows, sentText, type SentMessage } from '../../fakes/whatsapp-graph.js';
import { startWhatsAppWorld, type WhatsAppWorld } from './world.js';

let w: WhatsAppWorld;
let card: SentMessage;
let alertId: string;

beforeAll(async () => {
  w = await startWhatsAppWorld({ cooldown: '1h' });
  // Twelve more CSMs, so the Reassign list needs two pages (ten rows per list message).
  const extra = Array.from({ length: 12 }, (_, i) => ({
    externalId: `csm-x${i + 1}`,
    name: `Extra CSM ${String(i + 1).padStart(2, '0')}`,
    role: 'csm',
  }));
  expect((await w.team.api.post('/api/v1/people', extra)).status).toBe(200);
  await w.text('csm-1', 'hi');
  await w.team.api.post('/api/v1/usage', {
    customerExternalId: 'cust-1',
    used: 86,
    limit: 100,
    metric: 'seats',
  });
  card = await eventually(async () =>
    w.chat('csm-1').find((m) => listRows(m).some((r) => r.title === 'Log Call')),
  );
  alertId = (await w.team.api.get('/api/v1/alerts?status=open')).body.alerts[0].id;
  // Start-up (a fresh database and the whole product) can be slow on a loaded CI machine.
}, 180_000);
afterAll(async () => {
  await w?.close();
});

const row = (m: SentMessage, title: string) => listRows(m).find((r) => r.title.startsWith(title))!.id;
const alert = async () => (await w.team.api.get(`/api/v1/alerts/${alertId}`)).body;
/** Does something, then waits for the first message to the person that matches. */
async function turn(act: () => Promise<unknown>, match: RegExp, ext = 'csm-1'): Promise<SentMessage> {
  const mark = w.chat(ext).length;
  await act();
  return w.next(ext, mark, (m) => match.test(sentText(m)));
}

describe('alert actions over WhatsApp', () => {
  it('Log Call asks for the outcome (list), then notes, and records the call', async () => {
    const q1 = await turn(() => w.listReply('csm-1', row(card, 'Log Call'), card.id), /Call outcome/);
    expect(q1.quotes).toBe(card.id);
    const outcomes = listRows(q1);
    expect(outcomes.map((r) => r.title)).toContain('Left voicemail');
    await turn(() => w.listReply('csm-1', outcomes.find((r) => r.title === 'Connected')!.id, q1.id), /Notes/);
    const done = await turn(() => w.text('csm-1', 'Talked to their CFO; expansion likely in Q1.'), /call/i);
    expect(done.quotes).toBe(card.id);
    const tl = (await alert()).timeline as { kind: string; details: Record<string, unknown> }[];
    expect(tl.find((e) => e.kind === 'call_logged')?.details).toMatchObject({ outcome: 'connected' });
    const calls = await w.app.database.pool.query(
      'SELECT outcome, notes FROM call_logs WHERE alert_id = $1',
      [alertId],
    );
    expect(calls.rows).toEqual([
      { outcome: 'connected', notes: 'Talked to their CFO; expansion likely in Q1.' },
    ]);
  });

  it('Schedule Follow-up reads "tomorrow 3pm" in the person\'s time zone and confirms', async () => {
    await turn(() => w.listReply('csm-1', row(card, 'Schedule Follow-up'), card.id), /tomorrow 3pm/);
    await turn(() => w.text('csm-1', 'next blursday'), /couldn't read/); // not a date: asked again
    await turn(() => w.text('csm-1', 'tomorrow 3pm'), /Title/i);
    await turn(() => w.text('csm-1', 'skip'), /Europe\/London/);
    const task = (await w.app.database.pool.query('SELECT due_at FROM tasks WHERE alert_id = $1', [alertId]))
      .rows[0];
    // 15:00 in Europe/London tomorrow, whatever the season.
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(task.due_at);
    expect(local).toBe('15:00');
    const tomorrow = new Date(Date.now() + 24 * 3600_000).toLocaleDateString('en-CA', {
      timeZone: 'Europe/London',
    });
    expect(new Date(task.due_at).toLocaleDateString('en-CA', { timeZone: 'Europe/London' })).toBe(tomorrow);
  });

  it('a dialog left half-way expires cleanly: the next message is a command again', async () => {
    await turn(() => w.listReply('csm-1', row(card, 'Log Call'), card.id), /Call outcome/);
    await w.app.database.pool.query(
      `UPDATE chat_dialogs SET expires_at = now() - interval '1 minute' WHERE conversation_key = '447700900123'`,
    );
    await turn(() => w.text('csm-1', 'help'), /customer <name>/);
    const n = (
      await w.app.database.pool.query('SELECT count(*)::int AS n FROM call_logs WHERE alert_id = $1', [
        alertId,
      ])
    ).rows[0].n;
    expect(n).toBe(1);
    // An old list choice from the expired question is answered, not applied.
    await turn(() => w.listReply('csm-1', 'dc|0', card.id), /expired/);
  });

  it('Reassign offers the CSMs as a paged list and hands the alert over', async () => {
    const page1 = await turn(() => w.listReply('csm-1', row(card, 'Reassign'), card.id), /Reassign to/);
    const rows1 = listRows(page1);
    expect(rows1).toHaveLength(10);
    expect(rows1[9]!.title).toBe('More…');
    const rows2 = listRows(await turn(() => w.listReply('csm-1', rows1[9]!.id, page1.id), /Reassign to/));
    expect(rows2.length).toBeGreaterThan(1);
    const alex = [...rows1, ...rows2].find((r) => r.title === 'Alex CSM')!;
    expect(alex).toBeDefined();
    await turn(() => w.listReply('csm-1', alex.id, page1.id), /Reassigned to Alex/);
    await eventually(async () => (await alert()).assigneeExternalId === 'csm-2');
    // Alex has no open window: he is reached by the template.
    await eventually(async () => w.chat('csm-2').find((m) => m.type === 'template'));
  });

  it('Snooze from a typed reply quoting the card', async () => {
    // Sam is no longer the assignee but was notified, so he may still act.
    // Snooze asks how long or until what, as a list: the workspace's length first.
    const q = await turn(() => w.text('csm-1', 'snooze', card.id), /Snooze/);
    const choices = listRows(q);
    expect(choices.map((r) => r.title)).toEqual([
      'For 24h',
      'Next business morning',
      'Until customer replies',
    ]);
    await w.listReply('csm-1', choices[0]!.id, q.id);
    await eventually(async () => (await alert()).status === 'snoozed');
    expect((await alert()).waitingFor).toBe('time');
    expect(w.graph.violations).toEqual([]);
  });

  it('someone not on the alert gets a polite refusal', async () => {
    await w.text('vp-1', 'hi');
    await turn(() => w.listReply('vp-1', row(card, 'Mark Resolved'), card.id), /only its assignee/, 'vp-1');
    expect((await alert()).status).toBe('snoozed');
  });
});
