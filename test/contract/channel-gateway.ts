/**
 * The contract every chat channel gateway passes (playground, Slack, Teams, Google Chat,
 * WhatsApp). A harness gives the gateway under test and a view of what the platform — a local
 * fake speaking its wire format, or the playground's table — actually received.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Person } from '../../src/engine/index.js';
import { type CardMessage, type ChannelGateway, type ConversationRef } from '../../src/channels/port.js';

/** One message as the platform shows it. */
export interface ObservedMessage {
  id: string;
  /** The root message id it replies to (null for a root / top-level message). */
  rootId: string | null;
  /** All human-readable text of the message (card text included). */
  text: string;
  /** How many times it was edited after posting. */
  edits: number;
}

export interface GatewayHarness {
  gateway: ChannelGateway;
  /** A person the platform knows (and a second one). */
  person: Person;
  otherPerson: Person;
  /** Everything the platform holds in this conversation, oldest first. */
  messages(conv: ConversationRef): Promise<ObservedMessage[]>;
  /** Stores the conversation the way the product does (id is ours). */
  toRef(
    externalId: string,
    reference: Record<string, unknown> | undefined,
    person: Person,
  ): Promise<ConversationRef>;
  close(): Promise<void>;
}

const card = (title: string, status: string): CardMessage => ({
  text: `${title} — ${status}`,
  card: {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: title, weight: 'Bolder', wrap: true },
      { type: 'FactSet', facts: [{ title: 'Status', value: status }] },
    ],
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

export function channelGatewayContract(name: string, setup: () => Promise<GatewayHarness>): void {
  describe(`channel gateway contract: ${name}`, () => {
    let h: GatewayHarness;
    let conv: ConversationRef;
    beforeAll(async () => {
      h = await setup();
      const opened = await h.gateway.openConversation(h.person);
      expect(opened).not.toBeNull();
      conv = await h.toRef(opened!.externalId, opened!.reference, h.person);
    });
    afterAll(async () => {
      await h?.close();
    });

    it('opens the same direct conversation for the same person, and another for someone else', async () => {
      const again = await h.gateway.openConversation(h.person);
      const other = await h.gateway.openConversation(h.otherPerson);
      expect(again!.externalId).toBe(conv.externalId);
      expect(other!.externalId).not.toBe(conv.externalId);
    });

    it('posts a card, updates that same message in place, and replies in its thread', async () => {
      const { messageId } = await h.gateway.postCard(conv, card('Northwind crossed 86%', 'Open'));
      expect(messageId).toBeTruthy();
      await h.gateway.updateCard(conv, messageId, card('Northwind crossed 86%', 'Acknowledged'));
      const reply = await h.gateway.postReply(conv, messageId, 'Acknowledged by Sam.');
      expect(reply.messageId).toBeTruthy();
      expect(reply.messageId).not.toBe(messageId);

      const msgs = await h.messages(conv);
      const root = msgs.find((m) => m.id === messageId)!;
      expect(root).toBeDefined();
      expect(root.rootId).toBeNull();
      expect(root.text).toContain('Northwind crossed 86%');
      expect(root.text).toContain('Acknowledged');
      expect(root.text).not.toMatch(/\bOpen\b/);
      expect(root.edits).toBeGreaterThanOrEqual(1);
      const r = msgs.find((m) => m.id === reply.messageId)!;
      expect(r.rootId).toBe(messageId);
      expect(r.text).toContain('Acknowledged by Sam.');
    });

    it('posts plain text outside any thread', async () => {
      const { messageId } = await h.gateway.postText(conv, 'Escalation step skipped: no manager set.');
      const m = (await h.messages(conv)).find((x) => x.id === messageId)!;
      expect(m.rootId).toBeNull();
      expect(m.text).toContain('no manager set');
    });
  });
}
