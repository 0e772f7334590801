/**
 * PATCH /api/v1/people/:externalId (issue 20's interface): a partial update of one person — the
 * fields left out keep their value, an unknown field is a 400 naming it (never silently dropped),
 * and a rejected patch changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

type Person = Record<string, unknown>;
const person = async (externalId: string): Promise<Person> =>
  ((await team.api.get('/api/v1/people?limit=100')).body.people as Person[]).find(
    (p) => p.externalId === externalId,
  )!;
const patch = (externalId: string, body: unknown) => team.api.patch(`/api/v1/people/${externalId}`, body);
const comparable = ({ updatedAt: _u, ...rest }: Person) => rest;

describe('PATCH /api/v1/people/:externalId', () => {
  it('changes only the fields given', async () => {
    const before = await person('csm-1');
    const r = await patch('csm-1', {
      timezone: 'America/New_York',
      identities: { slack: { userId: 'U0SAMX' } },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      externalId: 'csm-1',
      name: before.name,
      email: before.email,
      role: 'csm',
      managerExternalId: 'mgr-1',
      timezone: 'America/New_York',
      preferredChannel: before.preferredChannel,
    });
    expect((r.body.identities as Record<string, unknown>).slack).toEqual({ userId: 'U0SAMX' });
    expect(await person('csm-1')).toEqual(r.body);
  });

  it('answers an unknown field, a bad value or an unknown manager with a 400 naming it, and changes nothing', async () => {
    const before = comparable(await person('csm-1'));
    const unknown = await patch('csm-1', { workingHour: 'Mon-Fri 09:00-17:00', name: 'Renamed' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain('workingHour');
    const bad = await patch('csm-1', { timezone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('timezone');
    const manager = await patch('csm-1', { managerExternalId: 'nobody', name: 'Renamed' });
    expect(manager.status).toBe(400);
    expect(JSON.stringify(manager.body)).toContain('managerExternalId');
    expect(comparable(await person('csm-1'))).toEqual(before);
  });

  it('moves a person to another manager, and refuses an identity another person holds', async () => {
    expect((await patch('csm-2', { managerExternalId: 'vp-1' })).body.managerExternalId).toBe('vp-1');
    const taken = await patch('csm-2', { identities: { slack: { userId: 'U0SAMX' } } });
    expect(taken.status).toBe(409);
    expect(JSON.stringify(taken.body)).toContain('identities.slack.userId');
  });

  it('is a 404 for someone not in the workspace', async () => {
    expect((await patch('nobody', { name: 'X' })).status).toBe(404);
  });
});
