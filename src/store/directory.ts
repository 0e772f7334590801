import type pg from 'pg';
import type { Channel, Role, Tier } from '../engine/index.js';
import {
  InputError,
  parseQuietWindows,
  parseWorkingHours,
  WORKING_HOURS_HELP,
  type QuietWindow,
} from '../engine/index.js';
import { toCustomer, toPerson } from './engine-store.js';

export interface PersonInput {
  externalId: string;
  name: string;
  email?: string | null;
  role: Role;
  managerExternalId?: string | null;
  timezone?: string;
  preferredChannel?: Channel | null;
  identities?: Record<string, Record<string, string>>;
  isAdmin?: boolean;
  /** Issue 20 item 5; left out (undefined) = keep the stored value. */
  fallbackChannel?: Channel | null;
  fallbackAfter?: string | null;
  /** Issue 20 item 1: `Mon-Fri 09:00-18:00` in their time zone; null = the workspace's; undefined = keep. */
  workingHours?: string | null;
  /** Issue 20 item 2: their own quiet windows (the workspace shape, validated here); undefined = keep. */
  quietWindows?: unknown[];
}

export interface CustomerInput {
  externalId: string;
  name: string;
  tier: Tier;
  csmExternalId?: string | null;
  domains?: string[];
  arr?: number | null;
}

/** Upserts people by externalId (managers may be in the same batch, in any order). */
export async function upsertPeople(
  pool: pg.Pool,
  workspaceId: string,
  people: PersonInput[],
): Promise<{ externalId: string; id: string }[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out: { externalId: string; id: string }[] = [];
    for (const p of people) {
      if (p.workingHours && !parseWorkingHours(p.workingHours))
        throw new InputError(`${p.externalId}: working hours ${WORKING_HOURS_HELP}.`, {
          workingHours: WORKING_HOURS_HELP,
        });
      let quiet: QuietWindow[] | null = null;
      if (p.quietWindows !== undefined) {
        const parsed = parseQuietWindows(p.quietWindows);
        if (!parsed.ok) throw new InputError(`${p.externalId}: invalid quiet windows.`, parsed.errors);
        quiet = parsed.windows;
      }
      const r = await client.query(
        `INSERT INTO people (workspace_id, external_id, name, email, role, is_admin, timezone, preferred_channel, identities,
           fallback_channel, fallback_after, working_hours, quiet_windows)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$14,COALESCE($16::jsonb, '[]'::jsonb))
         ON CONFLICT (workspace_id, external_id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, role = EXCLUDED.role,
           is_admin = EXCLUDED.is_admin, timezone = EXCLUDED.timezone, preferred_channel = EXCLUDED.preferred_channel,
           identities = people.identities || EXCLUDED.identities,
           fallback_channel = CASE WHEN $12 THEN EXCLUDED.fallback_channel ELSE people.fallback_channel END,
           fallback_after = CASE WHEN $13 THEN EXCLUDED.fallback_after ELSE people.fallback_after END,
           working_hours = CASE WHEN $15 THEN EXCLUDED.working_hours ELSE people.working_hours END,
           quiet_windows = CASE WHEN $16::jsonb IS NOT NULL THEN EXCLUDED.quiet_windows ELSE people.quiet_windows END,
           updated_at = now()
         RETURNING id, preferred_channel, identities, fallback_channel`,
        [
          workspaceId,
          p.externalId,
          p.name,
          p.email ?? null,
          p.role,
          p.isAdmin ?? p.role === 'admin',
          p.timezone ?? 'UTC',
          p.preferredChannel ?? null,
          JSON.stringify(p.identities ?? {}),
          p.fallbackChannel ?? null,
          p.fallbackAfter ?? null,
          p.fallbackChannel !== undefined,
          p.fallbackAfter !== undefined,
          p.workingHours?.trim() || null,
          p.workingHours !== undefined,
          quiet ? JSON.stringify(quiet) : null,
        ],
      );
      checkFallback(p.externalId, r.rows[0]);
      out.push({ externalId: p.externalId, id: r.rows[0].id });
    }
    for (const p of people) {
      if (p.managerExternalId === undefined) continue;
      let managerId: string | null = null;
      if (p.managerExternalId) {
        const m = await client.query('SELECT id FROM people WHERE workspace_id = $1 AND external_id = $2', [
          workspaceId,
          p.managerExternalId,
        ]);
        if (!m.rows[0]) {
          throw new InputError(
            `Unknown manager "${p.managerExternalId}" for ${p.externalId}: add the manager as a person (in this request or before).`,
            {
              managerExternalId: 'no person with this externalId',
            },
          );
        }
        managerId = m.rows[0].id;
        if (p.managerExternalId === p.externalId)
          throw new InputError(`${p.externalId} cannot be their own manager.`, {
            managerExternalId: 'must be someone else',
          });
      }
      await client.query('UPDATE people SET manager_id = $3 WHERE workspace_id = $1 AND external_id = $2', [
        workspaceId,
        p.externalId,
        managerId,
      ]);
    }
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw identityConflict(err) ?? err;
  } finally {
    client.release();
  }
}

/**
 * Issue 20 item 5: a fallback channel differs from the person's main one (their preferred channel,
 * else their first identity) and is one they have an identity on (the playground reaches anyone).
 */
function checkFallback(externalId: string, row: Record<string, unknown>): void {
  const fallback = row.fallback_channel as Channel | null;
  if (!fallback) return;
  const identities = (row.identities ?? {}) as Record<string, unknown>;
  const main = (row.preferred_channel as string | null) ?? Object.keys(identities)[0] ?? null;
  if (fallback === main)
    throw new InputError(
      `${externalId}: the fallback channel must differ from their main channel (${main}).`,
      {
        fallbackChannel: `must differ from the main channel (${main})`,
      },
    );
  if (fallback !== 'playground' && !identities[fallback])
    throw new InputError(`${externalId} has no ${fallback} identity to fall back to.`, {
      fallbackChannel: `needs identities.${fallback} (the person's ${fallback} account)`,
    });
}

/** Unique chat identities per workspace (migration 0004_chat_trust): index → the field it guards. */
const IDENTITY_INDEXES: Record<string, string> = {
  people_whatsapp_wa_uq: 'identities.whatsapp.waId',
  people_whatsapp_bsuid_uq: 'identities.whatsapp.bsuid',
  people_gchat_user_uq: 'identities.gchat.userName',
  people_teams_aad_uq: 'identities.teams.aadObjectId',
  people_slack_user_uq: 'identities.slack.userId',
};

/**
 * A chat identity already held by another person of the workspace: one chat user must name one
 * person, or an inbound message could not tell whose settings and customers to show.
 */
function identityConflict(err: unknown): InputError | null {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e?.code !== '23505') return null;
  const index =
    e.constraint ?? Object.keys(IDENTITY_INDEXES).find((k) => (e.message ?? '').includes(k)) ?? '';
  const field = IDENTITY_INDEXES[index];
  if (!field) return null;
  return new InputError(
    `Another person of this workspace already has this ${field}: each chat identity names one person.`,
    {
      [field]: 'already used by another person of this workspace',
    },
    409,
  );
}

export async function upsertCustomers(
  pool: pg.Pool,
  workspaceId: string,
  customers: CustomerInput[],
): Promise<{ externalId: string; id: string }[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out: { externalId: string; id: string }[] = [];
    for (const c of customers) {
      let csmId: string | null = null;
      if (c.csmExternalId) {
        const m = await client.query('SELECT id FROM people WHERE workspace_id = $1 AND external_id = $2', [
          workspaceId,
          c.csmExternalId,
        ]);
        if (!m.rows[0])
          throw new InputError(
            `Unknown CSM "${c.csmExternalId}" for customer ${c.externalId}: add them with POST /api/v1/people first.`,
            { csmExternalId: 'no person with this externalId' },
          );
        csmId = m.rows[0].id;
      }
      const r = await client.query(
        `INSERT INTO customers (workspace_id, external_id, name, tier, csm_id, domains, arr) VALUES ($1,$2,$3,$4,$5,$6,$7)
         ON CONFLICT (workspace_id, external_id) DO UPDATE SET name = EXCLUDED.name, tier = EXCLUDED.tier, csm_id = EXCLUDED.csm_id,
           domains = EXCLUDED.domains, arr = EXCLUDED.arr, updated_at = now()
         RETURNING id`,
        [workspaceId, c.externalId, c.name, c.tier, csmId, JSON.stringify(c.domains ?? []), c.arr ?? null],
      );
      out.push({ externalId: c.externalId, id: r.rows[0].id });
    }
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export async function listPeople(pool: pg.Pool, workspaceId: string) {
  return (
    await pool.query('SELECT * FROM people WHERE workspace_id = $1 ORDER BY name', [workspaceId])
  ).rows.map(toPerson);
}

export async function listCustomers(pool: pg.Pool, workspaceId: string) {
  return (
    await pool.query('SELECT * FROM customers WHERE workspace_id = $1 ORDER BY name', [workspaceId])
  ).rows.map(toCustomer);
}

export async function personById(pool: pg.Pool, workspaceId: string, id: string) {
  const r = (await pool.query('SELECT * FROM people WHERE workspace_id = $1 AND id = $2', [workspaceId, id]))
    .rows[0];
  return r ? toPerson(r) : null;
}

export async function personByExternalId(pool: pg.Pool, workspaceId: string, externalId: string) {
  const r = (
    await pool.query('SELECT * FROM people WHERE workspace_id = $1 AND external_id = $2', [
      workspaceId,
      externalId,
    ])
  ).rows[0];
  return r ? toPerson(r) : null;
}
