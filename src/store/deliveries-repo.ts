import type pg from 'pg';
import { type Channel, type DeliveryRequest, type Person } from '../engine/index.js';
import { toPerson } from './engine-store.js';
import { type ConversationRef } from '../channels/port.js';

export interface ClaimedDelivery {
  id: number;
  workspaceId: string;
  alertId: string | null;
  channel: Channel;
  personId: string | null;
  attempts: number;
  request: DeliveryRequest & { done?: string[] };
  /** When it was queued. */
  createdAt: Date;
  /** The workspace's `deliveryExpiry` setting as stored (null: the default). */
  deliveryExpiry: string | null;
  /** Status of the alert it is about, at claim time (null: not about an alert). */
  alertStatus: string | null;
  /** The workspace's monthly message cap on this channel (`channelCaps`), null: none. */
  monthlyCap: number | null;
}

export interface ThreadRow {
  id: string;
  conversation: ConversationRef;
  rootMessageId: string | null;
  personId: string | null;
  /** The line the card was first sent with ("Sam escalated this alert to you now: …"), kept on updates. */
  intro: string | null;
}

/**
 * How long a claimed delivery stays leased before another worker may take it again. A send is
 * bounded well below this (HTTP timeouts, pacing ≤ 1.1 s); a worker killed mid-send blocks that
 * alert's queue until the lease expires, so keep it short.
 */
const LEASE = "interval '30 seconds'";

/** SQL for the delivery outbox (see schema `deliveries`). */
export function createDeliveriesRepo(pool: pg.Pool) {
  return {
    /**
     * Claims up to `limit` deliveries that are the oldest unsent one of their queue (per alert,
     * or per person for notices), so messages of one thread are sent in order.
     */
    async claim(channel: Channel, limit: number): Promise<ClaimedDelivery[]> {
      const rows = (
        await pool.query(
          `UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1, next_attempt_at = now() + ${LEASE}
           WHERE d.id IN (
             SELECT x.id FROM deliveries x
             WHERE x.channel = $1 AND x.status = 'pending' AND x.next_attempt_at <= now()
               AND NOT EXISTS (
                 SELECT 1 FROM deliveries y WHERE y.channel = x.channel AND y.id < x.id AND y.status IN ('pending', 'sending')
                   AND ((x.alert_id IS NOT NULL AND y.alert_id = x.alert_id) OR (x.alert_id IS NULL AND y.alert_id IS NULL AND y.person_id = x.person_id)))
             ORDER BY x.id LIMIT $2 FOR UPDATE SKIP LOCKED)
           RETURNING d.*,
             (SELECT w.settings->>'deliveryExpiry' FROM workspaces w WHERE w.id = d.workspace_id) AS delivery_expiry,
             (SELECT a.status FROM alerts a WHERE a.id = d.alert_id) AS alert_status,
             (SELECT w.settings->'channelCaps'->d.channel->>'monthlyCap' FROM workspaces w WHERE w.id = d.workspace_id) AS monthly_cap`,
          [channel, limit],
        )
      ).rows;
      return rows
        .map((r) => ({
          id: Number(r.id),
          workspaceId: r.workspace_id,
          alertId: r.alert_id,
          channel: r.channel,
          personId: r.person_id,
          attempts: r.attempts,
          request: r.payload,
          createdAt: new Date(r.created_at),
          deliveryExpiry: r.delivery_expiry ?? null,
          alertStatus: r.alert_status ?? null,
          monthlyCap: r.monthly_cap == null ? null : Number(r.monthly_cap),
        }))
        .sort((a, b) => a.id - b.id);
    },
    async markSent(id: number): Promise<void> {
      await pool.query(
        `UPDATE deliveries SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = $1`,
        [id],
      );
    },
    async retryLater(id: number, delayMs: number, error: string, done: string[]): Promise<void> {
      await pool.query(
        `UPDATE deliveries SET status = 'pending', next_attempt_at = now() + ($2::int * interval '1 millisecond'), last_error = $3,
           payload = jsonb_set(payload, '{done}', $4::jsonb) WHERE id = $1`,
        [id, Math.round(delayMs), error.slice(0, 2000), JSON.stringify(done)],
      );
    },
    /**
     * Records that one target (thread) of a fan-out has been sent, at once and on its own, so a
     * worker killed later in the same fan-out leaves a retry that resumes with the unsent targets
     * only (issue 15 item 4). Only the lease holder writes it (status 'sending').
     */
    async markTargetDone(id: number, target: string): Promise<void> {
      await pool.query(
        `UPDATE deliveries SET payload = jsonb_set(payload, '{done}', coalesce(payload -> 'done', '[]'::jsonb) || to_jsonb($2::text))
         WHERE id = $1 AND status = 'sending' AND NOT coalesce(payload -> 'done', '[]'::jsonb) ? $2`,
        [id, target],
      );
    },
    /**
     * Drops a delivery that must not be sent any more (queued too long, or a card for an alert
     * resolved meanwhile): status `expired`, and `delivery_expired` on the alert's timeline.
     */
    async markExpired(
      d: ClaimedDelivery,
      reason: string,
      kind: 'delivery_expired' | 'delivery_capped' = 'delivery_expired',
    ): Promise<void> {
      await pool.query(`UPDATE deliveries SET status = 'expired', last_error = $2 WHERE id = $1`, [
        d.id,
        reason.slice(0, 2000),
      ]);
      if (d.alertId)
        await pool.query(
          `INSERT INTO alert_events (workspace_id, alert_id, at, kind, target_id, channel, details) VALUES ($1,$2,now(),$6,$3,$4,$5)`,
          [
            d.workspaceId,
            d.alertId,
            d.personId,
            d.channel,
            JSON.stringify({ reason: reason.slice(0, 500), kind: d.request.kind, queuedAt: d.createdAt }),
            kind,
          ],
        );
    },
    /**
     * Messages this workspace had sent on `channel` since the start of the current UTC month, as the
     * platform's message ids recorded in channel_messages (one row per platform message: a WhatsApp
     * card sent as a template plus its list is two).
     */
    async monthUsage(workspaceId: string, channel: Channel): Promise<number> {
      const r = await pool.query(
        `SELECT count(*)::int AS n FROM channel_messages
          WHERE workspace_id = $1 AND channel = $2 AND created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
        [workspaceId, channel],
      );
      return Number(r.rows[0].n);
    },
    /** Moves a queued delivery to another channel (a cap was reached), due now, and notes it. */
    async reroute(d: ClaimedDelivery, to: Channel, reason: string): Promise<void> {
      await pool.query(
        `UPDATE deliveries SET channel = $2, status = 'pending', attempts = 0, next_attempt_at = now(), last_error = $3 WHERE id = $1`,
        [d.id, to, reason.slice(0, 2000)],
      );
      if (d.alertId)
        await pool.query(
          `INSERT INTO alert_events (workspace_id, alert_id, at, kind, target_id, channel, details) VALUES ($1,$2,now(),'delivery_rerouted',$3,$4,$5)`,
          [
            d.workspaceId,
            d.alertId,
            d.personId,
            d.channel,
            JSON.stringify({ to, reason: reason.slice(0, 500) }),
          ],
        );
    },
    /** True the first time it is asked for this workspace, channel and month (admins told once). */
    async firstCapNotice(workspaceId: string, channel: Channel): Promise<boolean> {
      const r = await pool.query(
        `INSERT INTO processed_events (source, scope, event_id, workspace_id)
         VALUES ('channel_cap', $1, $2 || ':' || to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM'), $3)
         ON CONFLICT DO NOTHING RETURNING 1`,
        [workspaceId, channel, workspaceId],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async markFailed(id: number, error: string): Promise<void> {
      await pool.query(`UPDATE deliveries SET status = 'failed', last_error = $2 WHERE id = $1`, [
        id,
        error.slice(0, 2000),
      ]);
    },
    /** Releases every lease: only for the embedded database, where this is the only process. */
    async releaseAllLeases(): Promise<number> {
      const r = await pool.query(
        `UPDATE deliveries SET status = 'pending', next_attempt_at = now() WHERE status = 'sending'`,
      );
      return r.rowCount ?? 0;
    },
    /** Releases deliveries whose worker died mid-send (lease expired). */
    async releaseExpiredLeases(): Promise<number> {
      const r = await pool.query(
        `UPDATE deliveries SET status = 'pending' WHERE status = 'sending' AND next_attempt_at < now()`,
      );
      return r.rowCount ?? 0;
    },
    async channelsWithDueWork(): Promise<Channel[]> {
      const r = await pool.query(
        `SELECT DISTINCT channel FROM deliveries WHERE status = 'pending' AND next_attempt_at <= now()`,
      );
      return r.rows.map((x) => x.channel);
    },
    async person(personId: string): Promise<Person | null> {
      const r = (await pool.query('SELECT * FROM people WHERE id = $1', [personId])).rows[0];
      return r ? toPerson(r) : null;
    },
    async conversationFor(
      workspaceId: string,
      channel: Channel,
      personId: string,
    ): Promise<ConversationRef | null> {
      const r = (
        await pool.query(
          'SELECT * FROM conversations WHERE workspace_id = $1 AND channel = $2 AND person_id = $3 ORDER BY created_at LIMIT 1',
          [workspaceId, channel, personId],
        )
      ).rows[0];
      return r
        ? { id: r.id, externalId: r.external_id, reference: r.reference, personId: r.person_id }
        : null;
    },
    /** A conversation by its platform id (role channels, issue 20 item 6). */
    async conversationByExternalId(
      workspaceId: string,
      channel: Channel,
      externalId: string,
    ): Promise<ConversationRef | null> {
      const r = (
        await pool.query(
          'SELECT * FROM conversations WHERE workspace_id = $1 AND channel = $2 AND external_id = $3',
          [workspaceId, channel, externalId],
        )
      ).rows[0];
      return r
        ? { id: r.id, externalId: r.external_id, reference: r.reference, personId: r.person_id }
        : null;
    },
    async saveConversation(
      workspaceId: string,
      channel: Channel,
      /** null: a team conversation (role channel), nobody's DM. */
      personId: string | null,
      externalId: string,
      reference: Record<string, unknown>,
    ): Promise<ConversationRef> {
      const r = (
        await pool.query(
          `INSERT INTO conversations (workspace_id, channel, person_id, external_id, reference) VALUES ($1,$2,$3,$4,$5)
           ON CONFLICT (workspace_id, channel, external_id) DO UPDATE SET person_id = COALESCE(conversations.person_id, EXCLUDED.person_id),
             reference = conversations.reference || EXCLUDED.reference
           RETURNING *`,
          [workspaceId, channel, personId, externalId, JSON.stringify(reference)],
        )
      ).rows[0];
      return { id: r.id, externalId: r.external_id, reference: r.reference, personId: r.person_id };
    },
    async threads(alertId: string, channel: Channel): Promise<ThreadRow[]> {
      const rows = (
        await pool.query(
          `SELECT t.id, t.root_message_id, t.intro, c.id AS conv_id, c.external_id, c.reference, c.person_id FROM alert_threads t
           JOIN conversations c ON c.id = t.conversation_id WHERE t.alert_id = $1 AND t.channel = $2 ORDER BY t.created_at`,
          [alertId, channel],
        )
      ).rows;
      return rows.map((r) => ({
        id: r.id,
        rootMessageId: r.root_message_id,
        personId: r.person_id,
        intro: r.intro ?? null,
        conversation: {
          id: r.conv_id,
          externalId: r.external_id,
          reference: r.reference,
          personId: r.person_id,
        },
      }));
    },
    async thread(
      alertId: string,
      conversationId: string,
    ): Promise<{ id: string; rootMessageId: string | null; intro: string | null } | null> {
      const r = (
        await pool.query(
          'SELECT id, root_message_id, intro FROM alert_threads WHERE alert_id = $1 AND conversation_id = $2',
          [alertId, conversationId],
        )
      ).rows[0];
      return r ? { id: r.id, rootMessageId: r.root_message_id, intro: r.intro ?? null } : null;
    },
    /** A newer intro for a thread that already exists (the chain reached this person again). */
    async setThreadIntro(threadId: string, intro: string): Promise<void> {
      await pool.query('UPDATE alert_threads SET intro = $2 WHERE id = $1', [threadId, intro]);
    },
    async saveThread(
      workspaceId: string,
      alertId: string,
      channel: Channel,
      conversationId: string,
      rootMessageId: string,
      intro: string | null = null,
    ): Promise<void> {
      await pool.query(
        `INSERT INTO alert_threads (workspace_id, alert_id, channel, conversation_id, root_message_id, intro) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (alert_id, conversation_id) DO UPDATE SET root_message_id = EXCLUDED.root_message_id, intro = EXCLUDED.intro`,
        [workspaceId, alertId, channel, conversationId, rootMessageId, intro],
      );
    },
    async recordFailure(
      workspaceId: string,
      alertId: string,
      channel: Channel,
      personId: string | null,
      error: string,
    ): Promise<void> {
      await pool.query(
        `INSERT INTO alert_events (workspace_id, alert_id, at, kind, target_id, channel, details) VALUES ($1,$2,now(),'delivery_failed',$3,$4,$5)`,
        [workspaceId, alertId, personId, channel, JSON.stringify({ error: error.slice(0, 500) })],
      );
    },
    async admins(workspaceId: string): Promise<Person[]> {
      return (
        await pool.query(`SELECT * FROM people WHERE workspace_id = $1 AND (is_admin OR role = 'admin')`, [
          workspaceId,
        ])
      ).rows.map(toPerson);
    },
    async enqueueNotice(
      workspaceId: string,
      channel: Channel,
      personId: string,
      text: string,
    ): Promise<void> {
      const payload: DeliveryRequest = { kind: 'notice', personId, text };
      await pool.query(
        `INSERT INTO deliveries (workspace_id, channel, person_id, kind, payload) VALUES ($1,$2,$3,'notice',$4)`,
        [workspaceId, channel, personId, JSON.stringify(payload)],
      );
    },
  };
}

export type DeliveriesRepo = ReturnType<typeof createDeliveriesRepo>;
