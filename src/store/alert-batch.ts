import type pg from 'pg';
import type { BatchAlert, EngineTx } from '../engine/ports.js';
import type { Alert } from '../engine/types.js';
import { toAlert, type Row } from './engine-rows.js';

/**
 * The set-based alert creation path (engine `raiseAlertsBatch`): one multi-row INSERT per table for
 * a whole batch instead of one transaction per alert.
 */
export async function insertAlertsBatch(
  c: pg.PoolClient,
  batch: BatchAlert[],
  addEvents: EngineTx['addEvents'],
): Promise<Alert[]> {
  if (batch.length === 0) return [];
  const a = batch.map((b) => b.alert);
  // The row lands in the state the per-alert path reaches after its immediate steps: version 3
  // (insert, step executed, timer set), as if updated twice.
  const inserted = (
    await c.query(
      `INSERT INTO alerts (id, workspace_id, customer_id, type, dedup_key, status, assignee_id, facts, escalation, step, token, version,
                           chain_started_at, next_action_at, next_action_kind, created_at, updated_at)
       SELECT u.id, u.workspace_id, u.customer_id, u.type, u.dedup_key, 'open', u.assignee_id, u.facts, u.escalation, u.step, u.token, 3,
              u.chain_started_at, u.next_action_at, u.next_action_kind, u.now, u.now
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::jsonb[], $8::jsonb[], $9::int[], $10::int[],
                   $11::timestamptz[], $12::timestamptz[], $13::text[], $14::timestamptz[])
         AS u(id, workspace_id, customer_id, type, dedup_key, assignee_id, facts, escalation, step, token, chain_started_at, next_action_at, next_action_kind, now)
       RETURNING *`,
      [
        a.map((x) => x.id),
        a.map((x) => x.workspaceId),
        a.map((x) => x.customerId),
        a.map((x) => x.type),
        a.map((x) => x.dedupKey),
        a.map((x) => x.assigneeId),
        a.map((x) => JSON.stringify(x.facts)),
        a.map((x) => JSON.stringify(x.escalation)),
        a.map((x) => x.step),
        a.map((x) => x.token),
        a.map((x) => x.chainStartedAt),
        a.map((x) => x.nextActionAt),
        a.map((x) => x.nextActionKind),
        a.map((x) => x.now),
      ],
    )
  ).rows as Row[];
  const byId = new Map(inserted.map((r) => [r.id as string, toAlert(r)]));
  // Events in the order given (`created`, then `notified`…): ids follow that order per alert.
  await addEvents(
    batch.flatMap((b) =>
      b.events.map((event) => ({ workspaceId: b.alert.workspaceId, alertId: b.alert.id, event })),
    ),
  );
  const recips = batch.flatMap((b) =>
    b.recipients.map((r) => ({
      alertId: b.alert.id,
      personId: r.personId,
      step: r.step,
      at: b.alert.now,
    })),
  );
  if (recips.length) {
    await c.query(
      `INSERT INTO alert_recipients (alert_id, person_id, step, notified_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[]) ON CONFLICT DO NOTHING`,
      [
        recips.map((r) => r.alertId),
        recips.map((r) => r.personId),
        recips.map((r) => r.step),
        recips.map((r) => r.at),
      ],
    );
  }
  const cds = batch.filter((b) => b.cooldownPersonId);
  if (cds.length) {
    await c.query(
      `INSERT INTO cooldowns (workspace_id, customer_id, type, person_id, last_sent_at, alert_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::timestamptz[], $6::uuid[])
       ON CONFLICT (workspace_id, customer_id, type, person_id) DO UPDATE SET last_sent_at = EXCLUDED.last_sent_at, alert_id = EXCLUDED.alert_id`,
      [
        cds.map((b) => b.alert.workspaceId),
        cds.map((b) => b.alert.customerId),
        cds.map((b) => b.alert.type),
        cds.map((b) => b.cooldownPersonId),
        cds.map((b) => b.alert.now),
        cds.map((b) => b.alert.id),
      ],
    );
  }
  const dels = batch.flatMap((b) => b.deliveries.map((d) => ({ workspaceId: b.alert.workspaceId, ...d })));
  if (dels.length) {
    await c.query(
      `INSERT INTO deliveries (workspace_id, alert_id, channel, person_id, kind, payload)
       SELECT w, a, ch, p, k, pl FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::jsonb[])
         WITH ORDINALITY AS u(w, a, ch, p, k, pl, n) ORDER BY n`,
      [
        dels.map((d) => d.workspaceId),
        dels.map((d) => ('alertId' in d.request ? (d.request.alertId ?? null) : null)),
        dels.map((d) => d.channel),
        dels.map((d) => ('personId' in d.request ? d.request.personId : null)),
        dels.map((d) => d.request.kind),
        dels.map((d) => JSON.stringify(d.request)),
      ],
    );
  }
  return batch.map((b) => byId.get(b.alert.id)!);
}

/**
 * Merges new facts into many open alerts in one statement (each only at its expected version,
 * bumped by one, as `updateAlert` does); returns the updated rows.
 */
export async function updateAlertFactsBatch(
  c: pg.PoolClient,
  rows: { id: string; expectedVersion: number; facts: Record<string, unknown> }[],
  now: Date,
): Promise<Alert[]> {
  if (rows.length === 0) return [];
  const r = await c.query(
    `UPDATE alerts a SET facts = u.facts, version = a.version + 1, updated_at = $4
       FROM unnest($1::uuid[], $2::int[], $3::jsonb[]) AS u(id, version, facts)
      WHERE a.id = u.id AND a.version = u.version
     RETURNING a.*`,
    [
      rows.map((x) => x.id),
      rows.map((x) => x.expectedVersion),
      rows.map((x) => JSON.stringify(x.facts)),
      now,
    ],
  );
  return (r.rows as Row[]).map(toAlert);
}
