/**
 * The engine scenario (test/integration/escalation-scenario.test.ts) replayed through Microsoft
 * Teams: install → conversation reference saved → usage via the API → proactive card in the CSM's
 * 1:1 chat → Acknowledge invoke answered with the updated card → escalation to the manager →
 * resolve from the manager's card → every card updated to its final state. See world.ts for how
 * the adapter is run (anonymously) and what the fake Bot Connector is.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adaptiveCardIssues } from '../../helpers/adaptive-cards.js';
import { eventually, sleep } from '../../helpers/app.js';
import { cardOf, messageText } from '../../fakes/bot-connector.js';
import { cardMessages, findExecute, startTeamsWorld, TENANT, type TeamsWorld } from './world.js';

let w: TeamsWorld;

beforeAll(async () => {
  w = await startTeamsWorld({
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '3s' },
      { role: 'vp_cs', after: '60s' },
    ],
    ackTimeout: '2s',
    cooldown: '1h',
  });
});
afterAll(async () => {
  await w?.close();
});

describe('usage alert through Teams: install, card, acknowledge, escalate, resolve', () => {
  it('stores the conversation reference when the app is installed', async () => {
    await w.install('csm-1');
    await w.install('mgr-1');
    const conv = await w.app.services.findConversation('teams', w.users['csm-1']!.conversationId);
    expect(conv).toMatchObject({ personId: w.team.personIds['csm-1'], workspaceId: w.team.workspaceId });
    expect(conv!.reference).toMatchObject({
      serviceUrl: w.connector.serviceUrl,
      conversation: { id: w.users['csm-1']!.conversationId, conversationType: 'personal', tenantId: TENANT },
      user: { id: w.users['csm-1']!.id, aadObjectId: w.users['csm-1']!.aadObjectId },
    });
    expect(conv!.reference).not.toHaveProperty('activityId');
    // Matched by email from the roster, then remembered by AAD object id.
    const sam = (
      await w.app.database.pool.query('SELECT identities FROM people WHERE id = $1', [
        w.team.personIds['csm-1'],
      ])
    ).rows[0];
    expect(sam.identities.teams).toEqual({ aadObjectId: w.users['csm-1']!.aadObjectId });
    expect(await w.app.services.workspaceForInstallation('teams', TENANT)).toBe(w.team.workspaceId);
    // The welcome message went to the new chat.
    expect(w.chat('csm-1').map(messageText).join(' ')).toContain('Hi Sam');
  });

  it('posts the alert card proactively, answers Acknowledge with the updated card, escalates, and resolves everywhere', async () => {
    const usage = await w.team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 86,
      limit: 100,
      metric: 'seats',
    });
    expect(usage.body.outcome).toBe('created');
    const [samCard] = await eventually(async () => {
      const c = cardMessages(w.chat('csm-1'));
      return c.length ? c : null;
    });
    const text = messageText(samCard!);
    expect(text).toContain('Northwind');
    expect(text).toContain('Expansion Opportunity');
    expect(text).toContain('86%');
    // Posted as a new message (POST …/activities), not as a reply.
    const post = w.connector.requests.find(
      (r) => r.method === 'POST' && (r.body as { attachments?: unknown })?.attachments,
    );
    expect(post!.path).toBe(`/amer/v3/conversations/${w.users['csm-1']!.conversationId}/activities`);
    expect(samCard!.activity.summary).toContain('Expansion Opportunity');
    const card = cardOf(samCard)!;
    expect(card.refresh).toMatchObject({ action: { verb: 'refresh' }, userIds: [w.users['csm-1']!.id] });

    const ack = await w.click('csm-1', samCard!.id, 'acknowledge');
    expect(ack.status).toBe(200);
    expect(ack.body.statusCode).toBe(200);
    expect(ack.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(ack.body.value)).toContain('Acknowledged');
    expect(findExecute(ack.body.value, 'resolve')).not.toBeNull();
    // The card in the chat itself was updated in place too (PUT), and the ack posted after it.
    expect(messageText(w.connector.message(samCard!.id)!)).toContain('Acknowledged');
    const alertId = (await w.team.api.get('/api/v1/alerts?status=acknowledged')).body.alerts[0].id as string;
    expect((await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'acknowledged', channel: 'teams', actorExternalId: 'csm-1' }),
      ]),
    );

    // Ack timeout (2 s) → escalation resumes → the manager gets their own card.
    const [danaCard] = await eventually(async () => {
      const c = cardMessages(w.chat('mgr-1'));
      return c.length ? c : null;
    }, 15_000);
    expect(messageText(danaCard!)).toContain('Northwind');
    await eventually(async () =>
      w
        .chat('csm-1')
        .some((m) => m.rootId === samCard!.id && messageText(m).includes('Escalated to Dana Manager')),
    );

    const resolved = await w.click('mgr-1', danaCard!.id, 'resolve');
    expect(resolved.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(resolved.body.value)).toContain('Resolved by Dana Manager');
    expect(findExecute(resolved.body.value, 'acknowledge')).toBeNull();
    expect(resolved.body.value.refresh).toBeUndefined();

    for (const [ext, m] of [
      ['csm-1', samCard!],
      ['mgr-1', danaCard!],
    ] as const) {
      await eventually(async () => {
        const now = w.connector.message(m.id)!;
        const c = cardOf(now)!;
        return messageText(now).includes('Resolved by Dana Manager') && c.actions === undefined && ext;
      });
      expect(cardMessages(w.chat(ext))).toHaveLength(1);
      // The resolution is also announced in each thread (a reply, POST …/activities/{id}); on a
      // loaded machine that reply can trail the card update, so it is awaited before the hard stop.
      await eventually(async () =>
        w.chat(ext).some((r) => r.rootId === m.id && messageText(r).includes('Resolved by Dana Manager')),
      );
    }
    // Hard stop: nothing new is posted after Resolve (an update still queued may re-render a card,
    // always in its final state).
    const before = w.connector.requests.length;
    await sleep(1500);
    const later = w.connector.requests.slice(before);
    expect(later.filter((r) => r.method !== 'PUT').map((r) => `${r.method} ${r.path}`)).toEqual([]);
    for (const r of later) expect(JSON.stringify(r.body)).toContain('Resolved by Dana Manager');
    expect((await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.status).toBe('resolved');
  });
});

describe('cards sent to Teams', () => {
  it('sent only cards that parse as Adaptive Cards 1.5 without issues', () => {
    const cards = w.sentCards();
    expect(cards.length).toBeGreaterThan(4);
    for (const c of cards) expect(adaptiveCardIssues(c)).toEqual([]);
  });
});
