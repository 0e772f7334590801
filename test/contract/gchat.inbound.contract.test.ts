import { createTestDatabase } from '../helpers/db.js';
import { eventually, startTestApp } from '../helpers/app.js';
import {
  chatToken,
  signGoogleToken,
  startFakeGoogleChat,
  strangerKey,
  type FakeChatMessage,
} from '../fakes/gchat-api.js';
import { gchatCardText } from '../../src/cards/render/gchat.js';
import {
  addedToDm,
  AUDIENCE,
  buttonOf,
  cardText,
  CHAT_USERS,
  click,
  gchatEnv,
  postEvent,
  seedChatTeam,
} from '../integration/gchat/world.js';
import { channelInboundContract, type Who } from './channel-inbound.js';

const KEY = { csm: 'sam', outsider: 'olly' } as const;
const STRANGER = {
  name: 'users/999',
  displayName: 'Stranger',
  email: 'stranger@elsewhere.example',
  type: 'HUMAN',
};

channelInboundContract('gchat', async () => {
  const fake = await startFakeGoogleChat();
  const db = await createTestDatabase();
  const app = await startTestApp(db, gchatEnv(fake));
  const team = await seedChatTeam(app, fake, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '24h' },
    ],
  });
  if ((await postEvent(app.url, addedToDm(fake, 'sam'))).status !== 200) throw new Error('ADDED_TO_SPACE');
  const dm = (who: Who) => (who === 'stranger' ? null : fake.dmOf(CHAT_USERS[KEY[who]].name));
  const latest = (m: FakeChatMessage) => fake.messages.find((x) => x.name === m.name)!;
  const shown: Record<Who, string[]> = { csm: [], outsider: [], stranger: [] };
  let customers = 0;
  const build = (card: unknown, who: Who, fn: string) => {
    const e = click(fake, latest(card as FakeChatMessage), who === 'stranger' ? 'sam' : KEY[who], fn);
    if (who === 'stranger') e.user = STRANGER;
    return { who, e };
  };
  return {
    authCases: ['forged', 'stale', 'missing'],
    alert: async (id) => (await team.api.get(`/api/v1/alerts/${id}`)).body,
    peopleCount: async () => (await team.api.get('/api/v1/people')).body.people.length,
    async raise() {
      const n = ++customers;
      await team.api.post('/api/v1/customers', {
        externalId: `inbound-${n}`,
        name: `Inbound ${n}`,
        tier: 'average',
        csmExternalId: 'csm-1',
      });
      const before = new Set(fake.roots(dm('csm')!).map((m) => m.name));
      const r = await team.api.post('/api/v1/usage', {
        customerExternalId: `inbound-${n}`,
        used: 90,
        limit: 100,
      });
      if (r.body.outcome !== 'created') throw new Error(`usage: ${JSON.stringify(r.body)}`);
      const card = await eventually(async () =>
        fake.roots(dm('csm')!).find((m) => !before.has(m.name) && m.body.cardsV2),
      );
      const p = buttonOf(card, 'acknowledge')!.onClick.action.parameters as { key: string; value: string }[];
      return { alertId: p.find((x) => x.key === 'alertId')!.value, card };
    },
    click: async (card, who, fn) => build(card, who, fn),
    // Chat gives every event its own eventTime; a redelivery repeats the body.
    clickAgain: async (card, who, fn) => build(card, who, fn),
    async send(req, auth = 'valid') {
      const { who, e } = req as ReturnType<typeof build>;
      const now = Math.floor(Date.now() / 1000);
      const token =
        auth === 'missing'
          ? null
          : auth === 'forged'
            ? signGoogleToken(
                {
                  iss: 'https://accounts.google.com',
                  aud: AUDIENCE,
                  email: 'chat@system.gserviceaccount.com',
                  email_verified: true,
                  iat: now,
                  exp: now + 3600,
                },
                { key: strangerKey() },
              )
            : auth === 'stale'
              ? chatToken('endpoint_url', AUDIENCE, { iat: now - 7200, exp: now - 3600 })
              : undefined;
      const res = await postEvent(app.url, e, { token });
      // Chat shows the synchronous answer: a new message (text or card) or the updated card.
      if (res.json) shown[who].push(`${res.json.text ?? ''}\n${gchatCardText(res.json.cardsV2)}`);
      return res.status;
    },
    async shownTo(who) {
      const space = dm(who);
      return [...shown[who], ...(space ? fake.messages.filter((m) => m.space === space).map(cardText) : [])];
    },
    async close() {
      await app.close();
      await db.drop();
      await fake.close();
    },
  };
});
