/**
 * The Microsoft Teams activities of the real-world corpus (teams/*.json, PROVENANCE.md), POSTed to
 * the product's Bot Framework messaging endpoint (/api/messages, src/bots/teams/router.ts) with only
 * the fields PROVENANCE.md names adapted at replay time, and `serviceUrl` (a host) pointed at the
 * local Bot Connector fake. Each case asserts what the Teams user sees: the welcome, the alert card
 * in their chat, the card updated by Acknowledge, the help text, the CSV review card, or the
 * "not connected" answer — and, for strangers, that nothing is stored and nothing is shown.
 *
 * Two workspaces, so an unknown user's answer is checked against what it must not reveal:
 * "Test Co" (seedTeam) holds Megan Bowen, the docs' user of tenant 72f988bf…, and the manager who
 * sends the CSV; "Other Co" holds Rido, the user of the teams.net capture (tenant 56653e9d…), whose
 * ids replace the placeholders of the docs' personal install so the captured invoke can be replayed
 * with only its listed fields changed.
 *
 * Authentication: anonymous (TEAMS_ANONYMOUS=on), like every Teams test: a signed round trip
 * cannot be pointed at local servers (test/integration/teams/world.ts says why).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { NOT_CONNECTED } from '../../../src/bots/teams/messages.js';
import { HELP_TEXT } from '../../../src/chat/services.js';
import { teamsText } from '../../../src/bots/teams/text.js';
import { createWorkspace } from '../../../src/store/workspaces.js';
import { adaptiveCardIssues } from '../../helpers/adaptive-cards.js';
import { apiClient, eventually, sleep } from '../../helpers/app.js';
import { cardOf, messageText, type RecordedMessage } from '../../fakes/bot-connector.js';
import { cardMessages, findExecute, fixture, startTeamsWorld, type TeamsWorld } from '../teams/world.js';
import { corpusBytes, corpusFiles, corpusJson, describeCorpus } from './corpus.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FILES = [
  'conversationUpdate-personal-install-docs.json',
  'conversationUpdate-team-install-docs.json',
  'file-download-info-attachment-docs.json',
  'invoke-adaptiveCard-action-teams-net-capture.json',
  'message-channel-mention-teams-net-capture.json',
  'message-personal-docs.json',
];
const ERROR_TEXT = 'Sorry, something went wrong';

let w: TeamsWorld;
let other: { workspaceId: string; api: ReturnType<typeof apiClient>; personIds: Record<string, string> };
/** Rido, as the teams.net capture names him: user, chat, tenant and the bot he talks to. */
let rido: { id: string; aadObjectId: string; name: string; chat: string; tenant: string; bot: Json };
let megan: { id: string; aadObjectId: string; chat: string; tenant: string; personId: string };
/** The alert card the personal install made reachable (replayed invoke's target). */
let ridoCard: { message: RecordedMessage; alertId: string } | undefined;

/** A corpus activity with `serviceUrl` on the fake and `adapt` applied, POSTed to /api/messages. */
async function replay(file: string, adapt: (a: Json) => void = () => undefined) {
  const activity = corpusJson(`teams/${file}`) as Json;
  activity.serviceUrl = w.connector.serviceUrl;
  adapt(activity);
  const res = await w.post(activity);
  return { ...res, activity };
}

const q = async (sql: string, params: unknown[] = []) => (await w.app.database.pool.query(sql, params)).rows;

/** What the product remembers about Teams: conversations, bound tenants and users, linked people. */
const remembered = async () =>
  (
    await q(`SELECT (SELECT count(*)::int FROM conversations WHERE channel = 'teams') AS conversations,
                    (SELECT count(*)::int FROM chat_installations WHERE channel = 'teams') AS installations,
                    (SELECT count(*)::int FROM people WHERE identities ? 'teams') AS linked`)
  )[0];

const tenantBinding = async (tenant: string) =>
  (
    await q(`SELECT workspace_id FROM chat_installations WHERE channel = 'teams' AND external_id = $1`, [
      tenant,
    ])
  )[0]?.workspace_id ?? null;
const conversationRow = async (externalId: string) =>
  (
    await q(
      `SELECT workspace_id, person_id, reference FROM conversations WHERE channel = 'teams' AND external_id = $1`,
      [externalId],
    )
  )[0] as { workspace_id: string; person_id: string | null; reference: Json } | undefined;

/** Names of both workspaces' people and customers: none may appear in a stranger's answer. */
const WORKSPACE_NAMES = [
  'Test Co',
  'Other Co',
  'Northwind',
  'Globex',
  'Fabrikam',
  'Dana',
  'Megan',
  'Rido',
  'Quinn',
];

describeCorpus('real-world Microsoft Teams activities through /api/messages', () => {
  beforeAll(async () => {
    w = await startTeamsWorld({ snooze: '1h', ackTimeout: '1h' });
    const created = await createWorkspace(w.app.database.db, { name: 'Other Co' });
    const api = apiClient(w.app.url, created.apiKey);
    const people = await api.post('/api/v1/people', [
      { externalId: 'lead-b', name: 'Quinn Lead', email: 'quinn@other.example', role: 'csm_manager' },
      {
        externalId: 'rido',
        name: 'Rido',
        email: 'rido@other.example',
        role: 'csm',
        managerExternalId: 'lead-b',
      },
    ]);
    expect(people.status).toBe(200);
    const customers = await api.post('/api/v1/customers', [
      { externalId: 'b-1', name: 'Fabrikam Bank', tier: 'platinum', csmExternalId: 'rido' },
    ]);
    expect(customers.status).toBe(200);
    expect((await api.patch('/api/v1/settings', { snooze: '1h', ackTimeout: '1h' })).status).toBe(200);
    other = {
      workspaceId: created.workspaceId,
      api,
      personIds: Object.fromEntries(
        (people.body.people as { externalId: string; id: string }[]).map((p) => [p.externalId, p.id]),
      ),
    };

    const capture = corpusJson('teams/invoke-adaptiveCard-action-teams-net-capture.json') as Json;
    rido = {
      id: capture.from.id,
      aadObjectId: capture.from.aadObjectId,
      name: capture.from.name,
      chat: capture.conversation.id,
      tenant: capture.channelData.tenant.id,
      bot: capture.recipient,
    };
    // The roster answers with the email, as Teams does: that is how each user is matched.
    w.connector.addUser({
      id: rido.id,
      aadObjectId: rido.aadObjectId,
      name: rido.name,
      email: 'rido@other.example',
    });

    const docs = corpusJson('teams/message-personal-docs.json') as Json;
    const m = await w.team.api.post('/api/v1/people', [
      {
        externalId: 'megan',
        name: 'Megan Bowen',
        email: 'megan@test.example',
        role: 'csm',
        managerExternalId: 'mgr-1',
      },
    ]);
    expect(m.status).toBe(200);
    const meganId = (m.body.people as { externalId: string; id: string }[]).find(
      (p) => p.externalId === 'megan',
    )!.id;
    megan = {
      id: docs.from.id,
      aadObjectId: docs.from.aadObjectId,
      chat: docs.conversation.id,
      tenant: docs.channelData.tenant.id,
      personId: meganId,
    };
    w.connector.addUser({
      id: megan.id,
      aadObjectId: megan.aadObjectId,
      name: docs.from.name,
      email: 'megan@test.example',
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('the corpus holds the six Teams activities this suite replays', () => {
    expect(corpusFiles('teams')).toEqual(FILES);
  });

  it('conversationUpdate-personal-install-docs: the CSM is welcomed and a later alert card reaches that chat', async () => {
    const r = await replay('conversationUpdate-personal-install-docs.json', (a) => {
      a.membersAdded = [{ id: rido.bot.id }, { id: rido.id, aadObjectId: rido.aadObjectId }];
      a.from = { id: rido.id, aadObjectId: rido.aadObjectId };
      a.conversation.id = rido.chat;
      a.channelData.tenant.id = rido.tenant;
      a.recipient = { ...rido.bot };
    });
    expect(r.status).toBe(200);
    // As the docs print it: the tenant only in channelData.
    expect(r.activity.conversation.tenantId).toBeUndefined();
    const welcome = await eventually(async () => w.connector.messages(rido.chat)[0]);
    expect(welcome.activity.text).toBe(
      teamsText(
        "👋 Hi Rido! I'm Fincelo: alerts about your customers will arrive here, and you can act on them from the card. Type *help* for commands.",
      ),
    );
    // Stored for Rido's workspace and for him; the tenant is bound to that workspace.
    const conv = await conversationRow(rido.chat);
    expect(conv).toMatchObject({ workspace_id: other.workspaceId, person_id: other.personIds['rido'] });
    expect(conv!.reference).toMatchObject({
      serviceUrl: w.connector.serviceUrl,
      conversation: { id: rido.chat, conversationType: 'personal', tenantId: rido.tenant },
      agent: { id: rido.bot.id },
    });
    expect(await tenantBinding(rido.tenant)).toBe(other.workspaceId);

    const usage = await other.api.post('/api/v1/usage', { customerExternalId: 'b-1', used: 99, limit: 100 });
    expect(usage.body.outcome).toBe('created');
    const message = await eventually(async () => cardMessages(w.connector.messages(rido.chat))[0]);
    expect(messageText(message)).toContain('Fabrikam Bank');
    const ack = findExecute(cardOf(message), 'acknowledge');
    expect(ack).toMatchObject({ type: 'Action.Execute', title: 'Acknowledge' });
    ridoCard = { message, alertId: String((ack!.data as Json).alertId) };
    // Sent as the bot Teams addressed, into that conversation (not a new 1:1 created elsewhere).
    const sent = w.connector.requests.find(
      (x) =>
        x.method === 'POST' &&
        decodeURIComponent(x.path) === `/amer/v3/conversations/${rido.chat}/activities`,
    );
    expect((sent?.body as Json | undefined)?.from).toMatchObject({ id: rido.bot.id });
  });

  it('invoke-adaptiveCard-action-teams-net-capture: Acknowledge from the card acknowledges the alert and updates the card', async () => {
    expect(ridoCard).toBeDefined();
    const { message, alertId } = ridoCard!;
    const ack = findExecute(cardOf(message), 'acknowledge')!;
    const r = await replay('invoke-adaptiveCard-action-teams-net-capture.json', (a) => {
      a.id = `f:${randomUUID()}`;
      a.channelData.legacy.replyToId = `1:${randomUUID()}`;
      a.replyToId = message.id;
      a.value.action = { type: 'Action.Execute', title: ack.title, verb: ack.verb, data: ack.data };
    });
    // The invoke response Teams expects: HTTP 200, {statusCode, type, value} with the new card.
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(r.body.value).toMatchObject({ type: 'AdaptiveCard' });
    expect(adaptiveCardIssues(r.body.value)).toEqual([]);
    expect(JSON.stringify(r.body.value)).toContain('Acknowledged');
    expect(JSON.stringify(r.body.value)).toContain('Fabrikam Bank');

    const alert = await other.api.get(`/api/v1/alerts/${alertId}`);
    expect(alert.body.status).toBe('acknowledged');
    const acked = (alert.body.timeline as { kind: string; channel?: string }[]).filter(
      (e) => e.kind === 'acknowledged',
    );
    expect(acked).toEqual([expect.objectContaining({ channel: 'teams' })]);
    // The message in Rido's chat is replaced (PUT) by the acknowledged card.
    const updated = await eventually(async () => {
      const m = w.connector.message(message.id)!;
      return m.history.length > 0 && messageText(m).includes('Acknowledged') ? m : null;
    });
    expect(findExecute(cardOf(updated), 'acknowledge')).toBeNull();
  });

  it('invoke-adaptiveCard-action-teams-net-capture as captured (no verb, not our card): an error answer, nothing changed', async () => {
    const sent = w.connector.requests.length;
    const r = await replay('invoke-adaptiveCard-action-teams-net-capture.json', (a) => {
      a.id = `f:${randomUUID()}`;
    });
    expect(r.activity.value.action.verb).toBeUndefined();
    expect(r.status).toBe(200);
    // Universal Actions' error response, shown on the clicked card; the action named by its title.
    expect(r.body).toEqual({
      statusCode: 400,
      type: 'application/vnd.microsoft.error',
      value: { code: 'BadRequest', message: 'Fincelo does not know the action "Submit Feedback".' },
    });
    const alert = await other.api.get(`/api/v1/alerts/${ridoCard!.alertId}`);
    expect((alert.body.timeline as { kind: string }[]).filter((e) => e.kind === 'acknowledged')).toHaveLength(
      1,
    );
    await sleep(300);
    // Nothing posted or updated in Rido's chat.
    expect(
      w.connector.requests.slice(sent).filter((x) => decodeURIComponent(x.path).includes(rido.chat)),
    ).toEqual([]);
  });

  it('message-personal-docs (tenant only in channelData): answered with the help text, for Megan’s workspace', async () => {
    const before = w.connector.messages(megan.chat).length;
    const r = await replay('message-personal-docs.json');
    expect(r.status).toBe(200);
    expect(r.activity.conversation.tenantId).toBeUndefined();
    const reply = await eventually(async () => w.connector.messages(megan.chat)[before]);
    expect(reply.rootId).toBe(r.activity.id);
    expect(reply.activity.text).toBe(teamsText(`I don't know "Hello".\n${HELP_TEXT}`));
    // Remembered in Test Co, for Megan, with the tenant taken from channelData.
    const conv = await conversationRow(megan.chat);
    expect(conv).toMatchObject({ workspace_id: w.team.workspaceId, person_id: megan.personId });
    expect(conv!.reference.conversation).toMatchObject({
      conversationType: 'personal',
      tenantId: megan.tenant,
    });
    expect(await tenantBinding(megan.tenant)).toBe(w.team.workspaceId);

    // That reference carries her alerts: a card for her customer arrives in this chat.
    await w.team.api.post('/api/v1/customers', {
      externalId: 'c-megan',
      name: 'Contoso Pharma',
      tier: 'average',
      csmExternalId: 'megan',
    });
    const usage = await w.team.api.post('/api/v1/usage', {
      customerExternalId: 'c-megan',
      used: 99,
      limit: 100,
    });
    expect(usage.body.outcome).toBe('created');
    const card = await eventually(async () => cardMessages(w.connector.messages(megan.chat))[0]);
    expect(messageText(card)).toContain('Contoso Pharma');
    expect(messageText(card)).not.toContain('Fabrikam');
  });

  it('file-download-info-attachment-docs: the manager’s file (the Freshdesk export) gets a CSV review card', async () => {
    const mgr = w.users['mgr-1']!;
    const served = w.connector.addFile('file_example.txt', corpusBytes('csv/freshdesk-tickets.csv'));
    const file = (corpusJson('teams/file-download-info-attachment-docs.json') as Json).attachments[0] as Json;
    const r = await replay('message-personal-docs.json', (a) => {
      a.id = `${Date.now()}`;
      a.from = { id: mgr.id, name: mgr.name, aadObjectId: mgr.aadObjectId };
      a.conversation.id = mgr.conversationId;
      a.text = '';
      a.attachments = [{ ...file, content: { ...file.content, downloadUrl: served.content.downloadUrl } }];
    });
    expect(r.status).toBe(200);
    expect(r.activity.attachments[0]).toMatchObject({
      name: 'file_example.txt',
      content: { fileType: 'txt' },
    });
    const review = await eventually(async () =>
      w.connector.messages(mgr.conversationId).find((m) => cardOf(m)),
    );
    const shown = JSON.stringify(cardOf(review));
    expect(shown).toContain('CSV import · file_example.txt');
    expect(shown).toContain('Freshdesk (6 of its 9 usual columns)');
    for (const [field, column] of [
      ['Ticket id', 'Ticket ID'],
      ['Subject', 'Subject'],
      ['Requester email', 'Email'],
      ['Created at', 'Created time'],
    ])
      expect(shown).toMatch(new RegExp(`"title":"${field}","value":"${column} \\(\\d+%`));
    expect(adaptiveCardIssues(cardOf(review))).toEqual([]);
    // Fetched from the downloadUrl as is, without the bot's token; nothing imported before Import.
    const download = w.connector.requests.filter(
      (x) => x.path === new URL(served.content.downloadUrl!).pathname,
    );
    expect(download).toHaveLength(1);
    expect(download[0]!.authorization).toBeUndefined();
    const imports = await q(
      `SELECT i.status, (SELECT count(*)::int FROM tickets t WHERE t.csv_import_id = i.id) AS tickets
       FROM csv_imports i WHERE i.workspace_id = $1 AND i.filename = 'file_example.txt'`,
      [w.team.workspaceId],
    );
    expect(imports).toHaveLength(1);
    expect(imports[0]!.tickets).toBe(0);
  });

  it('conversationUpdate-team-install-docs, unknown tenant and user: told it is not connected, nothing stored', async () => {
    const before = await remembered();
    const r = await replay('conversationUpdate-team-install-docs.json', (a) => {
      a.membersAdded = [{ id: a.recipient.id }];
    });
    expect(r.status).toBe(200);
    const channel = r.activity.conversation.id as string;
    const [answer, ...more] = await eventually(async () => {
      const m = w.connector.messages(channel);
      return m.length ? m : null;
    });
    expect(answer!.activity.text).toBe(teamsText(NOT_CONNECTED));
    await sleep(300);
    expect(more).toHaveLength(0);
    for (const name of WORKSPACE_NAMES) expect(messageText(answer!)).not.toContain(name);
    expect(await remembered()).toEqual(before);
    expect(await tenantBinding(r.activity.channelData.tenant.id)).toBeNull();
    expect(await conversationRow(channel)).toBeUndefined();
  });

  it('conversationUpdate-team-install-docs, tenant bound to a workspace: a welcome in the channel, no person bound', async () => {
    const docs = corpusJson('teams/conversationUpdate-team-install-docs.json') as Json;
    const tenant = docs.channelData.tenant.id as string;
    const channel = docs.conversation.id as string;
    // Test Co's admin installed the app personally in that organisation: the tenant is Test Co's.
    const setup = await w.post(fixture('personal-install', w.vars('admin-1', { tenantId: tenant })));
    expect(setup.status).toBe(200);
    expect(await tenantBinding(tenant)).toBe(w.team.workspaceId);
    const before = w.connector.messages(channel).length;
    const linked = (await remembered()).linked;

    const r = await replay('conversationUpdate-team-install-docs.json', (a) => {
      a.membersAdded = [{ id: a.recipient.id }];
    });
    expect(r.status).toBe(200);
    const welcome = await eventually(async () => w.connector.messages(channel)[before]);
    expect(welcome.activity.text).toBe(
      teamsText(
        '👋 Fincelo was added here. @mention me with *help* to see what I can do; alerts go to each person in their own chat with Fincelo.',
      ),
    );
    // The channel is remembered for Test Co without a person; the stranger is nobody's identity.
    const conv = await conversationRow(channel);
    expect(conv).toMatchObject({ workspace_id: w.team.workspaceId, person_id: null });
    expect(conv!.reference).toMatchObject({
      conversation: { id: channel, conversationType: 'channel', tenantId: tenant },
      teamId: docs.channelData.team.id,
    });
    expect(conv!.reference.user).toBeUndefined();
    expect((await remembered()).linked).toBe(linked);
    expect(
      await q(`SELECT id FROM people WHERE identities -> 'teams' ->> 'aadObjectId' = $1`, [
        docs.from.aadObjectId,
      ]),
    ).toEqual([]);
  });

  it('message-channel-mention-teams-net-capture, unknown user: told in the thread it is not connected, nothing stored', async () => {
    const before = await remembered();
    const r = await replay('message-channel-mention-teams-net-capture.json', (a) => {
      a.id = `${Date.now()}`;
    });
    expect(r.status).toBe(200);
    const channel = r.activity.channelData.channel.id as string;
    const answer = await eventually(async () => w.connector.messages(channel)[0]);
    // A reply in the thread the mention was written in.
    const posted = w.connector.requests.find(
      (x) => x.method === 'POST' && decodeURIComponent(x.path).includes(channel),
    );
    expect(decodeURIComponent(posted!.path)).toContain(`/v3/conversations/${r.activity.conversation.id}/`);
    expect(answer.activity.text).toBe(teamsText(NOT_CONNECTED));
    for (const name of WORKSPACE_NAMES) expect(messageText(answer)).not.toContain(name);
    await sleep(300);
    expect(w.connector.messages(channel)).toHaveLength(1);
    expect(await remembered()).toEqual(before);
    expect(await tenantBinding(r.activity.channelData.tenant.id)).toBeNull();
  });

  it('no replay crashed a turn, and every card sent is a valid Adaptive Card', () => {
    const all = w.connector.allMessages();
    expect(all.length).toBeGreaterThan(5);
    for (const m of all) expect(messageText(m)).not.toContain(ERROR_TEXT);
    for (const c of w.sentCards()) expect(adaptiveCardIssues(c)).toEqual([]);
  });
});
