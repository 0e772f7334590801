import type pg from 'pg';

/** A pool, a checked-out client or a transaction: whatever runs the query. */
type Queryable = Pick<pg.ClientBase, 'query'> | Pick<pg.Pool, 'query'>;

/**
 * Digest queries (src/brief/digests.ts): what the CSM daily and manager weekly digests read, and
 * who opted out. Every query is scoped to the workspace given first.
 */

/** People of these roles who have not opted out (full rows: the caller maps them with toPerson). */
export function selectDigestRecipients(db: Queryable, workspaceId: string, roles: string[]) {
  return (db as pg.Pool).query(
    `SELECT p.* FROM people p
      WHERE p.workspace_id = $1 AND p.role = ANY($2::text[])
        AND NOT EXISTS (SELECT 1 FROM digest_opt_outs o WHERE o.person_id = p.id)
      ORDER BY p.name`,
    [workspaceId, roles],
  );
}

/** How many people report to each manager of the workspace. */
export function selectReportCounts(db: Queryable, workspaceId: string) {
  return (db as pg.Pool).query<{ manager_id: string; reports: string }>(
    `SELECT manager_id, count(*) AS reports FROM people
      WHERE workspace_id = $1 AND manager_id IS NOT NULL GROUP BY manager_id`,
    [workspaceId],
  );
}

/**
 * The person's alerts that are not resolved, oldest first; a workspace-level alert (feed_stale)
 * reads "Data feed: <feed>" where a customer's name would be.
 */
export function selectOpenAlertsOf(db: Queryable, workspaceId: string, personId: string) {
  return (db as pg.Pool).query<{ type: string; status: string; created_at: Date; customer: string }>(
    `SELECT a.type, a.status, a.created_at, COALESCE(c.name, 'Data feed: ' || COALESCE(a.facts->>'feedLabel', a.facts->>'feed', 'unknown')) AS customer
       FROM alerts a LEFT JOIN customers c ON c.id = a.customer_id
      WHERE a.workspace_id = $1 AND a.assignee_id = $2 AND a.status NOT IN ('resolved', 'expired')
      ORDER BY a.created_at`,
    [workspaceId, personId],
  );
}

/** The person's follow-ups not done and due before `until`. */
export function selectFollowUpsDue(db: Queryable, workspaceId: string, personId: string, until: Date) {
  return (db as pg.Pool).query<{ title: string; due_at: Date; customer: string | null }>(
    `SELECT t.title, t.due_at, c.name AS customer
       FROM tasks t LEFT JOIN customers c ON c.id = t.customer_id
      WHERE t.workspace_id = $1 AND t.assignee_id = $2 AND t.status <> 'done' AND t.due_at < $3
      ORDER BY t.due_at`,
    [workspaceId, personId, until],
  );
}

/**
 * The CSM's customers whose churn risk changed since `since`: the risk now and the risk at
 * `since` (null = not scored then).
 */
export function selectChurnChangesSince(db: Queryable, workspaceId: string, csmId: string, since: Date) {
  return (db as pg.Pool).query<{ name: string; risk: number; before: number | null }>(
    `SELECT c.name, c.churn_risk AS risk,
            (SELECT h.risk FROM churn_history h WHERE h.customer_id = c.id AND h.at <= $3
              ORDER BY h.at DESC, h.id DESC LIMIT 1) AS before
       FROM customers c
      WHERE c.workspace_id = $1 AND c.csm_id = $2 AND c.churn_risk IS NOT NULL
        AND EXISTS (SELECT 1 FROM churn_history h WHERE h.customer_id = c.id AND h.at > $3)
      ORDER BY c.churn_risk DESC, c.name`,
    [workspaceId, csmId, since],
  );
}

/**
 * Alerts raised since `since` for the manager's team (customers whose CSM reports to them, or
 * alerts assigned to someone who does), with when each was first acknowledged or resolved and the
 * furthest escalation step that notified anyone.
 */
export function selectTeamAlertsSince(db: Queryable, workspaceId: string, managerId: string, since: Date) {
  return (db as pg.Pool).query<{
    type: string;
    status: string;
    created_at: Date;
    customer: string;
    escalation: { role: string }[];
    first_response_at: Date | null;
    furthest_step: number | null;
  }>(
    `WITH team AS (SELECT id FROM people WHERE workspace_id = $1 AND manager_id = $2)
     SELECT a.type, a.status, a.created_at, COALESCE(c.name, 'Data feed: ' || COALESCE(a.facts->>'feedLabel', a.facts->>'feed', 'unknown')) AS customer, a.escalation,
            (SELECT min(e.at) FROM alert_events e
              WHERE e.alert_id = a.id AND e.kind IN ('acknowledged', 'resolved')) AS first_response_at,
            (SELECT max(r.step) FROM alert_recipients r WHERE r.alert_id = a.id) AS furthest_step
       FROM alerts a LEFT JOIN customers c ON c.id = a.customer_id
      WHERE a.workspace_id = $1 AND a.created_at >= $3
        AND (c.csm_id IN (SELECT id FROM team) OR a.assignee_id IN (SELECT id FROM team))
      ORDER BY a.created_at`,
    [workspaceId, managerId, since],
  );
}

/** Turns a person's digests off (true) or on again (false). */
export async function setDigestOptOut(db: Queryable, workspaceId: string, personId: string, optOut: boolean) {
  if (optOut)
    await (db as pg.Pool).query(
      `INSERT INTO digest_opt_outs (workspace_id, person_id) VALUES ($1, $2) ON CONFLICT (person_id) DO NOTHING`,
      [workspaceId, personId],
    );
  else
    await (db as pg.Pool).query(`DELETE FROM digest_opt_outs WHERE workspace_id = $1 AND person_id = $2`, [
      workspaceId,
      personId,
    ]);
}

export async function digestOptedOut(db: Queryable, workspaceId: string, personId: string): Promise<boolean> {
  const r = await (db as pg.Pool).query(
    `SELECT 1 FROM digest_opt_outs WHERE workspace_id = $1 AND person_id = $2`,
    [workspaceId, personId],
  );
  return r.rowCount! > 0;
}
