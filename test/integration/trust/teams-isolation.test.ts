/**
 * Issue 15 item 2 on Teams, through /api/messages and the fake Bot Connector: a second workspace
 * that stores A's user's AAD object id on one of its people (before the fix the tenant was then
 * bound to B on the user's first message, and A's CSM read B's customer with its ARR) does not
 * capture the user: with nothing binding the tenant, a user known in two workspaces is refused;
 * once the tenant is bound to A, they resolve in A only.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { messageText } from '../../fakes/bot-connector.js';
import { apiClient, eventually } from '../../helpers/app.js';
import { createWorkspace } from '../../../src/store/workspaces.js';
import { AMBIGUOUS_WORKSPACE } from '../../../src/chat/tenancy.js';
import { startTeamsWorld, TENANT, type TeamsWorld } from '../teams/world.js';

let w: TeamsWorld;
beforeAll(async () => {
  w = await startTeamsWorld();
  const ws = await createWorkspace(w.app.database.db, { name: 'Rival Co' });
  const b = apiClient(w.app.url, ws.apiKey);
  expect(
    (
      await b.post('/api/v1/people', [
        {
          externalId: 'b-admin',
          name: 'Bea Rival',
          role: 'admin',
          identities: { teams: { aadObjectId: w.users['csm-1']!.aadObjectId } },
        },
      ])
    ).status,
  ).toBe(200);
  expect(
    (
      await b.post('/api/v1/customers', [
        { externalId: 'umb', name: 'Umbrella', tier: 'platinum', csmExternalId: 'b-admin', arr: 7654321 },
      ])
    ).status,
  ).toBe(200);
}, 180_000);
afterAll(async () => {
  await w?.close();
});

async function say(ext: string, text: string): Promise<string> {
  const before = w.chat(ext).length;
  expect((await w.say(ext, text)).status).toBeLessThan(300);
  return messageText(await eventually(async () => w.chat(ext)[before]));
}

describe('Teams identities never cross workspaces', () => {
  it('refuses a user known in two workspaces while the tenant is unbound, and binds nothing', async () => {
    const text = await say('csm-1', 'customer Umbrella');
    expect(text).toContain(AMBIGUOUS_WORKSPACE);
    expect(text).not.toContain('7,654,321');
    expect(await say('csm-1', 'settings')).toContain(AMBIGUOUS_WORKSPACE);
    expect(await w.app.services.findInstallation('teams', TENANT)).toBeNull();
  });

  it('once the tenant is bound to A, the user is A’s CSM and B’s rows are out of reach', async () => {
    await w.app.services.saveInstallation('teams', TENANT, w.team.workspaceId, { tenantId: TENANT });
    expect(await say('csm-1', 'customer Umbrella')).toContain('No customer matches "Umbrella".');
    expect(await say('csm-1', 'customer Northwind')).toContain('Northwind');
    expect(await say('csm-1', 'settings')).toContain('Only workspace admins');
  });
});
