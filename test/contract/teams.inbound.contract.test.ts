/**
 * Teams through the inbound contract. The Bot Service signs with keys served by
 * login.botframework.com, which this machine cannot reach, so a valid token cannot be minted here:
 * the adapter runs anonymously (test/integration/teams/world.ts) for the behaviour, and the refusal
 * of missing, forged and malformed tokens is tested with an app id configured in
 * test/integration/teams/auth.test.ts.
 */
import { eventually } from '../helpers/app.js';
import { cardOf, messageText, type RecordedMessage } from '../fakes/bot-connector.js';
import { cardMessages, findExecute, fixture, startTeamsWorld } from '../integration/teams/world.js';
import { channelInboundContract, type Who } from './channel-inbound.js';

const EXT: Record<Exclude<Who, 'stranger'>, string> = { csm: 'csm-1', outsider: 'outsider' };
const STRANGER = {
  id: '29:1stranger',
  aadObjectId: '0b7d0b1e-0000-4000-8000-00000000beef',
  name: 'Stranger',
};

channelInboundContract('teams', async () => {
  const w = await startTeamsWorld({ snooze: '1h', ackTimeout: '1h' });
  for (const p of ['csm-1', 'outsider']) await w.install(p);
  w.connector.addUser(STRANGER);
  const shown: Record<Who, string[]> = { csm: [], outsider: [], stranger: [] };
  let customers = 0;
  const build = (card: unknown, who: Who, verb: string) => {
    const m = card as RecordedMessage;
    const action = findExecute(cardOf(w.connector.message(m.id)), verb);
    if (!action) throw new Error(`no ${verb} button on ${m.id}`);
    const vars = w.vars(who === 'stranger' ? 'csm-1' : EXT[who], {
      replyToId: m.id,
      verb,
      title: String(action.title),
    });
    const strangerVars: Record<string, string> =
      who === 'stranger'
        ? {
            userId: STRANGER.id,
            aadObjectId: STRANGER.aadObjectId,
            userName: STRANGER.name,
            conversationId: 'a:1stranger',
          }
        : {};
    return {
      who,
      activity: fixture(
        'invoke-action',
        { ...vars, ...strangerVars },
        { value: { action: { data: action.data } } },
      ),
    };
  };
  return {
    authCases: [],
    authCoveredBy: 'test/integration/teams/auth.test.ts',
    alert: async (id) => (await w.team.api.get(`/api/v1/alerts/${id}`)).body,
    peopleCount: async () => (await w.team.api.get('/api/v1/people')).body.people.length,
    async raise() {
      const n = ++customers;
      await w.team.api.post('/api/v1/customers', {
        externalId: `inbound-${n}`,
        name: `Inbound ${n}`,
        tier: 'average',
        csmExternalId: 'csm-1',
      });
      const before = cardMessages(w.chat('csm-1')).length;
      const r = await w.team.api.post('/api/v1/usage', {
        customerExternalId: `inbound-${n}`,
        used: 99,
        limit: 100,
      });
      if (r.body.outcome !== 'created') throw new Error(`usage: ${JSON.stringify(r.body)}`);
      const card = await eventually(async () => cardMessages(w.chat('csm-1'))[before]);
      const alertId = String((findExecute(cardOf(card), 'acknowledge')!.data as { alertId: string }).alertId);
      return { alertId, card };
    },
    click: async (card, who, verb) => build(card, who, verb),
    // A second click is a second invoke activity: its own activity id.
    clickAgain: async (card, who, verb) => build(card, who, verb),
    async send(req) {
      const { who, activity } = req as ReturnType<typeof build>;
      const r = await w.post(activity);
      // An invoke is answered in its response: a message (a refusal, a notice) or the updated card.
      if (r.body?.value !== undefined)
        shown[who].push(typeof r.body.value === 'string' ? r.body.value : JSON.stringify(r.body.value));
      return r.status;
    },
    async shownTo(who) {
      const conv = who === 'stranger' ? 'a:1stranger' : w.users[EXT[who]]!.conversationId;
      return [...shown[who], ...w.connector.messages(conv).map(messageText)];
    },
    close: () => w.close(),
  };
});
