import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * API `Idempotency-Key`s, after Stripe's idempotent requests and the IETF httpapi
 * "The Idempotency-Key HTTP Header Field" draft (§2.6 error scenarios):
 * - a key belongs to one workspace: (workspace, key) is the primary key, so two tenants' `order-42`
 *   never meet;
 * - the key remembers the request it answered (route, alert, action, a SHA-256 of the canonical
 *   body) and, once answered with a 2xx, replays the same status and body;
 * - the same key on a different request → 422 naming what differs; while the first request is
 *   still running → 409 (the draft's "concurrent request" answer);
 * - a request that fails (validation, refusal, an error) releases its key, so the corrected retry
 *   is applied ("results are only saved if an API endpoint started executing" and succeeded).
 * Keys expire after KEY_TTL_HOURS, like Stripe's 24 hours.
 */
export const KEY_TTL_HOURS = 24;
/** How long a key stays claimed by a request that has not answered (a crashed process frees it). */
const PENDING_LEASE_SECONDS = 60;

export interface IdempotentRequest {
  workspaceId: string;
  key: string;
  method: string;
  route: string;
  alertId?: string | null;
  action?: string | null;
  body: unknown;
}

export type Claim =
  /** The key is ours: run the request, then `complete` or `release`. */
  | { kind: 'claimed' }
  /** The same request was answered before: send this again. */
  | { kind: 'replay'; status: number; body: unknown }
  /** The same key is held by a request still running. */
  | { kind: 'in_progress' }
  /** The key was used for another request: `field` → what it was used for. */
  | { kind: 'mismatch'; mismatch: Record<string, string> };

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` hash the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const requestHash = (body: unknown): string =>
  createHash('sha256').update(canonicalJson(body)).digest('hex');

interface Row {
  method: string;
  route: string;
  alert_id: string | null;
  action: string | null;
  request_hash: string;
  status: number | null;
  response: unknown;
  pending_alive: boolean;
}

export function createIdempotencyRepo(pool: pg.Pool) {
  return {
    /** Claims `key` for this request, or says why not (replay, in progress, mismatch). */
    async claim(req: IdempotentRequest): Promise<Claim> {
      const hash = requestHash(req.body);
      for (let attempt = 0; attempt < 3; attempt++) {
        // Expired keys (and abandoned claims of a crashed process) are taken over in place.
        const claimed = await pool.query(
          `INSERT INTO api_idempotency_keys
             (workspace_id, key, method, route, alert_id, action, request_hash, locked_until)
           VALUES ($1,$2,$3,$4,$5,$6,$7, now() + make_interval(secs => $8))
           ON CONFLICT (workspace_id, key) DO UPDATE
             SET method = EXCLUDED.method, route = EXCLUDED.route, alert_id = EXCLUDED.alert_id,
                 action = EXCLUDED.action, request_hash = EXCLUDED.request_hash, status = NULL,
                 response = NULL, locked_until = EXCLUDED.locked_until, created_at = now()
             WHERE api_idempotency_keys.created_at < now() - make_interval(hours => $9)
                OR (api_idempotency_keys.status IS NULL AND api_idempotency_keys.locked_until < now()
                    AND api_idempotency_keys.request_hash = EXCLUDED.request_hash)
           RETURNING 1`,
          [
            req.workspaceId,
            req.key,
            req.method,
            req.route,
            req.alertId ?? null,
            req.action ?? null,
            hash,
            PENDING_LEASE_SECONDS,
            KEY_TTL_HOURS,
          ],
        );
        if (claimed.rowCount) return { kind: 'claimed' };
        const row = (
          await pool.query(
            `SELECT method, route, alert_id, action, request_hash, status, response,
                    (locked_until >= now()) AS pending_alive
               FROM api_idempotency_keys WHERE workspace_id = $1 AND key = $2`,
            [req.workspaceId, req.key],
          )
        ).rows[0] as Row | undefined;
        if (!row) continue; // released between the two statements: claim again
        const mismatch: Record<string, string> = {};
        if (row.method !== req.method || row.route !== req.route)
          mismatch.route = `this key was used for ${row.method} ${row.route}`;
        else if ((row.alert_id ?? null) !== (req.alertId ?? null))
          mismatch.alertId = `this key was used for alert ${row.alert_id}`;
        else if ((row.action ?? null) !== (req.action ?? null))
          mismatch.action = `this key was used for the action "${row.action}"`;
        else if (row.request_hash !== hash) mismatch.body = 'this key was used with a different request body';
        if (Object.keys(mismatch).length) return { kind: 'mismatch', mismatch };
        if (row.status === null) {
          if (row.pending_alive) return { kind: 'in_progress' };
          continue; // abandoned claim of the same request: take it over
        }
        return { kind: 'replay', status: row.status, body: row.response };
      }
      return { kind: 'in_progress' };
    },

    /** Stores the answer to replay for the claimed key. */
    async complete(workspaceId: string, key: string, status: number, body: unknown): Promise<void> {
      await pool.query(
        `UPDATE api_idempotency_keys SET status = $3, response = $4, locked_until = NULL
          WHERE workspace_id = $1 AND key = $2`,
        [workspaceId, key, status, JSON.stringify(body)],
      );
    },

    /** Frees a claimed key whose request did not succeed, so a corrected retry runs. */
    async release(workspaceId: string, key: string): Promise<void> {
      await pool.query(
        'DELETE FROM api_idempotency_keys WHERE workspace_id = $1 AND key = $2 AND status IS NULL',
        [workspaceId, key],
      );
    },

    /** Deletes keys past their lifetime (the `KEY_TTL_HOURS` window). */
    async prune(): Promise<number> {
      const r = await pool.query(
        `DELETE FROM api_idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`,
        [KEY_TTL_HOURS],
      );
      return r.rowCount ?? 0;
    },
  };
}
export type IdempotencyRepo = ReturnType<typeof createIdempotencyRepo>;
