import type pg from 'pg';

/** Paged, workspace-scoped lists for API v1 (`GET /api/v1/people`, `GET /api/v1/customers`). */
export interface Page {
  limit: number;
  offset: number;
}

const PEOPLE_SELECT = `SELECT p.id, p.external_id, p.name, p.email, p.role, p.is_admin, p.timezone, p.preferred_channel,
            p.identities, p.fallback_channel, p.fallback_after, p.working_hours, p.quiet_windows, m.external_id AS manager_external_id, p.created_at, p.updated_at
       FROM people p LEFT JOIN people m ON m.id = p.manager_id AND m.workspace_id = p.workspace_id`;

export async function listPeopleForApi(pool: pg.Pool, workspaceId: string, page: Page) {
  const r = await pool.query(
    `${PEOPLE_SELECT}
      WHERE p.workspace_id = $1
      ORDER BY p.name, p.id LIMIT $2 OFFSET $3`,
    [workspaceId, page.limit, page.offset],
  );
  return r.rows.map(personView);
}

/** One person of the workspace as the API lists them, or null. */
export async function personForApi(pool: pg.Pool, workspaceId: string, externalId: string) {
  const r = await pool.query(`${PEOPLE_SELECT} WHERE p.workspace_id = $1 AND p.external_id = $2`, [
    workspaceId,
    externalId,
  ]);
  return r.rows[0] ? personView(r.rows[0]) : null;
}

function personView(p: Record<string, unknown>) {
  return {
    id: p.id as string,
    externalId: p.external_id as string,
    name: p.name as string,
    email: (p.email as string | null) ?? null,
    role: p.role as string,
    isAdmin: p.is_admin as boolean,
    timezone: p.timezone as string,
    preferredChannel: (p.preferred_channel as string | null) ?? null,
    identities: p.identities as Record<string, Record<string, string>>,
    fallbackChannel: (p.fallback_channel as string | null) ?? null,
    fallbackAfter: (p.fallback_after as string | null) ?? null,
    workingHours: (p.working_hours as string | null) ?? null,
    quietWindows: (p.quiet_windows as unknown[]) ?? [],
    managerExternalId: (p.manager_external_id as string | null) ?? null,
    createdAt: (p.created_at as Date).toISOString(),
    updatedAt: (p.updated_at as Date).toISOString(),
  };
}

export async function listCustomersForApi(pool: pg.Pool, workspaceId: string, page: Page) {
  const r = await pool.query(
    `SELECT c.id, c.external_id, c.name, c.tier, c.domains, c.arr, c.churn_risk,
            p.external_id AS csm_external_id, c.created_at, c.updated_at
       FROM customers c LEFT JOIN people p ON p.id = c.csm_id AND p.workspace_id = c.workspace_id
      WHERE c.workspace_id = $1
      ORDER BY c.name, c.id LIMIT $2 OFFSET $3`,
    [workspaceId, page.limit, page.offset],
  );
  return r.rows.map((c) => ({
    id: c.id as string,
    externalId: c.external_id as string,
    name: c.name as string,
    tier: c.tier as string,
    csmExternalId: (c.csm_external_id as string | null) ?? null,
    domains: c.domains as string[],
    arr: c.arr === null ? null : Number(c.arr),
    churnRisk: (c.churn_risk as number | null) ?? null,
    createdAt: (c.created_at as Date).toISOString(),
    updatedAt: (c.updated_at as Date).toISOString(),
  }));
}
