import type pg from 'pg';
import { stepLabel, type Alert, type Customer, type Person, type TimelineEvent } from '../engine/types.js';
import { toAlert, toCustomer, toPerson } from './engine-store.js';

/** What an alert card is built from (src/cards/alert-view-data.ts builds the view). */
export interface AlertCardData {
  alert: Alert;
  /** Null for a workspace-level alert (feed_stale). */
  customer: Customer | null;
  people: Person[];
  /** Who resolved it: a person's name, 'Fincelo (automatic)', or null while open. */
  resolvedBy: string | null;
  workspaceTimezone: string;
  workspaceSettings: unknown;
  /** Triggers the alert absorbed since its card was sent, and the latest one's value (issue 21 item 2). */
  suppressed: { count: number; latest: string | null };
}

/**
 * The absorbed triggers of an alert, from its timeline (engine/suppression.ts): `updated` and
 * `suppressed` events whose details carry `absorbed`. As SQL over alias `a` (an alerts row).
 */
const ABSORBED = `FROM alert_events e WHERE e.alert_id = a.id AND e.kind IN ('updated', 'suppressed') AND e.details ? 'absorbed'`;
const SUPPRESSED_COUNT = `(SELECT count(*)::int ${ABSORBED}) AS suppressed_count`;
const SUPPRESSED_LATEST = `(SELECT e.details->>'absorbed' ${ABSORBED} ORDER BY e.id DESC LIMIT 1) AS suppressed_latest`;

/** Reads what an alert card needs. */
export async function loadAlertCardData(
  pool: pg.Pool | pg.PoolClient,
  alertId: string,
): Promise<AlertCardData | null> {
  const a = (
    await pool.query(
      `SELECT a.*, w.timezone AS ws_timezone, w.settings AS ws_settings, ${SUPPRESSED_COUNT}, ${SUPPRESSED_LATEST}
       FROM alerts a JOIN workspaces w ON w.id = a.workspace_id WHERE a.id = $1`,
      [alertId],
    )
  ).rows[0];
  if (!a) return null;
  const alert = toAlert(a);
  const people = (
    await pool.query('SELECT * FROM people WHERE workspace_id = $1 ORDER BY name', [alert.workspaceId])
  ).rows.map(toPerson);
  const row = alert.customerId
    ? (await pool.query('SELECT * FROM customers WHERE id = $1', [alert.customerId])).rows[0]
    : undefined;
  const customer = row ? toCustomer(row) : null;
  const byId = new Map(people.map((p) => [p.id, p]));
  let resolvedBy: string | null = null;
  if (alert.status === 'resolved') {
    const ev = (
      await pool.query(
        `SELECT actor_id FROM alert_events WHERE alert_id = $1 AND kind IN ('resolved','auto_resolved') ORDER BY id DESC LIMIT 1`,
        [alertId],
      )
    ).rows[0];
    resolvedBy = ev?.actor_id ? (byId.get(ev.actor_id)?.name ?? null) : ev ? 'Fincelo (automatic)' : null;
  }
  return {
    alert,
    customer,
    people,
    resolvedBy,
    workspaceTimezone: a.ws_timezone as string,
    workspaceSettings: a.ws_settings,
    suppressed: {
      count: Number(a.suppressed_count ?? 0),
      latest: (a.suppressed_latest as string | null) ?? null,
    },
  };
}

/** The alert as the HTTP API shows it. */
export async function alertForApi(
  pool: pg.Pool,
  workspaceId: string,
  alertId: string,
  withTimeline: boolean,
): Promise<Record<string, unknown> | null> {
  const rows = (
    await pool.query(ALERT_SELECT + ' WHERE a.workspace_id = $1 AND a.id = $2', [workspaceId, alertId])
  ).rows;
  if (!rows[0]) return null;
  const out = apiAlert(rows[0]);
  if (withTimeline) {
    const events = (
      await pool.query(
        `SELECT e.*, pa.external_id AS actor_ext, pt.external_id AS target_ext FROM alert_events e
         LEFT JOIN people pa ON pa.id = e.actor_id LEFT JOIN people pt ON pt.id = e.target_id
         WHERE e.alert_id = $1 ORDER BY e.id`,
        [alertId],
      )
    ).rows;
    out.timeline = events.map((e) => ({
      at: (e.at as Date).toISOString(),
      kind: e.kind,
      actorExternalId: e.actor_ext ?? undefined,
      targetExternalId: e.target_ext ?? undefined,
      channel: e.channel ?? undefined,
      details: e.details,
    }));
    out.recipients = (
      await pool.query(
        'SELECT p.external_id FROM alert_recipients r JOIN people p ON p.id = r.person_id WHERE r.alert_id = $1 ORDER BY r.step, r.notified_at',
        [alertId],
      )
    ).rows.map((r) => r.external_id);
  }
  return out;
}

export async function listAlertsForApi(
  pool: pg.Pool,
  workspaceId: string,
  status: string | undefined,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const params: unknown[] = [workspaceId, limit];
  let where = ' WHERE a.workspace_id = $1';
  if (status) {
    params.push(status);
    where += ` AND a.status = $3`;
  }
  const rows = (await pool.query(ALERT_SELECT + where + ' ORDER BY a.created_at DESC LIMIT $2', params)).rows;
  return rows.map(apiAlert);
}

const ALERT_SELECT = `SELECT a.*, c.external_id AS customer_ext, c.name AS customer_name, p.external_id AS assignee_ext,
  ${SUPPRESSED_COUNT}
  FROM alerts a LEFT JOIN customers c ON c.id = a.customer_id LEFT JOIN people p ON p.id = a.assignee_id`;

function apiAlert(r: Record<string, unknown>): Record<string, unknown> {
  const a = toAlert(r);
  const current = a.escalation[Math.max(0, a.step)];
  return {
    id: a.id,
    type: a.type,
    status: a.status,
    // Null for a workspace-level alert (feed_stale, issue 21 item 3), which `feed` names instead.
    customerExternalId: r.customer_ext ?? null,
    customerName: r.customer_name ?? null,
    ...(a.type === 'feed_stale' ? { feed: a.facts.feed ?? null } : {}),
    assigneeExternalId: r.assignee_ext ?? null,
    escalationStep: a.step + 1,
    escalationRole: current ? (current.role ?? null) : null,
    ...(current?.channel ? { escalationChannel: current.channel } : {}),
    escalationRoleLabel: current ? stepLabel(current) : null,
    escalation: a.escalation.map((s) =>
      s.channel ? { channel: s.channel, afterMs: s.afterMs } : { role: s.role, afterMs: s.afterMs },
    ),
    facts: a.facts,
    suppressedCount: Number(r.suppressed_count ?? 0),
    version: a.version,
    nextActionAt: a.nextActionAt?.toISOString() ?? null,
    nextActionKind: a.nextActionKind,
    waitingFor: a.status === 'snoozed' ? (a.waitingFor ?? 'time') : null,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
  };
}

export type { TimelineEvent };

/** Ids of a customer's open (not resolved) alerts, oldest first, by the customer's externalId. */
export async function openAlertIdsOfCustomer(
  pool: pg.Pool,
  workspaceId: string,
  customerExternalId: string,
): Promise<string[] | null> {
  const c = await pool.query<{ id: string }>(
    'SELECT id FROM customers WHERE workspace_id = $1 AND external_id = $2',
    [workspaceId, customerExternalId],
  );
  if (!c.rows[0]) return null;
  const r = await pool.query<{ id: string }>(
    `SELECT id FROM alerts WHERE workspace_id = $1 AND customer_id = $2 AND status <> 'resolved' ORDER BY created_at, id`,
    [workspaceId, c.rows[0].id],
  );
  return r.rows.map((x) => x.id);
}
