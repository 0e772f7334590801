import type pg from 'pg';
import type {
  AlertPatch,
  BatchAlert,
  DeliveryRequest,
  EngineStore,
  EngineTx,
  NewAlert,
} from '../engine/ports.js';
import type { AlertType, Channel, TimelineEvent } from '../engine/types.js';
import { date, toAlert, toCustomer, toPerson, type Row } from './engine-rows.js';
import { insertAlertsBatch, updateAlertFactsBatch } from './alert-batch.js';
import { escalationBatchTx } from './escalate-batch.js';
import { feedsTx } from './feeds.js';

export { toAlert, toCustomer, toPerson };

/** PostgreSQL implementation of the engine's transactional port. */
export function createEngineStore(pool: pg.Pool): EngineStore {
  return {
    async transaction<T>(fn: (tx: EngineTx) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(engineTx(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
  };
}

const PATCH_COLUMNS: Record<keyof AlertPatch, string> = {
  status: 'status',
  assigneeId: 'assignee_id',
  facts: 'facts',
  step: 'step',
  token: 'token',
  chainStartedAt: 'chain_started_at',
  pausedAt: 'paused_at',
  pausedTotalMs: 'paused_total_ms',
  nextActionAt: 'next_action_at',
  nextActionKind: 'next_action_kind',
  waitingFor: 'waiting_for',
  resolvedAt: 'resolved_at',
};

function engineTx(c: pg.PoolClient): EngineTx {
  const one = async (sql: string, params: unknown[]) =>
    (await c.query(sql, params)).rows[0] as Row | undefined;
  return {
    ...escalationBatchTx(c),
    ...feedsTx(c), // issue 21 item 3
    async workspaceSettings(workspaceId) {
      const r = await one('SELECT settings, timezone FROM workspaces WHERE id = $1', [workspaceId]);
      return r ? { settings: r.settings, timezone: r.timezone as string } : null;
    },
    async saveWorkspaceSettings(workspaceId, settings) {
      await c.query('UPDATE workspaces SET settings = $2 WHERE id = $1', [
        workspaceId,
        JSON.stringify(settings),
      ]);
    },
    async person(workspaceId, id) {
      const r = await one('SELECT * FROM people WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
      return r ? toPerson(r) : null;
    },
    async personByExternalId(workspaceId, externalId) {
      const r = await one('SELECT * FROM people WHERE workspace_id = $1 AND external_id = $2', [
        workspaceId,
        externalId,
      ]);
      return r ? toPerson(r) : null;
    },
    async peopleWithRole(workspaceId, role) {
      const rows = (
        await c.query('SELECT * FROM people WHERE workspace_id = $1 AND role = $2 ORDER BY created_at, id', [
          workspaceId,
          role,
        ])
      ).rows;
      return rows.map(toPerson);
    },
    async admins(workspaceId) {
      const rows = (
        await c.query(
          `SELECT * FROM people WHERE workspace_id = $1 AND (is_admin OR role = 'admin') ORDER BY created_at, id`,
          [workspaceId],
        )
      ).rows;
      return rows.map(toPerson);
    },
    async customer(workspaceId, id) {
      const r = await one('SELECT * FROM customers WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
      return r ? toCustomer(r) : null;
    },
    async customerByExternalId(workspaceId, externalId) {
      const r = await one('SELECT * FROM customers WHERE workspace_id = $1 AND external_id = $2', [
        workspaceId,
        externalId,
      ]);
      return r ? toCustomer(r) : null;
    },
    async customersByExternalIds(workspaceId, externalIds) {
      const rows = (
        await c.query('SELECT * FROM customers WHERE workspace_id = $1 AND external_id = ANY($2::text[])', [
          workspaceId,
          externalIds,
        ])
      ).rows;
      return rows.map(toCustomer);
    },
    async insertUsageReadings(workspaceId, rows) {
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        await c.query(
          `INSERT INTO usage_readings (workspace_id, customer_id, used, "limit", metric, at)
           SELECT $1, u.customer_id, u.used, u.lim, u.metric, u.at
           FROM unnest($2::uuid[], $3::float8[], $4::float8[], $5::text[], $6::timestamptz[]) AS u(customer_id, used, lim, metric, at)`,
          [
            workspaceId,
            chunk.map((r) => r.customerId),
            chunk.map((r) => r.used),
            chunk.map((r) => r.limit),
            chunk.map((r) => r.metric),
            chunk.map((r) => r.at),
          ],
        );
      }
    },
    async upsertInvoice(workspaceId, customerId, inv, now) {
      const prev = await one(
        'SELECT status, last_customer_response_at FROM invoices WHERE workspace_id = $1 AND external_id = $2 FOR UPDATE',
        [workspaceId, inv.externalId],
      );
      await c.query(
        `INSERT INTO invoices (workspace_id, customer_id, external_id, amount, currency, due_date, status, last_customer_response_at, paid_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8, CASE WHEN $7 = 'paid' THEN $9::timestamptz END, $9)
         ON CONFLICT (workspace_id, external_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, amount = EXCLUDED.amount,
           currency = EXCLUDED.currency, due_date = EXCLUDED.due_date, status = EXCLUDED.status,
           last_customer_response_at = COALESCE(EXCLUDED.last_customer_response_at, invoices.last_customer_response_at),
           paid_at = COALESCE(invoices.paid_at, EXCLUDED.paid_at), updated_at = EXCLUDED.updated_at`,
        [
          workspaceId,
          customerId,
          inv.externalId,
          inv.amount,
          inv.currency,
          inv.dueDate,
          inv.status,
          inv.lastCustomerResponseAt,
          now,
        ],
      );
      return prev
        ? { status: prev.status as string, lastCustomerResponseAt: date(prev.last_customer_response_at) }
        : null;
    },
    async openInvoices(workspaceId) {
      const rows = (
        await c.query(
          `SELECT customer_id, external_id, amount, currency, to_char(due_date, 'YYYY-MM-DD') AS due_date, last_customer_response_at
           FROM invoices WHERE workspace_id = $1 AND status = 'open' ORDER BY due_date`,
          [workspaceId],
        )
      ).rows as Row[];
      return rows.map((r) => ({
        customerId: r.customer_id as string,
        externalId: r.external_id as string,
        amount: Number(r.amount),
        currency: r.currency as string,
        dueDate: r.due_date as string,
        lastCustomerResponseAt: date(r.last_customer_response_at),
      }));
    },
    async openAlertForKey(workspaceId, dedupKey) {
      const r = await one(
        `SELECT * FROM alerts WHERE workspace_id = $1 AND dedup_key = $2 AND status <> 'resolved' FOR UPDATE`,
        [workspaceId, dedupKey],
      );
      return r ? toAlert(r) : null;
    },
    async lockDedupKeys(workspaceId, dedupKeys) {
      if (dedupKeys.length === 0) return;
      // One statement; the keys are locked in sorted order (the ordered subquery feeds the
      // function row by row), so two batches over overlapping customers cannot deadlock.
      await c.query(
        `SELECT count(pg_advisory_xact_lock(k)) FROM (
           SELECT DISTINCT hashtextextended($1 || ':' || d, 0) AS k FROM unnest($2::text[]) AS d ORDER BY 1
         ) s`,
        [workspaceId, dedupKeys],
      );
    },
    async openAlertsForKeys(workspaceId, dedupKeys) {
      if (dedupKeys.length === 0) return [];
      const rows = (
        await c.query(
          `SELECT * FROM alerts WHERE workspace_id = $1 AND dedup_key = ANY($2::text[]) AND status <> 'resolved' ORDER BY id FOR UPDATE`,
          [workspaceId, dedupKeys],
        )
      ).rows as Row[];
      return rows.map(toAlert);
    },
    async cooldownsFor(workspaceId, keys) {
      if (keys.length === 0) return [];
      const rows = (
        await c.query(
          `SELECT c.customer_id, c.type, c.person_id, c.last_sent_at, c.alert_id FROM cooldowns c
           JOIN unnest($2::uuid[], $3::text[], $4::uuid[]) AS k(customer_id, type, person_id)
             ON c.customer_id = k.customer_id AND c.type = k.type AND c.person_id = k.person_id
           WHERE c.workspace_id = $1`,
          [workspaceId, keys.map((k) => k.customerId), keys.map((k) => k.type), keys.map((k) => k.personId)],
        )
      ).rows as Row[];
      return rows.map((r) => ({
        customerId: r.customer_id as string,
        type: r.type as AlertType,
        personId: r.person_id as string,
        lastSentAt: date(r.last_sent_at)!,
        alertId: r.alert_id as string,
      }));
    },
    async peopleByIds(workspaceId, ids) {
      if (ids.length === 0) return [];
      const rows = (
        await c.query('SELECT * FROM people WHERE workspace_id = $1 AND id = ANY($2::uuid[])', [
          workspaceId,
          ids,
        ])
      ).rows as Row[];
      return rows.map(toPerson);
    },
    updateAlertFactsBatch(rows, now) {
      return updateAlertFactsBatch(c, rows, now);
    },
    insertAlertsBatch(batch: BatchAlert[]) {
      return insertAlertsBatch(c, batch, (rows) => this.addEvents(rows));
    },
    async addEvents(rows) {
      if (rows.length === 0) return;
      await c.query(
        `INSERT INTO alert_events (workspace_id, alert_id, at, kind, actor_id, target_id, channel, details)
         SELECT w, a, at, k, ac, t, ch, d FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::jsonb[])
           WITH ORDINALITY AS u(w, a, at, k, ac, t, ch, d, n) ORDER BY n`,
        [
          rows.map((r) => r.workspaceId),
          rows.map((r) => r.alertId),
          rows.map((r) => r.event.at),
          rows.map((r) => r.event.kind),
          rows.map((r) => r.event.actorId ?? null),
          rows.map((r) => r.event.targetId ?? null),
          rows.map((r) => r.event.channel ?? null),
          rows.map((r) => JSON.stringify(r.event.details ?? {})),
        ],
      );
    },
    async claimDueAlerts(now, limit, skipIds) {
      const rows = (
        await c.query(
          `SELECT * FROM alerts WHERE next_action_at IS NOT NULL AND next_action_at <= $1 AND status <> 'resolved'
             AND NOT (id = ANY($3::uuid[]))
           ORDER BY next_action_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [now, limit, skipIds],
        )
      ).rows as Row[];
      return rows.map(toAlert);
    },
    async snoozedAlertsWaitingFor(workspaceId, customerId, waitingFor) {
      const rows = (
        await c.query(
          `SELECT * FROM alerts WHERE workspace_id = $1 AND customer_id = $2 AND status = 'snoozed'
             AND waiting_for = $3 ORDER BY created_at FOR UPDATE`,
          [workspaceId, customerId, waitingFor],
        )
      ).rows as Row[];
      return rows.map(toAlert);
    },
    async lockAlert(workspaceId, alertId) {
      const r = workspaceId
        ? await one('SELECT * FROM alerts WHERE workspace_id = $1 AND id = $2 FOR UPDATE', [
            workspaceId,
            alertId,
          ])
        : await one('SELECT * FROM alerts WHERE id = $1 FOR UPDATE', [alertId]);
      return r ? toAlert(r) : null;
    },
    async insertAlert(a: NewAlert) {
      const r = await one(
        `INSERT INTO alerts (workspace_id, customer_id, type, dedup_key, status, assignee_id, facts, escalation, step, chain_started_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, -1, $8, $9, $9) RETURNING *`,
        [
          a.workspaceId,
          a.customerId,
          a.type,
          a.dedupKey,
          a.assigneeId,
          JSON.stringify(a.facts),
          JSON.stringify(a.escalation),
          a.chainStartedAt,
          a.now,
        ],
      );
      return toAlert(r!);
    },
    async updateAlert(alertId, expectedVersion, patch, now) {
      const sets: string[] = [];
      const params: unknown[] = [alertId, expectedVersion, now];
      for (const [key, value] of Object.entries(patch) as [keyof AlertPatch, unknown][]) {
        if (value === undefined) continue;
        params.push(key === 'facts' ? JSON.stringify(value) : value);
        sets.push(`${PATCH_COLUMNS[key]} = $${params.length}`);
      }
      const r = await one(
        `UPDATE alerts SET ${[...sets, 'version = version + 1', 'updated_at = $3'].join(', ')}
         WHERE id = $1 AND version = $2 RETURNING *`,
        params,
      );
      return r ? toAlert(r) : null;
    },
    async addEvent(workspaceId, alertId, e: TimelineEvent) {
      await c.query(
        `INSERT INTO alert_events (workspace_id, alert_id, at, kind, actor_id, target_id, channel, details) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
        [
          workspaceId,
          alertId,
          e.at,
          e.kind,
          e.actorId ?? null,
          e.targetId ?? null,
          e.channel ?? null,
          JSON.stringify(e.details ?? {}),
        ],
      );
    },
    async timeline(alertId) {
      const rows = (await c.query('SELECT * FROM alert_events WHERE alert_id = $1 ORDER BY id', [alertId]))
        .rows as Row[];
      return rows.map((r) => ({
        at: date(r.at)!,
        kind: r.kind as string,
        actorId: r.actor_id as string | null,
        targetId: r.target_id as string | null,
        channel: r.channel as TimelineEvent['channel'],
        details: r.details as Record<string, unknown>,
      }));
    },
    async lastCooldown(workspaceId, customerId, type, personId) {
      const r = await one(
        'SELECT last_sent_at, alert_id FROM cooldowns WHERE workspace_id = $1 AND customer_id = $2 AND type = $3 AND person_id = $4',
        [workspaceId, customerId, type, personId],
      );
      return r ? { lastSentAt: date(r.last_sent_at)!, alertId: r.alert_id as string } : null;
    },
    async setCooldown(workspaceId, customerId, type, personId, alertId, at) {
      await c.query(
        `INSERT INTO cooldowns (workspace_id, customer_id, type, person_id, last_sent_at, alert_id) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (workspace_id, customer_id, type, person_id) DO UPDATE SET last_sent_at = EXCLUDED.last_sent_at, alert_id = EXCLUDED.alert_id`,
        [workspaceId, customerId, type, personId, at, alertId],
      );
    },
    async addRecipient(alertId, personId, step, at) {
      const r = await c.query(
        'INSERT INTO alert_recipients (alert_id, person_id, step, notified_at) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING',
        [alertId, personId, step, at],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async recipients(alertId) {
      return (
        await c.query('SELECT person_id FROM alert_recipients WHERE alert_id = $1', [alertId])
      ).rows.map((r) => r.person_id as string);
    },
    async alertChannels(alertId) {
      const rows = (
        await c.query(
          `SELECT channel FROM alert_threads WHERE alert_id = $1
           UNION SELECT channel FROM deliveries WHERE alert_id = $1 AND kind IN ('post_card', 'channel_card')`,
          [alertId],
        )
      ).rows;
      return rows.map((r) => r.channel as Channel);
    },
    async enqueueDelivery(workspaceId, channel, d: DeliveryRequest) {
      const alertId = 'alertId' in d ? (d.alertId ?? null) : null;
      const personId = 'personId' in d ? d.personId : null;
      await c.query(
        `INSERT INTO deliveries (workspace_id, alert_id, channel, person_id, kind, payload) VALUES ($1,$2,$3,$4,$5,$6)`,
        [workspaceId, alertId, channel, personId, d.kind, JSON.stringify(d)],
      );
    },
    async insertTask(t) {
      const r = await one(
        `INSERT INTO tasks (workspace_id, alert_id, customer_id, assignee_id, title, due_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`,
        [t.workspaceId, t.alertId, t.customerId, t.assigneeId, t.title, t.dueAt, t.createdBy],
      );
      return r!.id as string;
    },
    async task(taskId) {
      const r = await one('SELECT * FROM tasks WHERE id = $1', [taskId]);
      return r
        ? {
            id: r.id as string,
            workspaceId: r.workspace_id as string,
            alertId: (r.alert_id as string | null) ?? null,
            title: r.title as string,
            dueAt: date(r.due_at)!,
            status: r.status as string,
            assigneeId: (r.assignee_id as string | null) ?? null,
          }
        : null;
    },
    async markTaskReminded(taskId, at) {
      const r = await c.query(
        `UPDATE tasks SET status = 'reminded', reminded_at = $2 WHERE id = $1 AND status = 'open'`,
        [taskId, at],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async insertCallLog(cl) {
      await c.query(
        `INSERT INTO call_logs (workspace_id, alert_id, customer_id, person_id, outcome, notes, at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
        [cl.workspaceId, cl.alertId, cl.customerId, cl.personId, cl.outcome, cl.notes, cl.at],
      );
    },
    async rememberEvent(source, eventId, workspaceId) {
      const r = await c.query(
        `INSERT INTO processed_events (source, scope, event_id, workspace_id)
         VALUES ($1, coalesce($3::uuid::text, ''), $2, $3::uuid) ON CONFLICT DO NOTHING`,
        [source, eventId, workspaceId],
      );
      return (r.rowCount ?? 0) > 0;
    },
  };
}
