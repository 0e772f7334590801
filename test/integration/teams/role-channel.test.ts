/**
 * Role channels (issue 20 item 6) on Microsoft Teams: an escalation step
 * `{"channel": "teams:19:…@thread.tacv2"}` posts the alert card as a root post in that team
 * channel (the conversation Fincelo stored when the app was added to the team), not in anybody's
 * 1:1 chat; the CSM's chat hears where it went; a click on the channel's card (an invoke from the
 * channel, conversation id `<channel>;messageid=<root>`) acts on the alert and the card there
 * follows. A channel the app was never added to is refused with a message on the timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../../helpers/app.js';
import { cardOf, messageText } from '../../fakes/bot-connector.js';
import { CHANNEL, cardMessages, findExecute, fixture, startTeamsWorld, type TeamsWorld } from './world.js';

let w: TeamsWorld;
const chain = [
  { role: 'csm', after: '0s' },
  { channel: `teams:${CHANNEL}`, after: '2s' },
  { role: 'cfo', after: '1h' },
];

beforeAll(async () => {
  w = await startTeamsWorld({ cooldown: '1h' });
  await w.install('csm-1');
  await w.install('admin-1');
  // The app is added to the team: Teams posts conversationUpdate from the General channel.
  const added = await w.post(fixture('team-install', w.vars('admin-1')));
  expect(added.status).toBe(200);
});

afterAll(async () => {
  await w?.close();
});

describe('a Teams channel step', () => {
  it('is accepted in the settings and shown by the dry run', async () => {
    const r = await w.team.api.patch('/api/v1/settings', { escalation: chain });
    expect(r.status).toBe(200);
    expect(r.body.escalation[1]).toEqual({ channel: `teams:${CHANNEL}`, after: '2s' });
    const bad = await w.team.api.patch('/api/v1/settings', {
      escalation: [
        { role: 'csm', after: '0s' },
        { channel: `teams:${CHANNEL};messageid=1`, after: '1h' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details['escalation.1.channel']).toContain('Teams conversation id');
    const dry = await w.team.api.post('/api/v1/escalation/dry-run', {
      customerExternalId: 'cust-1',
      type: 'usage_threshold',
      at: '2027-03-01T10:00:00Z',
    });
    expect(dry.body.steps[1]).toEqual({
      step: 2,
      channel: `teams:${CHANNEL}`,
      deliverVia: 'teams',
      at: '2027-03-01T10:00:02.000Z',
    });
  });

  it('posts the card as a root post in the channel, and a click there resolves the alert', async () => {
    const usage = await w.team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 90,
      limit: 100,
      metric: 'seats',
    });
    expect(usage.body.outcome).toBe('created');
    await eventually(async () => cardMessages(w.chat('csm-1'))[0], 30_000);
    const root = await eventually(async () => cardMessages(w.connector.messages(CHANNEL))[0], 30_000);
    expect(messageText(root)).toContain('Northwind');
    expect(messageText(root)).toContain('Escalated to this channel (step 2 of 3)');
    expect(findExecute(cardOf(root), 'resolve')).not.toBeNull();
    await eventually(
      async () => w.chat('csm-1').some((m) => messageText(m).includes('Escalated to teams channel')),
      30_000,
    );
    // Nobody's 1:1 chat got the step-2 card (the CSM's manager is not on this chain).
    expect(cardMessages(w.connector.messages(w.users['mgr-1']!.conversationId))).toHaveLength(0);

    const action = findExecute(cardOf(root), 'resolve')!;
    const click = await w.post(
      fixture(
        'invoke-action',
        w.vars('admin-1', { replyToId: root.id, verb: 'resolve', title: String(action.title) }),
        {
          conversation: { conversationType: 'channel', id: `${CHANNEL};messageid=${root.id}`, isGroup: true },
          channelData: { team: { id: CHANNEL }, channel: { id: CHANNEL } },
          value: { action: { data: action.data } },
        },
      ),
    );
    expect(click.status).toBe(200);
    const alerts = (await w.team.api.get('/api/v1/alerts?status=resolved')).body.alerts as {
      customerExternalId: string;
    }[];
    expect(alerts.map((a) => a.customerExternalId)).toContain('cust-1');
    // The invoke answers with the card as it is now, and the outbox updates the channel's post:
    // neither offers Resolve any more.
    expect(findExecute(click.body?.value, 'resolve')).toBeNull();
    await eventually(
      async () => findExecute(cardOf(w.connector.message(root.id)!), 'resolve') === null,
      30_000,
    );
    expect(messageText(w.connector.message(root.id)!)).toMatch(/resolved/i);
  });
});

describe('a channel the app was never added to', () => {
  it('records why the step could not be posted, and posts nothing', async () => {
    const other = '19:0000000000000000000000000000dead@thread.tacv2';
    const r = await w.team.api.patch('/api/v1/settings', {
      escalation: [
        { role: 'csm', after: '0s' },
        { channel: `teams:${other}`, after: '1s' },
      ],
    });
    expect(r.status).toBe(200);
    const usage = await w.team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-3',
      used: 99,
      limit: 100,
      metric: 'seats',
    });
    expect(usage.body.outcome).toBe('created');
    const open = (await w.team.api.get('/api/v1/alerts?status=open')).body.alerts as {
      id: string;
      customerExternalId: string;
    }[];
    const id = open.find((a) => a.customerExternalId === 'cust-3')!.id;
    const failed = await eventually(async () => {
      const t = (await w.team.api.get(`/api/v1/alerts/${id}`)).body.timeline as {
        kind: string;
        details?: Record<string, unknown>;
      }[];
      return t.find((e) => JSON.stringify(e).includes('add the Fincelo app to it first'));
    }, 30_000);
    expect(failed).toBeTruthy();
    expect(w.connector.messages(other)).toHaveLength(0);
  });
});
