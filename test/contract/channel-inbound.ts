/**
 * The inbound half of the channel contract: what every chat channel (Slack, Teams, Google Chat,
 * WhatsApp, the playground) does with a click on an alert card. Each harness drives its channel
 * the way the platform does — a correctly signed request to the product's own HTTP endpoint, built
 * from the platform's payload format — and reports what the platform then showed the person.
 *
 * The cases: a valid click applies once; a forged, stale or missing signature is a 401 with no
 * effect; the same delivery replayed changes nothing; two clicks on the same card (a double click)
 * act once; a person who may not act is refused, only to them; a platform user Fincelo does not
 * know is told how to get added, and nothing is stored for them.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../helpers/app.js';

export type Who = 'csm' | 'outsider' | 'stranger';
export type AuthCase = 'forged' | 'stale' | 'missing';

/** A click as the platform would deliver it; opaque to the contract. */
export type InboundRequest = unknown;

export interface InboundHarness {
  /** The workspace's API (GET /api/v1/alerts/:id), to see what a click changed. */
  alert(alertId: string): Promise<{ status: string; timeline: { kind: string }[] }>;
  /** How many people the workspace has (an unknown user must not become one). */
  peopleCount(): Promise<number>;
  /**
   * Adds a new customer whose CSM is `csm`, raises a usage alert for it and waits for its card in
   * the CSM's conversation. `card` is whatever the harness needs to build a click on it.
   */
  raise(): Promise<{ alertId: string; card: unknown }>;
  /** The request the platform sends when `who` clicks the card's `action` button. */
  click(card: unknown, who: Who, action: 'acknowledge' | 'resolve'): Promise<InboundRequest>;
  /** A second, distinct delivery of a click on the same card (a double click): new event id. */
  clickAgain(card: unknown, who: Who, action: 'acknowledge' | 'resolve'): Promise<InboundRequest>;
  /** Sends the request with valid authentication, or with it tampered. Returns the HTTP status. */
  send(req: InboundRequest, auth?: 'valid' | AuthCase): Promise<number>;
  /** The tampered forms this platform has (WhatsApp's signature has no timestamp: no 'stale'). */
  authCases: AuthCase[];
  /**
   * Where the refusal of unauthenticated requests is tested instead, when this harness cannot
   * mint valid credentials itself (then authCases is empty).
   */
  authCoveredBy?: string;
  /** Every text the platform has shown `who` so far (ephemeral, reply, DM or response body). */
  shownTo(who: Who): Promise<string[]>;
  close(): Promise<void>;
}

const count = (timeline: { kind: string }[], kind: string) => timeline.filter((e) => e.kind === kind).length;

/** What a click can change: the status and the timeline (delivery bookkeeping aside, which the
 * outbox may still be writing for the card itself). */
async function effect(h: InboundHarness, alertId: string) {
  const a = await h.alert(alertId);
  return { status: a.status, kinds: a.timeline.map((e) => e.kind).filter((k) => !k.startsWith('deliver')) };
}

export function channelInboundContract(name: string, setup: () => Promise<InboundHarness>): void {
  describe(`channel inbound contract: ${name}`, () => {
    let h: InboundHarness;
    /** The alert of the first case, still open afterwards, reused by the stranger's case. */
    let untouched: { alertId: string; card: unknown };
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(async () => {
      await h?.close();
    });

    it('a forged, stale or missing signature gets 401 and changes nothing', async () => {
      untouched = await h.raise();
      const { alertId, card } = untouched;
      const before = await effect(h, alertId);
      if (!h.authCases.length) {
        expect(h.authCoveredBy).toMatch(/\.test\.ts$/);
        return;
      }
      for (const auth of h.authCases) {
        const req = await h.click(card, 'csm', 'acknowledge');
        expect([auth, await h.send(req, auth)]).toEqual([auth, 401]);
      }
      await new Promise((r) => setTimeout(r, 300)); // give a wrongly accepted click time to land
      expect(await effect(h, alertId)).toEqual(before);
      expect(before.status).toBe('open');
    });

    it('a valid click applies once; the same delivery replayed changes nothing', async () => {
      const { alertId, card } = await h.raise();
      const req = await h.click(card, 'csm', 'acknowledge');
      expect(await h.send(req)).toBeLessThan(300);
      const acked = await eventually(async () => {
        const a = await effect(h, alertId);
        return a.status === 'acknowledged' ? a : null;
      });
      expect(acked.kinds.filter((k) => k === 'acknowledged')).toHaveLength(1);
      expect(await h.send(req)).toBeLessThan(300);
      await new Promise((r) => setTimeout(r, 300));
      expect(await effect(h, alertId)).toEqual(acked);
    });

    it('two clicks on the same card at once (a double click) resolve the alert once', async () => {
      const { alertId, card } = await h.raise();
      const first = await h.click(card, 'csm', 'resolve');
      const second = await h.clickAgain(card, 'csm', 'resolve');
      const statuses = await Promise.all([h.send(first), h.send(second)]);
      // Each is answered (the later one may say it was already done: the playground's 409), none a 5xx.
      expect(Math.min(...statuses)).toBeLessThan(300);
      for (const s of statuses) expect(s).toBeLessThan(500);
      await eventually(async () => (await h.alert(alertId)).status === 'resolved');
      await new Promise((r) => setTimeout(r, 300));
      expect(count((await h.alert(alertId)).timeline, 'resolved')).toBe(1);
    });

    it('refuses a person who is not on the alert, tells only them, and changes nothing', async () => {
      const { alertId, card } = await h.raise();
      const before = await effect(h, alertId);
      const csmSaw = (await h.shownTo('csm')).length;
      // Answered (Slack and Chat with 200 and a message, the playground with 403), never 401 or 5xx.
      const status = await h.send(await h.click(card, 'outsider', 'resolve'));
      expect(status).toBeLessThan(500);
      expect(status).not.toBe(401);
      const said = await eventually(async () =>
        (await h.shownTo('outsider')).find((t) => /sorry|only its assignee|can.t|may not/i.test(t)),
      );
      expect(said).toBeTruthy();
      const after = await effect(h, alertId);
      expect(after.status).toBe('open');
      // The refusal is recorded on the timeline; nothing else changed.
      expect(after.kinds.filter((k) => k !== 'refused')).toEqual(before.kinds);
      expect((await h.shownTo('csm')).slice(csmSaw).join('\n')).not.toMatch(/sorry|refused/i);
    });

    it('tells a platform user Fincelo does not know how to get added, and stores nothing', async () => {
      const { alertId, card } = untouched;
      const before = await effect(h, alertId);
      const people = await h.peopleCount();
      const status = await h.send(await h.click(card, 'stranger', 'acknowledge'));
      expect(status).toBeLessThan(500);
      expect(status).not.toBe(401);
      const said = await eventually(async () =>
        (await h.shownTo('stranger')).find((t) => /admin|add you|don.t know who you are/i.test(t)),
      );
      expect(said).toBeTruthy();
      expect(await effect(h, alertId)).toEqual(before);
      expect(await h.peopleCount()).toBe(people);
    });
  });
}
