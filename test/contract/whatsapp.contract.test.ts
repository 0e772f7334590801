/**
 * The channel-gateway contract for WhatsApp, against the local fake Graph API. The two people have
 * written to the business in the last 24 hours (so service messages may be sent), as a person does
 * before they get interactive cards.
 *
 * WhatsApp cannot edit a sent message and has no threads: an updated card is a new list message
 * quoting the first one (context.message_id), and a reply is a text quoting it. What the person
 * sees as "the alert" is that chain, so `messages()` folds each re-sent card into its root (the
 * latest text, one edit per re-send) and reports quoted texts as replies to the root.
 */
import { createDeliveriesRepo } from '../../src/store/deliveries-repo.js';
import { toPerson } from '../../src/store/engine-store.js';
import { createWhatsAppRuntime } from '../../src/bots/whatsapp/runtime.js';
import { loadConfig } from '../../src/bots/registry.js';
import { sentText, type SentMessage } from '../fakes/whatsapp-graph.js';
import { startWhatsAppWorld, APP_SECRET, VERIFY_TOKEN } from '../integration/whatsapp/world.js';
import { channelGatewayContract, type ObservedMessage } from './channel-gateway.js';

channelGatewayContract('whatsapp', async () => {
  const w = await startWhatsAppWorld();
  const people = (
    await w.app.database.pool.query(
      `SELECT * FROM people WHERE workspace_id = $1 AND external_id IN ('csm-1','csm-2') ORDER BY external_id`,
      [w.team.workspaceId],
    )
  ).rows.map(toPerson);
  const runtime = await createWhatsAppRuntime({
    config: loadConfig({
      WHATSAPP_PHONE_NUMBER_ID: w.graph.phoneNumberId,
      WHATSAPP_ACCESS_TOKEN: w.graph.token,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
      WHATSAPP_API_URL: w.graph.url,
      WHATSAPP_RECIPIENT_GAP: '0ms',
    }),
    services: w.app.services,
    log: w.app.log,
  });
  const repo = createDeliveriesRepo(w.app.database.pool);
  return {
    gateway: runtime.gateway,
    person: people[0]!,
    otherPerson: people[1]!,
    async toRef(externalId, reference, person) {
      const ref = await repo.saveConversation(
        w.team.workspaceId,
        'whatsapp',
        person.id,
        externalId,
        reference ?? {},
      );
      // The person wrote to us (their window is open), as they would have by webhook.
      await w.app.services.saveConversation({
        workspaceId: w.team.workspaceId,
        channel: 'whatsapp',
        externalId,
        personId: person.id,
        inbound: true,
      });
      w.graph.userWrote(externalId);
      return ref;
    },
    async messages(conv) {
      const sent = w.graph.to(conv.externalId);
      const out: ObservedMessage[] = [];
      const byId = new Map<string, ObservedMessage>();
      const isCard = (m: SentMessage) => m.type === 'interactive';
      for (const m of sent) {
        const root = m.quotes ? byId.get(m.quotes) : undefined;
        if (root && isCard(m)) {
          root.text = sentText(m);
          root.edits++;
          continue;
        }
        const o: ObservedMessage = { id: m.id, rootId: m.quotes, text: sentText(m), edits: 0 };
        out.push(o);
        byId.set(m.id, o);
      }
      return out;
    },
    close: () => w.close(),
  };
});
