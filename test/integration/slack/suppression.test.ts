/**
 * Issue 21 item 2 through Slack: readings the open alert absorbs are counted on the root card in
 * place (chat.update on the fake Slack), never posted as thread replies; the API shows the count,
 * and the timeline keeps each reading. A reading in the cooldown after the alert was resolved is
 * counted on the (final) card too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, sleep, startTestApp } from '../../helpers/app.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack-api.js';
import { messageText, seedSlackTeam, SLACK_USERS, slackEnv } from './support.js';

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedSlackTeam>>;
const SAM = 'D0SAM';

beforeAll(async () => {
  fake = await startFakeSlack({ users: SLACK_USERS });
  db = await createTestDatabase();
  app = await startTestApp(db, slackEnv(fake));
  team = await seedSlackTeam(app, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '1h' },
    ],
    cooldown: '1h',
  });
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

const reading = (used: number) =>
  team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used, limit: 100, metric: 'seats' });

describe('visible suppression on Slack', () => {
  it('counts three absorbed readings on the root card, in place, with no thread replies', async () => {
    expect((await reading(86)).body.outcome).toBe('created');
    const root = await eventually(async () => fake.roots(SAM)[0]);
    expect(messageText(root)).not.toContain('more reading');
    const alertId = (await team.api.get('/api/v1/alerts')).body.alerts[0].id as string;

    for (const used of [90, 93, 97]) expect((await reading(used)).body.outcome).toBe('updated');

    await eventually(async () => messageText(fake.roots(SAM)[0]!).includes('3 more readings'), 20_000);
    const card = messageText(fake.roots(SAM)[0]!);
    expect(card).toContain('3 more readings over threshold since this card was sent, latest 97%');
    expect(card).toContain('97% of seats (97 / 100)');
    await sleep(1000); // anything else the outbox would send for them, it has sent by now
    expect(fake.roots(SAM)).toHaveLength(1);
    expect(fake.replies(SAM, root.ts)).toEqual([]);

    const alert = (await team.api.get(`/api/v1/alerts/${alertId}`)).body;
    expect(alert.suppressedCount).toBe(3);
    const updated = (alert.timeline as { kind: string; details: { absorbed?: string } }[]).filter(
      (e) => e.kind === 'updated',
    );
    expect(updated.map((e) => e.details.absorbed)).toEqual(['90%', '93%', '97%']);
    const list = (await team.api.get('/api/v1/alerts')).body.alerts as {
      id: string;
      suppressedCount: number;
    }[];
    expect(list.find((a) => a.id === alertId)!.suppressedCount).toBe(3);
  });

  it('counts a reading the cooldown absorbed after the alert was resolved on its final card', async () => {
    const alertId = (await team.api.get('/api/v1/alerts')).body.alerts[0].id as string;
    const resolved = await team.api.post(`/api/v1/alerts/${alertId}/actions`, {
      action: 'resolve',
      actorExternalId: 'csm-1',
    });
    expect(resolved.status).toBe(200);
    const root = fake.roots(SAM)[0]!;
    await eventually(async () => messageText(fake.roots(SAM)[0]!).includes('Resolved by Sam CSM'));
    // The resolution note follows the card update in the same delivery.
    await eventually(async () =>
      fake.replies(SAM, root.ts).some((m) => m.text.includes('Resolved by Sam CSM')),
    );
    const repliesBefore = fake.replies(SAM, root.ts).length;

    expect((await reading(99)).body.outcome).toBe('suppressed');
    await eventually(async () => messageText(fake.roots(SAM)[0]!).includes('4 more readings'), 20_000);
    expect(messageText(fake.roots(SAM)[0]!)).toContain('latest 99%');
    await sleep(1000);
    expect(fake.roots(SAM)).toHaveLength(1);
    expect(fake.replies(SAM, root.ts)).toHaveLength(repliesBefore);
    const alert = (await team.api.get(`/api/v1/alerts/${alertId}`)).body;
    expect(alert.suppressedCount).toBe(4);
    expect(alert.timeline.at(-1)).toMatchObject({ kind: 'suppressed', details: { absorbed: '99%' } });
  });
});
