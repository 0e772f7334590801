/** The chat-side services every channel uses: identity by email, commands, settings forms. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedTeam, startTestApp } from '../helpers/app.js';
import type { Person } from '../../src/engine/index.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let admin: Person;
let csm: Person;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app);
  const { personByExternalId } = await import('../../src/store/directory.js');
  admin = (await personByExternalId(app.database.pool, team.workspaceId, 'admin-1'))!;
  csm = (await personByExternalId(app.database.pool, team.workspaceId, 'csm-1'))!;
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('chat services', () => {
  it('finds a platform user by email once, then by the remembered id', async () => {
    expect(
      await app.services.resolvePerson({
        workspaceId: team.workspaceId,
        channel: 'slack',
        identityKey: 'userId',
        identityValue: 'U123',
      }),
    ).toBeNull();
    const p = await app.services.resolvePerson({
      workspaceId: team.workspaceId,
      channel: 'slack',
      identityKey: 'userId',
      identityValue: 'U123',
      email: 'SAM@test.example',
    });
    expect(p?.externalId).toBe('csm-1');
    expect(p?.identities.slack).toEqual({ userId: 'U123' });
    const again = await app.services.resolvePerson({
      workspaceId: team.workspaceId,
      channel: 'slack',
      identityKey: 'userId',
      identityValue: 'U123',
    });
    expect(again?.externalId).toBe('csm-1');
  });

  it('answers help, alerts and customer, and refuses settings to non-admins', async () => {
    expect((await app.services.command(team.workspaceId, csm, 'help')).text).toContain('customer <name>');
    expect((await app.services.command(team.workspaceId, csm, 'alerts')).text).toContain('no open alerts');
    await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 90,
      limit: 100,
      metric: 'seats',
    });
    expect((await app.services.command(team.workspaceId, csm, 'alerts')).text).toContain('Northwind');
    const cust = await app.services.command(team.workspaceId, csm, 'customer northwind');
    expect(cust.text).toContain('Usage: 90% of seats');
    expect(cust.text).toContain('Open alerts: usage_threshold (open)');
    const refused = await app.services.command(team.workspaceId, csm, 'settings');
    expect(refused.refused).toBe(true);
    expect((await app.services.command(team.workspaceId, admin, 'settings')).openForm).toBe('general');
  });

  it('shows the settings form with current values and saves it, with field-level errors', async () => {
    const form = await app.services.settingsForm(team.workspaceId, admin, 'general');
    if ('refused' in form) throw new Error('refused');
    expect(form.fields.find((f) => f.id === 'threshold.platinum')?.value).toBe('85');
    expect(form.fields.find((f) => f.id === 'escalation')?.value).toBe(
      'csm 0s\ncsm_manager 24h\nvp_cs 48h\ncfo 72h',
    );
    const bad = await app.services.saveSettingsForm(team.workspaceId, admin, 'general', {
      'threshold.good': 'lots',
      escalation: 'csm 0s\nceo 1h',
      cooldown: 'soon',
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors['threshold.good']).toMatch(/number/);
    expect(bad.errors.escalation).toMatch(/Line 2/);
    expect(bad.errors.cooldown).toMatch(/duration/);
    expect((await team.api.get('/api/v1/settings')).body.cooldown).toBe('24h');
    const good = await app.services.saveSettingsForm(team.workspaceId, admin, 'general', {
      'threshold.good': '82',
      'framing.good': '💰 Upsell',
      escalation: 'csm 0s\nvp_cs 2h',
      cooldown: '12h',
    });
    expect(good.ok).toBe(true);
    const s = (await team.api.get('/api/v1/settings')).body;
    expect(s.usageThresholds.good).toBe(82);
    expect(s.framing.good).toEqual({ emoji: '💰', label: 'Upsell' });
    expect(s.escalation).toEqual([
      { role: 'csm', after: '0s' },
      { role: 'vp_cs', after: '2h' },
    ]);
    expect(
      (await app.services.saveSettingsForm(team.workspaceId, csm, 'general', { cooldown: '1h' })).ok,
    ).toBe(false);
  });

  it('adds a person and a customer from the forms', async () => {
    const p = await app.services.saveSettingsForm(team.workspaceId, admin, 'person', {
      externalId: 'csm-9',
      name: 'New CSM',
      email: 'new@test.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
      timezone: 'Asia/Tokyo',
    });
    expect(p.ok).toBe(true);
    const badTz = await app.services.saveSettingsForm(team.workspaceId, admin, 'person', {
      externalId: 'csm-10',
      name: 'X',
      role: 'csm',
      timezone: 'Moon/Base',
    });
    expect(badTz.ok === false && badTz.errors.timezone).toMatch(/time zone/);
    const c = await app.services.saveSettingsForm(team.workspaceId, admin, 'customer', {
      externalId: 'cust-9',
      name: 'Initech',
      tier: 'poor',
      csmExternalId: 'csm-9',
    });
    expect(c.ok).toBe(true);
    const r = await team.api.post('/api/v1/usage', { customerExternalId: 'cust-9', used: 71, limit: 100 });
    expect(r.body.outcome).toBe('created');
    expect(
      (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
        (a: { customerExternalId: string }) => a.customerExternalId === 'cust-9',
      ).assigneeExternalId,
    ).toBe('csm-9');
  });
});
