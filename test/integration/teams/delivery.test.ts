/**
 * The Teams gateway's outbound side against the local Bot Connector: channel threads, opening a
 * 1:1 chat for someone known from a team, people who have not installed the app, and Teams' rate
 * limit and error answers. Anonymous adapter: see world.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Person } from '../../../src/engine/index.js';
import { createTeamsRuntime } from '../../../src/bots/teams/runtime.js';
import { TeamsRetryLaterError } from '../../../src/bots/teams/rate-limit.js';
import { loadConfig } from '../../../src/bots/registry.js';
import { toPerson } from '../../../src/store/engine-store.js';
import { eventually } from '../../helpers/app.js';
import { messageText } from '../../fakes/bot-connector.js';
import { CHANNEL, fixture, startTeamsWorld, TENANT, type TeamsWorld } from './world.js';
import {
  type ChannelGateway,
  type ConversationRef,
  PermanentDeliveryError,
} from '../../../src/channels/port.js';

let w: TeamsWorld;
let gateway: ChannelGateway;

const card = (status: string) => ({
  text: `Northwind — ${status}`,
  card: {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'TextBlock', text: `Northwind — ${status}` }],
    actions: [
      {
        type: 'Action.Execute',
        title: 'Acknowledge',
        verb: 'acknowledge',
        data: { alertId: 'a-1', action: 'acknowledge', version: 1 },
      },
    ],
  },
});

async function person(ext: string): Promise<Person> {
  const r = await w.app.database.pool.query(
    'SELECT * FROM people WHERE workspace_id = $1 AND external_id = $2',
    [w.team.workspaceId, ext],
  );
  return toPerson(r.rows[0]);
}

beforeAll(async () => {
  w = await startTeamsWorld();
  await w.install('csm-1');
  gateway = (
    await createTeamsRuntime({
      config: loadConfig({ TEAMS_ANONYMOUS: 'on' }),
      services: w.app.services,
      log: w.app.log,
    })
  ).gateway;
});
afterAll(async () => {
  await w?.close();
});

describe('Teams gateway', () => {
  it('posts into a channel as a root post, replies in its thread and updates the root', async () => {
    await w.post(fixture('team-install', w.vars('admin-1')));
    const found = await w.app.services.findConversation('teams', CHANNEL);
    expect(found!.reference).toMatchObject({ conversation: { id: CHANNEL, conversationType: 'channel' } });
    const conv: ConversationRef = {
      id: found!.id,
      externalId: CHANNEL,
      reference: found!.reference,
      personId: null,
    };
    const { messageId } = await gateway.postCard(conv, card('Open'));
    const reply = await gateway.postReply(conv, messageId, 'Escalated to *Dana Manager*');
    await gateway.updateCard(conv, messageId, card('Acknowledged'));
    const msgs = w.connector.messages(CHANNEL);
    expect(msgs.find((m) => m.id === messageId)).toMatchObject({ rootId: null });
    expect(msgs.find((m) => m.id === reply.messageId)).toMatchObject({ rootId: messageId });
    expect(messageText(msgs.find((m) => m.id === reply.messageId)!)).toContain(
      'Escalated to **Dana Manager**',
    );
    expect(messageText(w.connector.message(messageId)!)).toContain('Acknowledged');
    const paths = w.connector.requests.slice(-3).map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual([
      `POST /amer/v3/conversations/${CHANNEL}/activities`,
      `POST /amer/v3/conversations/${CHANNEL};messageid=${messageId}/activities`,
      `PUT /amer/v3/conversations/${CHANNEL};messageid=${messageId}/activities/${messageId}`,
    ]);
  });

  it('opens a 1:1 chat (POST /v3/conversations) for someone known only from a team, once', async () => {
    const alex = w.users['csm-2']!;
    await w.post(fixture('message-channel-mention', w.vars('csm-2', { text: 'help' })));
    const p = await person('csm-2');
    expect(p.identities.teams?.aadObjectId).toBe(alex.aadObjectId);
    const opened = await gateway.openConversation(p);
    const again = await gateway.openConversation(p);
    expect(opened!.externalId).toMatch(/^a:1/);
    expect(again!.externalId).toBe(opened!.externalId);
    const creates = w.connector.requests.filter(
      (r) => r.method === 'POST' && r.path === '/amer/v3/conversations',
    );
    expect(creates).toHaveLength(1);
    expect(creates[0]!.body).toMatchObject({
      isGroup: false,
      bot: { id: expect.stringMatching(/^28:/) },
      members: [{ id: alex.id }],
      tenantId: TENANT,
    });
  });

  it('says the person must install the app when they cannot be reached', async () => {
    await expect(gateway.openConversation(await person('vp-1'))).rejects.toThrow(PermanentDeliveryError);
    await expect(gateway.openConversation(await person('vp-1'))).rejects.toThrow(
      /Priya VP has not installed Fincelo in Microsoft Teams/,
    );
    // Known from a team, but Teams refuses the 1:1 (the app was removed for them).
    const morgan = w.users['cfo-1']!;
    await w.post(fixture('message-channel-mention', w.vars('cfo-1', { text: 'help' })));
    w.connector.blocked.add(morgan.id);
    await expect(gateway.openConversation(await person('cfo-1'))).rejects.toThrow(
      /Morgan CFO has not installed Fincelo/,
    );
  });

  it('retries 429 after Retry-After, and hands 502s that persist back to the outbox with a delay', async () => {
    const conv = (await w.app.services.findConversation('teams', w.users['csm-1']!.conversationId))!;
    const ref: ConversationRef = {
      id: conv.id,
      externalId: w.users['csm-1']!.conversationId,
      reference: conv.reference,
      personId: conv.personId,
    };
    w.connector.failNext(1, 429, { retryAfterSeconds: 1 });
    const started = Date.now();
    const { messageId } = await gateway.postText(ref, 'after a 429');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(messageText(w.connector.message(messageId)!)).toContain('after a 429');

    w.connector.failNext(3, 502);
    const err = await gateway.postText(ref, 'never').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TeamsRetryLaterError);
    expect((err as TeamsRetryLaterError).retryAfterMs).toBeGreaterThan(0);

    w.connector.failNext(1, 403);
    await expect(gateway.postText(ref, 'blocked')).rejects.toThrow(PermanentDeliveryError);
  });

  it('reports an alert it cannot deliver, saying the person must install the app', async () => {
    // Priya prefers Teams but never opened the app: the outbox gives up at once and tells the admin.
    await w.team.api.post('/api/v1/people', {
      externalId: 'vp-1',
      name: 'Priya VP',
      role: 'vp_cs',
      preferredChannel: 'teams',
      email: 'priya@test.example',
    });
    await w.team.api.post('/api/v1/customers', {
      externalId: 'cust-vp',
      name: 'Initech',
      tier: 'poor',
      csmExternalId: 'vp-1',
    });
    const r = await w.team.api.post('/api/v1/usage', { customerExternalId: 'cust-vp', used: 95, limit: 100 });
    expect(r.body.outcome).toBe('created');
    const alertId = (await w.team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
      (a: { customerExternalId: string }) => a.customerExternalId === 'cust-vp',
    ).id;
    const failed = await eventually(async () =>
      (
        (await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.timeline as {
          kind: string;
          details?: { error?: string };
        }[]
      ).find((e) => e.kind === 'delivery_failed'),
    );
    expect(failed.details?.error).toMatch(/Priya VP has not installed Fincelo in Microsoft Teams yet/);
  });
});
