/**
 * Issue 21 item 2 through Teams: three readings the open alert absorbs update the root card in
 * place (PUT on the fake Bot Connector) with the count and the latest value; no reply is posted.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, sleep } from '../../helpers/app.js';
import { cardOf } from '../../fakes/bot-connector.js';
import { cardMessages, startTeamsWorld, type TeamsWorld } from './world.js';

let w: TeamsWorld;
beforeAll(async () => {
  w = await startTeamsWorld({
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '1h' },
    ],
    cooldown: '1h',
  });
  await w.install('csm-1');
});
afterAll(async () => {
  await w?.close();
});

const reading = (used: number) =>
  w.team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used, limit: 100, metric: 'seats' });
const cardText = (id: string) => JSON.stringify(cardOf(w.connector.message(id)));

describe('visible suppression on Teams', () => {
  it('shows three absorbed readings on the root card, updated in place, with no replies', async () => {
    expect((await reading(86)).body.outcome).toBe('created');
    const [root] = await eventually(async () => {
      const c = cardMessages(w.chat('csm-1'));
      return c.length ? c : null;
    });
    const before = w.chat('csm-1').length;
    for (const used of [90, 93, 97]) expect((await reading(used)).body.outcome).toBe('updated');

    await eventually(async () => cardText(root!.id).includes('3 more readings'), 20_000);
    expect(cardText(root!.id)).toContain(
      '3 more readings over threshold since this card was sent, latest 97%',
    );
    expect(cardText(root!.id)).toContain('97% of seats (97 / 100)');
    expect(w.connector.message(root!.id)!.history.length).toBeGreaterThanOrEqual(1); // a PUT, not a post
    await sleep(1000);
    expect(w.chat('csm-1')).toHaveLength(before);
    expect(w.chat('csm-1').filter((m) => m.rootId === root!.id)).toEqual([]);

    const alertId = (await w.team.api.get('/api/v1/alerts')).body.alerts[0].id as string;
    expect((await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.suppressedCount).toBe(3);
  });
});
