/**
 * The playground through the inbound contract: the page posts a click to /playground/api/actions
 * as the person chosen under "Viewing as", with this start's token cookie (FINCELO_PLAYGROUND=local).
 * The token is per start, so there is no stale case: a previous start's token is simply wrong.
 */
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../helpers/app.js';
import { findExecute } from '../integration/teams/world.js';
import { channelInboundContract, type Who } from './channel-inbound.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

channelInboundContract('playground', async () => {
  const db = await createTestDatabase();
  const app = await startTestApp(db, { FINCELO_PLAYGROUND: 'local' });
  const team = await seedTeam(app);
  const start = await fetch(app.playgroundUrl!, { redirect: 'manual' });
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  const [cookieName] = cookie.split('=');
  // A person id the workspace does not have: someone Fincelo does not know.
  const person: Record<Who, string> = {
    csm: team.personIds['csm-1']!,
    outsider: team.personIds['csm-2']!,
    stranger: randomUUID(),
  };
  const shown: Record<Who, string[]> = { csm: [], outsider: [], stranger: [] };
  const messages = async (who: Who): Promise<Json[]> => {
    const r = await fetch(`${app.url}/playground/api/messages?personId=${person[who]}`, {
      headers: { cookie },
    });
    return r.status === 200 ? ((await r.json()) as Json).messages : [];
  };
  let customers = 0;
  const build = (card: unknown, who: Who, verb: string) => {
    const execute = findExecute(card, verb);
    if (!execute) throw new Error(`no ${verb} button on the card`);
    const data = execute.data as Json;
    // The page gives every click its own event id.
    return {
      who,
      body: { personId: person[who], alertId: data.alertId, action: verb, eventId: randomUUID() },
    };
  };
  return {
    authCases: ['forged', 'missing'],
    alert: async (id) => (await team.api.get(`/api/v1/alerts/${id}`)).body,
    peopleCount: async () => (await team.api.get('/api/v1/people')).body.people.length,
    async raise() {
      const n = ++customers;
      const customerExternalId = `inbound-${n}`;
      await team.api.post('/api/v1/customers', {
        externalId: customerExternalId,
        name: `Inbound ${n}`,
        tier: 'average',
        csmExternalId: 'csm-1',
      });
      const r = await team.api.post('/api/v1/usage', { customerExternalId, used: 97, limit: 100 });
      if (r.body.outcome !== 'created') throw new Error(`usage: ${JSON.stringify(r.body)}`);
      const alertId = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
        (a: { customerExternalId: string }) => a.customerExternalId === customerExternalId,
      ).id as string;
      const card = await eventually(async () =>
        (await messages('csm')).map((m) => m.card).find((c) => c && JSON.stringify(c).includes(alertId)),
      );
      return { alertId, card };
    },
    click: async (card, who, verb) => build(card, who, verb),
    clickAgain: async (card, who, verb) => build(card, who, verb),
    async send(req, auth = 'valid') {
      const { who, body } = req as ReturnType<typeof build>;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (auth === 'valid') headers.cookie = cookie;
      if (auth === 'forged') headers.cookie = `${cookieName}=not-this-start-s-token`;
      const res = await fetch(`${app.url}/playground/api/actions?workspaceId=${team.workspaceId}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      const answer = (await res.json().catch(() => null)) as Json | null;
      // The page shows the answer's message under the card.
      if (answer?.message) shown[who].push(String(answer.message));
      return res.status;
    },
    async shownTo(who) {
      return [
        ...shown[who],
        ...(await messages(who)).map((m) => `${m.text ?? ''} ${JSON.stringify(m.card ?? '')}`),
      ];
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
});
