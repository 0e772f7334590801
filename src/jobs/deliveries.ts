import {
  channelFor,
  DEFAULT_SETTINGS,
  formatDuration,
  parseDurationMs,
  type Channel,
  type Person,
} from '../engine/index.js';
import type { ClaimedDelivery, DeliveriesRepo } from '../store/deliveries-repo.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import {
  type CardMessage,
  type ChannelGateway,
  type ConversationRef,
  PermanentDeliveryError,
  backoffMs,
} from '../channels/port.js';

/** Renders an alert's card for one viewer (injected by the composition root). */
export type CardRenderer = (
  alertId: string,
  /** viewer null: a team conversation (role channel), times in the workspace's zone. */
  opts: { intro?: string | null; viewer: Person | null; channel: Channel },
) => Promise<CardMessage | null>;

export interface DeliveryWorkerOptions {
  gateway: ChannelGateway;
  repo: DeliveriesRepo;
  renderCard: CardRenderer;
  log: Logger;
  metrics?: Metrics;
  /** Attempts before a delivery is given up and reported (default 6). */
  maxAttempts?: number;
  /** Deliveries sent in parallel (different alerts/people; one thread is always in order). */
  parallel?: number;
  enabledChannels: ReadonlySet<Channel>;
  /** Longest time one drain pass keeps sending (default 60 s). */
  maxDrainMs?: number;
  /** Wakes another channel's drain (a delivery rerouted there by a message cap). */
  kick?: (channel: Channel) => void;
}

/**
 * Drains the outbox for one channel: `deliver:<channel>` jobs call `drain()`; only the process
 * that runs that channel defines the job, so a Slack delivery is sent by the Slack process.
 */
export function createDeliveryWorker(o: DeliveryWorkerOptions) {
  const maxAttempts = o.maxAttempts ?? 6;
  const channel = o.gateway.channel;

  async function conversationFor(d: ClaimedDelivery, person: Person): Promise<ConversationRef | null> {
    const known = await o.repo.conversationFor(d.workspaceId, channel, person.id);
    if (known) return known;
    const opened = await o.gateway.openConversation(person);
    if (!opened) return null;
    return o.repo.saveConversation(
      d.workspaceId,
      channel,
      person.id,
      opened.externalId,
      opened.reference ?? {},
    );
  }

  /** A role channel's conversation (issue 20 item 6): stored once, with no person. */
  async function channelConversation(d: ClaimedDelivery, externalId: string): Promise<ConversationRef> {
    const known = await o.repo.conversationByExternalId(d.workspaceId, channel, externalId);
    if (known) return known;
    const opened = await o.gateway.openChannel?.(d.workspaceId, externalId);
    if (!opened)
      throw new PermanentDeliveryError(
        `Fincelo cannot post in ${channel} conversation ${externalId}: add the Fincelo app to it first.`,
      );
    return o.repo.saveConversation(d.workspaceId, channel, null, opened.externalId, opened.reference ?? {});
  }

  async function send(d: ClaimedDelivery, done: Set<string>): Promise<void> {
    const r = d.request;
    if (r.kind === 'channel_card') {
      const conv = await channelConversation(d, r.conversation);
      const existing = await o.repo.thread(r.alertId, conv.id);
      if (existing?.rootMessageId) {
        // The chain reached this channel before (a reassign restarted it): one thread, updated.
        if (r.intro) await o.repo.setThreadIntro(existing.id, r.intro);
        const intro = r.intro ?? existing.intro;
        await o.gateway.updateCard(conv, existing.rootMessageId, await renderFor(r.alertId, null, intro));
        if (r.intro) await o.gateway.postReply(conv, existing.rootMessageId, r.intro);
        return;
      }
      const msg = await o.renderCard(r.alertId, { intro: r.intro ?? null, viewer: null, channel });
      if (!msg) return;
      const { messageId } = await o.gateway.postCard(conv, msg);
      await o.repo.saveThread(d.workspaceId, r.alertId, channel, conv.id, messageId, r.intro ?? null);
      return;
    }
    if (r.kind === 'post_card' || r.kind === 'notice' || r.kind === 'card') {
      const person = await o.repo.person(r.personId);
      if (!person) return; // person deleted since: nothing to send
      const conv = await conversationFor(d, person);
      if (!conv)
        throw new PermanentDeliveryError(
          `${person.name} cannot be reached on ${channel} (no ${channel} identity found).`,
        );
      if (r.kind === 'notice') {
        await o.gateway.postText(conv, r.text);
        return;
      }
      if (r.kind === 'card') {
        await o.gateway.postCard(conv, { card: r.card, text: r.text });
        return;
      }
      const msg = await o.renderCard(r.alertId, { intro: r.intro ?? null, viewer: person, channel });
      if (!msg) return;
      const existing = await o.repo.thread(r.alertId, conv.id);
      if (existing?.rootMessageId) {
        // Already has this alert in this conversation: keep one root, update it, reply in its thread.
        if (r.intro) await o.repo.setThreadIntro(existing.id, r.intro);
        const intro = r.intro ?? existing.intro;
        await o.gateway.updateCard(conv, existing.rootMessageId, await renderFor(r.alertId, person, intro));
        if (r.intro) await o.gateway.postReply(conv, existing.rootMessageId, r.intro);
        return;
      }
      const { messageId } = await o.gateway.postCard(conv, msg);
      await o.repo.saveThread(d.workspaceId, r.alertId, channel, conv.id, messageId, r.intro ?? null);
      return;
    }
    // A person this step just sent the card to gets neither the note nor an update (same card).
    const except = new Set(r.kind === 'update_cards' ? (r.except ?? []) : []);
    const threads = (await o.repo.threads(r.alertId, channel)).filter(
      (t) => !t.personId || !except.has(t.personId),
    );
    const combined = r.kind === 'update_cards' && !!r.note && !!o.gateway.updateCardWithReply;
    // The cards first, in every thread — the person who just acted sees the new state soonest (Google
    // Chat's click answer waits for this render) — then what happened, as replies: two passes, so the
    // platform's per-conversation pacing overlaps across conversations. Each send is recorded per
    // thread before the next one, so a retry after a crash sends only what is left. What a crash can
    // still duplicate is the one send in flight (sent, not yet recorded): a card update is idempotent,
    // a reply is not.
    for (const t of threads) {
      if (!t.rootMessageId || done.has(t.id)) continue;
      if (r.kind === 'reply_all') {
        await o.gateway.postReply(t.conversation, t.rootMessageId, r.text);
      } else {
        const viewer = t.personId ? await o.repo.person(t.personId) : null;
        // A thread in a team conversation (role channel) has no person: rendered for the workspace.
        if (!viewer && t.personId) continue;
        // The card keeps the line it was sent with (who escalated it to this person, and why).
        const card = await renderFor(r.alertId, viewer, t.intro);
        if (combined) await o.gateway.updateCardWithReply!(t.conversation, t.rootMessageId, card, r.note!);
        else
          await o.gateway.updateCard(
            t.conversation,
            t.rootMessageId,
            card,
            r.quiet ? { quiet: true } : undefined,
          );
      }
      done.add(t.id);
      await o.repo.markTargetDone(d.id, t.id);
    }
    if (r.kind === 'update_cards' && r.note && !combined)
      for (const t of threads) {
        const key = `${t.id}:note`;
        // Threads the first pass skipped (a deleted person) get no note either.
        if (!t.rootMessageId || !done.has(t.id) || done.has(key)) continue;
        await o.gateway.postReply(t.conversation, t.rootMessageId, r.note);
        done.add(key);
        await o.repo.markTargetDone(d.id, key);
      }
  }

  async function renderFor(
    alertId: string,
    viewer: Person | null,
    intro: string | null = null,
  ): Promise<CardMessage> {
    const msg = await o.renderCard(alertId, { viewer, channel, intro });
    if (!msg) throw new PermanentDeliveryError('alert no longer exists');
    return msg;
  }

  /**
   * Why a claimed delivery must not be sent any more (issue 21 item 4), or null: queued for longer
   * than the workspace's `deliveryExpiry` (default 24 h) — a card or reply that old is stale news —
   * or a new card for an alert resolved meanwhile (its thread, if any, still gets the update).
   */
  function expiredBecause(d: ClaimedDelivery, now = Date.now()): string | null {
    const expiryMs =
      parseDurationMs(d.deliveryExpiry ?? '') ?? parseDurationMs(DEFAULT_SETTINGS.deliveryExpiry)!;
    if ((d.request.kind === 'post_card' || d.request.kind === 'channel_card') && d.alertStatus === 'resolved')
      return 'the alert was resolved before this card could be sent';
    const queuedMs = now - d.createdAt.getTime();
    if (queuedMs > expiryMs)
      return `queued for ${formatDuration(Math.floor(queuedMs / 1000) * 1000)}, longer than the delivery expiry (${formatDuration(expiryMs)}): dropped instead of sent late`;
    return null;
  }

  /**
   * The monthly message cap (`channelCaps`, issue 21 item 7: since October 2026 Meta charges
   * WhatsApp service messages too). Once the workspace has sent `monthlyCap` messages on this
   * channel this UTC month, a message to a person goes to their other channel instead (their
   * preferred or any identity, else the playground) and a thread update on this channel is dropped
   * (its card lives on; the timeline says why); the admins are told once a month. True = handled.
   */
  async function capped(d: ClaimedDelivery): Promise<boolean> {
    if (d.monthlyCap === null) return false;
    const used = await o.repo.monthUsage(d.workspaceId, channel);
    if (used < d.monthlyCap) return false;
    const reason = `the workspace's monthly ${channel} cap of ${d.monthlyCap} messages is reached (${used} sent this month)`;
    const r = d.request;
    if (r.kind === 'post_card' || r.kind === 'notice' || r.kind === 'card') {
      const person = await o.repo.person(r.personId);
      const others = new Set([...o.enabledChannels].filter((c) => c !== channel));
      const to = person ? channelFor(person, others) : null;
      if (to) {
        await o.repo.reroute(d, to, reason);
        o.kick?.(to);
        o.metrics?.deliveries.inc({ channel, outcome: 'rerouted' });
      } else await o.repo.markExpired(d, reason, 'delivery_capped');
    } else {
      await o.repo.markExpired(d, reason, 'delivery_capped');
      o.metrics?.deliveries.inc({ channel, outcome: 'capped' });
    }
    o.log.info({ delivery: d.id, channel, cap: d.monthlyCap, used }, 'monthly message cap reached');
    if (await o.repo.firstCapNotice(d.workspaceId, channel)) {
      const others = new Set([...o.enabledChannels].filter((c) => c !== channel));
      for (const admin of await o.repo.admins(d.workspaceId)) {
        const to = channelFor(admin, others);
        await o.repo.enqueueNotice(
          d.workspaceId,
          to,
          admin.id,
          `💸 This workspace reached its monthly ${channel} cap of ${d.monthlyCap} messages. Until the month ends, people get their alerts on their other channel; raise the cap under settings (channelCaps) to send on ${channel} again.`,
        );
        o.kick?.(to);
      }
    }
    return true;
  }

  async function handle(d: ClaimedDelivery): Promise<void> {
    const done = new Set(d.request.done ?? []);
    const expired = expiredBecause(d);
    if (expired) {
      await o.repo.markExpired(d, expired);
      o.metrics?.deliveries.inc({ channel, outcome: 'expired' });
      o.log.info({ delivery: d.id, channel, reason: expired }, 'delivery expired');
      return;
    }
    try {
      if (await capped(d)) return;
      await send(d, done);
      await o.repo.markSent(d.id);
      o.metrics?.deliveries.inc({ channel, outcome: 'sent' });
    } catch (err) {
      const message = (err as Error).message;
      const permanent = err instanceof PermanentDeliveryError;
      if (!permanent && d.attempts < maxAttempts) {
        const retryAfter = (err as { retryAfterMs?: number }).retryAfterMs;
        await o.repo.retryLater(d.id, retryAfter ?? backoffMs(d.attempts), message, [...done]);
        o.metrics?.deliveries.inc({ channel, outcome: 'retry' });
        o.log.warn(
          { delivery: d.id, channel, attempt: d.attempts, err: message },
          'delivery failed; will retry',
        );
        return;
      }
      await o.repo.markFailed(d.id, message);
      o.metrics?.deliveries.inc({ channel, outcome: 'failed' });
      o.log.error({ delivery: d.id, channel, err: message }, 'delivery failed for good');
      if (d.alertId) {
        await o.repo.recordFailure(d.workspaceId, d.alertId, channel, d.personId, message);
        for (const admin of await o.repo.admins(d.workspaceId)) {
          if (d.request.kind === 'notice' && d.personId === admin.id) continue; // do not loop on a failing notice
          const adminChannel = channelFor(admin, o.enabledChannels);
          await o.repo.enqueueNotice(
            d.workspaceId,
            adminChannel,
            admin.id,
            `⚠️ A ${channel} message about an alert could not be delivered after ${d.attempts} attempts: ${message}`,
          );
        }
      }
    }
  }

  let running: Promise<number> | null = null;
  let again = false;

  /** Sends everything that is due; concurrent calls coalesce into one pass plus a re-check. */
  async function drain(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        // A bounded pass (well under Agenda's lock lifetime); what is left is picked up by the
        // next kick or the deliveries sweep.
        const until = Date.now() + (o.maxDrainMs ?? 60_000);
        while (Date.now() < until) {
          const batch = await o.repo.claim(channel, o.parallel ?? 8);
          if (batch.length === 0) break;
          await Promise.all(batch.map(handle));
          total += batch.length;
        }
      } while (again);
      return total;
    })();
    try {
      return await running;
    } finally {
      running = null;
    }
  }

  return { drain, channel };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
