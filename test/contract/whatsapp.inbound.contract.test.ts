/**
 * WhatsApp through the inbound contract: a card is a list message; a click is the list reply
 * Meta posts to the webhook, signed with X-Hub-Signature-256 over the body. That signature has
 * no timestamp (developers.facebook.com/docs/graph-api/webhooks/getting-started), so there is no
 * stale case: a replay is caught by the message id instead.
 */
import { listRows, sentText, type SentMessage } from '../fakes/whatsapp-graph.js';
import { sign, startWhatsAppWorld } from '../integration/whatsapp/world.js';
import { channelInboundContract, type Who } from './channel-inbound.js';

// Alex is a CSM of the workspace who is not on these alerts; the stranger's number is unknown.
const EXT: Record<Who, string> = { csm: 'csm-1', outsider: 'csm-2', stranger: '15550001111' };
const ROW = { acknowledge: 'Acknowledge', resolve: 'Mark Resolved' } as const;

channelInboundContract('whatsapp', async () => {
  const w = await startWhatsAppWorld({ cooldown: '1h' });
  // Both have written to the business number: the 24-hour window is open for free-form answers.
  for (const ext of [EXT.csm, EXT.outsider]) await w.text(ext, 'hi');
  w.graph.userWrote(EXT.stranger);
  let customers = 0;
  const build = (card: unknown, who: Who, action: keyof typeof ROW) => {
    const m = card as SentMessage;
    const row = listRows(m).find((r) => r.title.startsWith(ROW[action]));
    if (!row) throw new Error(`no ${ROW[action]} row on ${m.id}`);
    return JSON.stringify(
      w.payload('list-reply', EXT[who], { replyId: row.id, contextId: m.id, title: row.title }),
    );
  };
  return {
    authCases: ['forged', 'missing'],
    alert: async (id) => (await w.team.api.get(`/api/v1/alerts/${id}`)).body,
    peopleCount: async () => (await w.team.api.get('/api/v1/people')).body.people.length,
    async raise() {
      const n = ++customers;
      const customerExternalId = `inbound-${n}`;
      await w.team.api.post('/api/v1/customers', {
        externalId: customerExternalId,
        name: `Inbound ${n}`,
        tier: 'average',
        csmExternalId: 'csm-1',
      });
      const mark = w.chat('csm-1').length;
      const r = await w.team.api.post('/api/v1/usage', { customerExternalId, used: 97, limit: 100 });
      if (r.body.outcome !== 'created') throw new Error(`usage: ${JSON.stringify(r.body)}`);
      const card = await w.next(
        'csm-1',
        mark,
        (m) => listRows(m).length > 0 && sentText(m).includes(`Inbound ${n}`),
      );
      const alertId = (await w.team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
        (a: { customerExternalId: string }) => a.customerExternalId === customerExternalId,
      ).id as string;
      return { alertId, card };
    },
    click: async (card, who, action) => build(card, who, action),
    // Each list reply is its own inbound message (its own wamid).
    clickAgain: async (card, who, action) => build(card, who, action),
    async send(req, auth = 'valid') {
      const raw = req as string;
      const signature =
        auth === 'forged' ? sign(raw, 'not-the-app-secret') : auth === 'missing' ? null : undefined;
      return (await w.post(raw, signature)).status;
    },
    shownTo: async (who) => w.chat(EXT[who]).map(sentText),
    close: () => w.close(),
  };
});
