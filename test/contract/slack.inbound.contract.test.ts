import { createTestDatabase } from '../helpers/db.js';
import { eventually, startTestApp } from '../helpers/app.js';
import { startFakeSlack, type FakeSlackMessage } from '../fakes/slack-api.js';
import {
  buttonOf,
  clickPayload,
  interaction,
  messageText,
  postSlack,
  seedSlackTeam,
  SLACK_USERS,
  slackEnv,
} from '../integration/slack/support.js';
import { channelInboundContract, type Who } from './channel-inbound.js';

const USER: Record<Who, string> = { csm: 'U0SAM', outsider: 'U0OLLY', stranger: 'U0STRANGER' };

channelInboundContract('slack', async () => {
  const fake = await startFakeSlack({ users: SLACK_USERS });
  const db = await createTestDatabase();
  const app = await startTestApp(db, slackEnv(fake));
  const team = await seedSlackTeam(app, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '1h' },
    ],
  });
  const latest = (m: FakeSlackMessage) =>
    fake.messages.find((x) => x.channel === m.channel && x.ts === m.ts)!;
  let clicks = 0;
  let customers = 0;
  const payload = (card: unknown, who: Who, action: string) => {
    const p = clickPayload(fake, latest(card as FakeSlackMessage), USER[who], action);
    // action_ts names one click (with the user and the action): each click its own moment.
    p.actions[0].action_ts = `${Math.floor(Date.now() / 1000)}.${String(++clicks).padStart(6, '0')}`;
    return p;
  };
  return {
    authCases: ['forged', 'stale', 'missing'],
    alert: async (id) => (await team.api.get(`/api/v1/alerts/${id}`)).body,
    peopleCount: async () => (await team.api.get('/api/v1/people')).body.people.length,
    async raise() {
      const customerExternalId = `inbound-${++customers}`;
      await team.api.post('/api/v1/customers', {
        externalId: customerExternalId,
        name: `Inbound ${customers}`,
        tier: 'average',
        csmExternalId: 'csm-1',
      });
      const r = await team.api.post('/api/v1/usage', {
        customerExternalId,
        used: 97,
        limit: 100,
        metric: 'seats',
      });
      if (r.body.outcome !== 'created') throw new Error(`usage: ${JSON.stringify(r.body)}`);
      const alertId = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
        (a: { customerExternalId: string }) => a.customerExternalId === customerExternalId,
      ).id as string;
      const card = await eventually(async () =>
        fake.roots('D0SAM').find((m) => String(buttonOf(m, 'resolve')?.value ?? '').includes(alertId)),
      );
      return { alertId, card };
    },
    click: async (card, who, action) => payload(card, who, action),
    clickAgain: async (card, who, action) => payload(card, who, action),
    async send(req, auth = 'valid') {
      const post = interaction(req as Record<string, unknown>);
      if (auth === 'missing') {
        const res = await fetch(`${app.url}/slack/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(post.form).toString(),
        });
        return res.status;
      }
      if (auth === 'forged') post.secret = 'not-the-signing-secret';
      if (auth === 'stale') post.ts = Math.floor(Date.now() / 1000) - 6 * 60;
      return (await postSlack(app.url, post)).status;
    },
    async shownTo(who) {
      const user = USER[who];
      const dm = `D0${user.slice(2)}`;
      return [
        ...fake.ephemerals.filter((e) => e.user === user).map((e) => e.text),
        ...fake.messages.filter((m) => m.channel === dm).map(messageText),
      ];
    },
    async close() {
      await app.close();
      await db.drop();
      await fake.close();
    },
  };
});
