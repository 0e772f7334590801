import type pg from 'pg';
import type { EngineTx } from '../engine/ports.js';
import type { Channel } from '../engine/types.js';
import { toCustomer, toPerson, type Row } from './engine-rows.js';

type BatchTx = Pick<
  EngineTx,
  | 'workspacesSettings'
  | 'customersByIds'
  | 'peopleByIdsAcross'
  | 'peopleWithRoles'
  | 'recipientsOf'
  | 'alertChannelsOf'
  | 'addRecipients'
  | 'enqueueDeliveries'
  | 'updateAlertsBatch'
>;

/**
 * The set-based escalation steps' statements (engine runClaimedTimers, issue 18): one statement per
 * read or write for a whole claimed batch, instead of ≈ 15 per alert.
 */
export function escalationBatchTx(c: pg.PoolClient): BatchTx {
  const rows = async (sql: string, params: unknown[]) => (await c.query(sql, params)).rows as Row[];
  return {
    async workspacesSettings(ids) {
      if (!ids.length) return [];
      return (
        await rows('SELECT id, settings, timezone FROM workspaces WHERE id = ANY($1::uuid[])', [ids])
      ).map((r) => ({ id: r.id as string, settings: r.settings, timezone: r.timezone as string }));
    },
    async customersByIds(ids) {
      if (!ids.length) return [];
      return (await rows('SELECT * FROM customers WHERE id = ANY($1::uuid[])', [ids])).map(toCustomer);
    },
    async peopleByIdsAcross(ids) {
      if (!ids.length) return [];
      return (await rows('SELECT * FROM people WHERE id = ANY($1::uuid[])', [ids])).map(toPerson);
    },
    async peopleWithRoles(workspaceIds, roles) {
      if (!workspaceIds.length || !roles.length) return [];
      return (
        await rows(
          'SELECT * FROM people WHERE workspace_id = ANY($1::uuid[]) AND role = ANY($2::text[]) ORDER BY created_at, id',
          [workspaceIds, roles],
        )
      ).map(toPerson);
    },
    async recipientsOf(alertIds) {
      if (!alertIds.length) return [];
      return (
        await rows('SELECT alert_id, person_id FROM alert_recipients WHERE alert_id = ANY($1::uuid[])', [
          alertIds,
        ])
      ).map((r) => ({ alertId: r.alert_id as string, personId: r.person_id as string }));
    },
    async alertChannelsOf(alertIds) {
      if (!alertIds.length) return [];
      return (
        await rows(
          `SELECT alert_id, channel FROM alert_threads WHERE alert_id = ANY($1::uuid[])
           UNION SELECT alert_id, channel FROM deliveries WHERE alert_id = ANY($1::uuid[]) AND kind = 'post_card'`,
          [alertIds],
        )
      ).map((r) => ({ alertId: r.alert_id as string, channel: r.channel as Channel }));
    },
    async addRecipients(list) {
      if (!list.length) return;
      await c.query(
        `INSERT INTO alert_recipients (alert_id, person_id, step, notified_at)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::timestamptz[]) ON CONFLICT DO NOTHING`,
        [
          list.map((r) => r.alertId),
          list.map((r) => r.personId),
          list.map((r) => r.step),
          list.map((r) => r.at),
        ],
      );
    },
    async enqueueDeliveries(list) {
      if (!list.length) return;
      await c.query(
        `INSERT INTO deliveries (workspace_id, alert_id, channel, person_id, kind, payload)
         SELECT w, a, ch, p, k, pl FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::jsonb[])
           WITH ORDINALITY AS u(w, a, ch, p, k, pl, n) ORDER BY n`,
        [
          list.map((d) => d.workspaceId),
          list.map((d) => ('alertId' in d.request ? (d.request.alertId ?? null) : null)),
          list.map((d) => d.channel),
          list.map((d) => ('personId' in d.request ? d.request.personId : null)),
          list.map((d) => d.request.kind),
          list.map((d) => JSON.stringify(d.request)),
        ],
      );
    },
    async updateAlertsBatch(list, now) {
      if (!list.length) return 0;
      const r = await c.query(
        `UPDATE alerts a SET step = u.step, token = u.token, next_action_at = u.next_at, next_action_kind = u.next_kind,
                version = a.version + u.bump, updated_at = $8
         FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::int[], $6::timestamptz[], $7::text[])
           AS u(id, version, bump, step, token, next_at, next_kind)
         WHERE a.id = u.id AND a.version = u.version`,
        [
          list.map((x) => x.id),
          list.map((x) => x.expectedVersion),
          list.map((x) => x.versionBump),
          list.map((x) => x.step),
          list.map((x) => x.token),
          list.map((x) => x.nextActionAt),
          list.map((x) => x.nextActionKind),
          now,
        ],
      );
      return r.rowCount ?? 0;
    },
  };
}
