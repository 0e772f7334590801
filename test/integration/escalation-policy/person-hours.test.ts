/**
 * Issue 20 item 1, per person: an admin gives one CSM their own working hours in the person
 * dialog (the playground's form endpoint, the same FormModel every channel renders); with no
 * workspace hours, that CSM's step due at 02:00 London time waits for their 09:00 while another
 * CSM's alert goes out at once. The general dialog edits the quiet-window bypass and the
 * reassign response window, seen in GET /api/v1/settings.
 *
 * The clock is set in 2027 so the real timers never fire during the test; the test runs the
 * alert's timer itself after moving the clock, as holds.test.ts does.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';
import { alertTimeline, fireAlertTimer, raiseUsage } from '../../helpers/alerts.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let now = new Date('2027-01-04T02:00:00Z'); // Monday 02:00 in London (GMT)
const clock = { now: () => now };

async function form(name: string, values: Record<string, string>, context: Record<string, string> = {}) {
  const res = await fetch(`${app.url}/playground/api/forms/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ personId: team.personIds['admin-1'], values, context }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
async function personFormFields(externalId: string) {
  const res = await fetch(
    `${app.url}/playground/api/forms/person?personId=${team.personIds['admin-1']}&externalId=${externalId}`,
  );
  const body = (await res.json()) as { form: { fields: { id: string; value: string; hint?: string }[] } };
  return Object.fromEntries(body.form.fields.map((f) => [f.id, f]));
}
const raise = (customerExternalId: string) => raiseUsage(team.api, customerExternalId);
const timeline = (id: string) => alertTimeline(team.api, id);

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db, {}, { clock });
  team = await seedTeam(app);
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('a person’s own working hours', () => {
  it('the person dialog refuses hours it cannot read and keeps what was stored', async () => {
    const bad = await form(
      'person',
      { name: 'Sam CSM', role: 'csm', timezone: 'Europe/London', workingHours: 'weekdays 9 to 5' },
      { externalId: 'csm-1' },
    );
    expect(bad.status).toBe(422);
    expect((bad.body.errors as Record<string, string>).workingHours).toMatch(/Mon-Fri 09:00-18:00/);
    const person = await team.api.get('/api/v1/people/csm-1');
    expect(person.body.workingHours).toBeNull();
  });

  it('saved in the dialog, shown in the API and in the dialog', async () => {
    const ok = await form(
      'person',
      {
        name: 'Sam CSM',
        role: 'csm',
        managerExternalId: 'mgr-1',
        timezone: 'Europe/London',
        workingHours: 'Mon-Fri 09:00-17:00',
      },
      { externalId: 'csm-1' },
    );
    expect(ok.status).toBe(200);
    expect((await team.api.get('/api/v1/people/csm-1')).body.workingHours).toBe('Mon-Fri 09:00-17:00');
    const fields = await personFormFields('csm-1');
    expect(fields.workingHours!.value).toBe('Mon-Fri 09:00-17:00');
    expect(fields.workingHours!.hint).toMatch(/default: the workspace’s \(none: any hour\)/);
    // A save that does not touch the fallback keeps it; the API's PATCH sets hours as well.
    const patched = await team.api.patch('/api/v1/people/csm-2', { workingHours: 'Mon-Fri 10:00-16:00' });
    expect(patched.status).toBe(200);
    expect(patched.body.workingHours).toBe('Mon-Fri 10:00-16:00');
    const cleared = await team.api.patch('/api/v1/people/csm-2', { workingHours: null });
    expect(cleared.body.workingHours).toBeNull();
    const refused = await team.api.patch('/api/v1/people/csm-2', { workingHours: '9-5' });
    expect(refused.status).toBe(400);
  });

  it('holds the CSM with hours to their 09:00 and not the CSM without', async () => {
    const held = await raise('cust-2'); // Globex → Sam (own hours, London)
    const free = await raise('cust-3'); // Hooli → Alex (no hours anywhere)
    expect((await timeline(held)).find((e) => e.kind === 'held')?.details).toMatchObject({
      step: 0,
      by: 'working_hours',
      until: '2027-01-04T09:00:00.000Z',
    });
    await eventually(async () => (await timeline(free)).some((e) => e.kind === 'notified'), 30_000);
    expect((await timeline(free)).some((e) => e.kind === 'held')).toBe(false);
    expect((await timeline(held)).some((e) => e.kind === 'notified')).toBe(false);

    now = new Date('2027-01-04T09:00:00Z');
    expect(await fireAlertTimer(app, held)).toBe('ran');
    await eventually(async () => (await timeline(held)).some((e) => e.kind === 'notified'), 30_000);
  });
});

describe('a person’s own quiet windows', () => {
  it('hold their step on top of the workspace’s (none here), refused when malformed', async () => {
    const bad = await team.api.patch('/api/v1/people/outsider', {
      quietWindows: [{ days: 'Mon', from: '12:00', to: '09:00' }],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('quietWindows.0.from');
    const badForm = await form(
      'person',
      { name: 'Olly Outsider', role: 'csm', quietWindows: 'Mon 09:00-12:00\nsometimes' },
      { externalId: 'outsider' },
    );
    expect(badForm.status).toBe(422);
    expect((badForm.body.errors as Record<string, string>).quietWindows).toMatch(/^Line 2:/);
    const ok = await form(
      'person',
      { name: 'Olly Outsider', role: 'csm', quietWindows: 'Mon 00:00-12:00' },
      { externalId: 'outsider' },
    );
    expect(ok.status).toBe(200);
    expect((await team.api.get('/api/v1/people/outsider')).body.quietWindows).toEqual([
      { days: 'Mon', from: '00:00', to: '12:00' },
    ]);

    // Monday 09:00 UTC (the clock of the previous test): Olly (UTC) is quiet until 12:00.
    const id = await raise('cust-orphan');
    expect((await timeline(id)).find((e) => e.kind === 'held')?.details).toMatchObject({
      step: 0,
      by: 'quiet_window',
      until: '2027-01-04T12:00:00.000Z',
    });
  });
});

describe('the general dialog’s policy fields', () => {
  it('edits the quiet-window bypass and the reassign response window', async () => {
    const bad = await form('general', { 'quietBypass.arrAtLeast': 'lots', reassignResponse: '4h' });
    expect(bad.status).toBe(422);
    expect((bad.body.errors as Record<string, string>)['quietBypass.arrAtLeast']).toMatch(/number/);
    expect((await team.api.get('/api/v1/settings')).body.reassignResponse).toBeNull();

    const ok = await form('general', {
      'quietBypass.arrAtLeast': '50000',
      'quietBypass.overdueDaysAtLeast': '',
      'quietBypass.categories': 'legal_threat, security_concern',
      reassignResponse: '4h',
    });
    expect(ok.status).toBe(200);
    const s = (await team.api.get('/api/v1/settings')).body;
    expect(s.quietBypass).toEqual({ arrAtLeast: 50000, categories: ['legal_threat', 'security_concern'] });
    expect(s.reassignResponse).toBe('4h');

    const off = await form('general', {
      'quietBypass.arrAtLeast': '',
      'quietBypass.overdueDaysAtLeast': '',
      'quietBypass.categories': '',
      reassignResponse: '',
    });
    expect(off.status).toBe(200);
    const after = (await team.api.get('/api/v1/settings')).body;
    expect(after.quietBypass).toBeNull();
    expect(after.reassignResponse).toBeNull();
  });
});
