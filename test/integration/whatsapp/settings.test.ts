/**
 * `settings` over WhatsApp: a guided dialog over lists and replies walking the same FormModel as
 * the Slack modal and the Teams card. Admins only.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listRows, sentText, type SentMessage } from '../../fakes/whatsapp-graph.js';
import { startWhatsAppWorld, type WhatsAppWorld } from './world.js';

let w: WhatsAppWorld;
beforeAll(async () => {
  w = await startWhatsAppWorld();
  // Start-up (a fresh database and the whole product) can be slow on a loaded CI machine.
}, 180_000);
afterAll(async () => {
  await w?.close();
});

const last = (ext = 'admin-1') => w.chat(ext).at(-1)!;
const row = (m: SentMessage, title: string) => {
  const r = listRows(m).find((x) => x.title.startsWith(title));
  if (!r) throw new Error(`no row "${title}" in ${JSON.stringify(listRows(m).map((x) => x.title))}`);
  return r.id;
};

describe('settings over WhatsApp', () => {
  it('refuses someone who is not an admin', async () => {
    await w.text('csm-1', 'settings');
    expect(sentText(last('csm-1'))).toContain('Only workspace admins');
  });

  it('changes one general setting picked from the list; a bad value is asked again', async () => {
    await w.text('admin-1', 'settings');
    const menu = last();
    expect(listRows(menu).map((r) => r.title)).toEqual([
      'General settings',
      'Add a person',
      'Edit a person',
      'Add a customer',
      'Edit a customer',
    ]);
    await w.listReply('admin-1', row(menu, 'General'), menu.id);
    const fields = last();
    expect(listRows(fields)).toHaveLength(10); // 15 fields: nine and "More…"
    await w.listReply('admin-1', row(fields, 'More'), fields.id);
    const page2 = last();
    await w.listReply('admin-1', row(page2, 'Cooldown'), page2.id);
    expect(sentText(last())).toContain('now: 24h');
    await w.text('admin-1', 'soon');
    expect(sentText(last())).toContain('⚠️');
    await w.text('admin-1', '2h');
    expect(sentText(last())).toContain('Settings saved');
    expect((await w.team.api.get('/api/v1/settings')).body.cooldown).toBe('2h');
    // A select field: the tier framing is text, the threshold a number.
    await w.listReply('admin-1', row(last(), 'Platinum threshold'), last().id);
    await w.text('admin-1', '90');
    expect((await w.team.api.get('/api/v1/settings')).body.usageThresholds.platinum).toBe(90);
    await w.text('admin-1', 'done');
    expect(sentText(last())).toContain('Done');
  });

  it('adds a person field by field, choosing the role from a list', async () => {
    await w.text('admin-1', 'settings');
    await w.listReply('admin-1', row(last(), 'Add a person'), last().id);
    expect(sentText(last())).toContain('ID');
    await w.text('admin-1', 'csm-9');
    await w.text('admin-1', 'Jo New');
    await w.text('admin-1', 'not-an-email');
    await w.listReply('admin-1', row(last(), 'CSM'), last().id); // role
    await w.text('admin-1', 'skip'); // manager: optional
    await w.text('admin-1', 'keep'); // time zone
    // The escalation-policy fields (issue 20) are optional: working hours, quiet windows,
    // fallback channel, fallback delay.
    for (let i = 0; i < 4; i++) await w.text('admin-1', 'skip');
    // The email was refused: asked again with the reason, then saved.
    expect(sentText(last())).toContain('not an email');
    await w.text('admin-1', 'jo@test.example');
    await w.listReply('admin-1', row(last(), 'CSM'), last().id);
    await w.text('admin-1', 'skip');
    await w.text('admin-1', 'keep');
    await w.text('admin-1', 'Mon-Fri 08:00-16:00'); // working hours
    for (let i = 0; i < 3; i++) await w.text('admin-1', 'skip');
    expect(sentText(last())).toContain('Saved Jo New');
    const jo = await w.app.database.pool.query(
      `SELECT email, role, working_hours FROM people WHERE workspace_id = $1 AND external_id = 'csm-9'`,
      [w.team.workspaceId],
    );
    expect(jo.rows).toEqual([
      { email: 'jo@test.example', role: 'csm', working_hours: 'Mon-Fri 08:00-16:00' },
    ]);
  });

  it('cancel ends the dialog', async () => {
    await w.text('admin-1', 'settings');
    await w.text('admin-1', 'cancel');
    expect(sentText(last())).toBe('Cancelled.');
    await w.text('admin-1', 'help');
    expect(sentText(last())).toContain('customer <name>');
    expect(w.graph.violations).toEqual([]);
  });
});
