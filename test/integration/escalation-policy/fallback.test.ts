/**
 * Per-person fallback channel (issue 20 item 5), with the real timers: Sam's main channel is Slack
 * (the fake Slack), his fallback the playground after 2 s. A card nobody acts on reaches the
 * playground once, in one thread there; a card acted on within the 2 s never does. The fields are
 * set with PATCH /api/v1/people/:externalId and validated there.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, sleep, startTestApp } from '../../helpers/app.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack-api.js';
import { messageText, seedSlackTeam, SLACK_USERS, slackEnv } from '../slack/support.js';
import { raiseUsage, alertTimeline } from '../../helpers/alerts.js';

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedSlackTeam>>;

interface PgMessage {
  id: number;
  threadRootId: number | null;
  card: Record<string, unknown> | null;
  text: string | null;
}
async function playground(personExt: string): Promise<PgMessage[]> {
  const res = await fetch(`${app.url}/playground/api/messages?personId=${team.personIds[personExt]}`);
  return ((await res.json()) as { messages: PgMessage[] }).messages;
}
const playgroundCards = async (customer: string) =>
  (await playground('csm-1')).filter(
    (m) => m.threadRootId === null && m.card && JSON.stringify(m.card).includes(customer),
  );
const slackCard = (customer: string) => fake.roots('D0SAM').find((m) => messageText(m).includes(customer));
const raise = (customerExternalId: string) => raiseUsage(team.api, customerExternalId);
const timeline = (id: string) => alertTimeline(team.api, id);

beforeAll(async () => {
  fake = await startFakeSlack({ users: SLACK_USERS });
  db = await createTestDatabase();
  app = await startTestApp(db, slackEnv(fake));
  team = await seedSlackTeam(app);
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

describe('fallbackChannel and fallbackAfter on a person', () => {
  it('are validated: a channel the person has no identity on, their main channel, a bad duration', async () => {
    const patch = (body: Record<string, unknown>) => team.api.patch('/api/v1/people/csm-1', body);
    const same = await patch({ fallbackChannel: 'slack' });
    expect(same.status).toBe(400);
    expect(same.body.details.fallbackChannel).toMatch(/differ from the main channel \(slack\)/);
    const noIdentity = await patch({ fallbackChannel: 'teams' });
    expect(noIdentity.status).toBe(400);
    expect(noIdentity.body.details.fallbackChannel).toMatch(/identities\.teams/);
    const badDelay = await patch({ fallbackChannel: 'playground', fallbackAfter: 'soon' });
    expect(badDelay.status).toBe(400);
    expect(Object.keys(badDelay.body.details)).toEqual(['fallbackAfter']);
    const sam = (await team.api.get('/api/v1/people?limit=50')).body.people.find(
      (p: { externalId: string }) => p.externalId === 'csm-1',
    );
    expect(sam).toMatchObject({ fallbackChannel: null, fallbackAfter: null });
  });

  it('are set with PATCH, and a POST of the person without them keeps them', async () => {
    const r = await team.api.patch('/api/v1/people/csm-1', {
      fallbackChannel: 'playground',
      fallbackAfter: '2s',
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ fallbackChannel: 'playground', fallbackAfter: '2s' });
    const again = await team.api.post('/api/v1/people', {
      externalId: 'csm-1',
      name: 'Sam CSM',
      email: 'sam@test.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
      timezone: 'Europe/London',
    });
    expect(again.status).toBe(200);
    const sam = (await team.api.get('/api/v1/people?limit=50')).body.people.find(
      (p: { externalId: string }) => p.externalId === 'csm-1',
    );
    expect(sam).toMatchObject({ fallbackChannel: 'playground', fallbackAfter: '2s' });
    // The dry run shows where and when the fallback would fire.
    const dry = await team.api.post('/api/v1/escalation/dry-run', {
      customerExternalId: 'cust-1',
      type: 'usage_threshold',
      at: '2027-03-01T10:00:00Z',
    });
    expect(dry.body.steps[0]).toMatchObject({
      personExternalId: 'csm-1',
      deliverVia: 'slack',
      at: '2027-03-01T10:00:00.000Z',
      fallback: { channel: 'playground', at: '2027-03-01T10:00:02.000Z' },
    });
  });
});

describe('the fallback', () => {
  it('fires once when nobody acts, and the alert keeps one thread on the fallback channel', async () => {
    const id = await raise('cust-1'); // Northwind → Sam on Slack
    await eventually(async () => slackCard('Northwind'), 30_000);
    const cards = await eventually(async () => {
      const c = await playgroundCards('Northwind');
      return c.length ? c : null;
    }, 30_000);
    expect(JSON.stringify(cards[0]!.card)).toContain('Nobody has acted on this alert for 2s');
    const events = (await timeline(id)).filter((e) => e.kind === 'fallback_notified');
    expect(events).toHaveLength(1);
    expect(events[0]!.details).toEqual({ channel: 'playground', from: 'slack', after: '2s' });

    // Later news about the alert reaches that thread too, not a second card.
    const ack = await team.api.post(`/api/v1/alerts/${id}/actions`, {
      action: 'acknowledge',
      actorExternalId: 'csm-1',
    });
    expect(ack.status).toBe(200);
    await eventually(
      async () =>
        (await playground('csm-1')).some(
          (m) => m.threadRootId === cards[0]!.id && (m.text ?? '').includes('Acknowledged by Sam CSM'),
        ),
      30_000,
    );
    await sleep(2500);
    expect(await playgroundCards('Northwind')).toHaveLength(1);
    expect((await timeline(id)).filter((e) => e.kind === 'fallback_notified')).toHaveLength(1);
  });

  it('does not fire when the alert is acted on within fallbackAfter', async () => {
    // 5 s here, so the acknowledgement lands well inside the window even on a loaded machine.
    const r = await team.api.patch('/api/v1/people/csm-1', { fallbackAfter: '5s' });
    expect(r.status).toBe(200);
    const id = await raise('cust-4'); // Initech → Sam on Slack
    const ack = await team.api.post(`/api/v1/alerts/${id}/actions`, {
      action: 'acknowledge',
      actorExternalId: 'csm-1',
    });
    expect(ack.status).toBe(200);
    await eventually(async () => slackCard('Initech'), 30_000);
    await sleep(7000); // past the fallback delay
    expect(await playgroundCards('Initech')).toHaveLength(0);
    expect((await timeline(id)).some((e) => e.kind === 'fallback_notified')).toBe(false);
  });
});
