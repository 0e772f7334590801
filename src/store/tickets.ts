import type pg from 'pg';

/**
 * A support ticket as every source (helpdesk connector, ticket webhook, CSV import) hands it over:
 * already normalised to plain text and our field names.
 */
export interface NormalizedTicket {
  /** The platform's ticket id (unique within its source). */
  externalId: string;
  subject: string;
  /** Plain text (HTML and Jira ADF converted by the source). */
  body: string;
  status?: string | null;
  priority?: string | null;
  requesterEmail?: string | null;
  /** Organisation / company name as the helpdesk shows it. */
  organization?: string | null;
  /** The helpdesk's organisation id, matched against customers' external ids. */
  organizationExternalId?: string | null;
  /** Link back to the ticket on its platform. */
  url?: string | null;
  createdAt?: Date | null;
  updatedAt?: Date | null;
  raw?: unknown;
}

/** Where tickets come from: external ids are unique within one source key. */
export interface TicketSource {
  /** The connector id for connectors, `csv:<format>` for CSV imports. */
  sourceKey: string;
  connectorId?: string | null;
  csvImportId?: string | null;
}

export interface UpsertResult {
  /** Ids of rows created by this call. */
  inserted: string[];
  /** Ids of rows whose stored version was older and has been replaced. */
  updated: string[];
  /** External ids of tickets that were already stored at the same or a newer version (replays). */
  unchanged: string[];
}

const COLS = 16;

/**
 * Stores tickets by (workspace, source, external id) in one statement. A newer `updatedAt` wins;
 * the same or an older version changes nothing (a poll and a webhook delivering the same ticket,
 * or a replay). Each ticket is matched to a customer: by the organisation's external id, else its
 * name (case-insensitive), else the requester's email domain against the customers' domains.
 */
export async function upsertTickets(
  db: pg.Pool | pg.PoolClient,
  workspaceId: string,
  source: TicketSource,
  tickets: NormalizedTicket[],
): Promise<UpsertResult> {
  const out: UpsertResult = { inserted: [], updated: [], unchanged: [] };
  if (tickets.length === 0) return out;
  // Last occurrence of an external id in one batch wins (a page may repeat a ticket).
  const byId = new Map<string, NormalizedTicket>();
  for (const t of tickets) byId.set(t.externalId, t);
  const batch = [...byId.values()];
  for (let i = 0; i < batch.length; i += 500) {
    const chunk = batch.slice(i, i + 500);
    const params: unknown[] = [workspaceId];
    const rows = chunk.map((t, j) => {
      const b = 1 + j * COLS;
      params.push(
        source.sourceKey,
        source.connectorId ?? null,
        source.csvImportId ?? null,
        t.externalId,
        t.subject ?? '',
        t.body ?? '',
        t.status ?? null,
        t.priority ?? null,
        t.requesterEmail?.toLowerCase() ?? null,
        t.organization ?? null,
        t.url ?? null,
        t.createdAt ?? null,
        t.updatedAt ?? null,
        t.raw === undefined ? null : JSON.stringify(t.raw),
        t.organizationExternalId ?? null,
        emailDomain(t.requesterEmail),
      );
      const p = (k: number) => `$${b + k}`;
      return `(${p(1)},${p(2)}::uuid,${p(3)}::uuid,${p(4)},${p(5)},${p(6)},${p(7)},${p(8)},${p(9)},${p(10)},${p(11)},${p(12)}::timestamptz,${p(13)}::timestamptz,${p(14)}::jsonb,${p(15)},${p(16)})`;
    });
    const r = await db.query(
      `WITH input (source_key, connector_id, csv_import_id, external_id, subject, body, status, priority,
                   requester_email, organization, url, created_at, updated_at, raw, org_external_id, email_domain)
         AS (VALUES ${rows.join(',')}),
       matched AS (
         SELECT i.*, COALESCE(
           (SELECT c.id FROM customers c WHERE c.workspace_id = $1 AND i.org_external_id IS NOT NULL
              AND c.external_id = i.org_external_id LIMIT 1),
           (SELECT c.id FROM customers c WHERE c.workspace_id = $1 AND i.organization IS NOT NULL
              AND lower(c.name) = lower(i.organization) LIMIT 1),
           (SELECT c.id FROM customers c WHERE c.workspace_id = $1 AND i.email_domain IS NOT NULL
              AND c.domains @> jsonb_build_array(i.email_domain) LIMIT 1)) AS customer_id
         FROM input i)
       INSERT INTO tickets AS t (workspace_id, source_key, connector_id, csv_import_id, external_id, customer_id,
         subject, body, status, priority, requester_email, organization, url, source_created_at, source_updated_at, raw)
       SELECT $1, source_key, connector_id, csv_import_id, external_id, customer_id, subject, body, status, priority,
         requester_email, organization, url, created_at, updated_at, raw FROM matched
       ON CONFLICT (workspace_id, source_key, external_id) DO UPDATE SET
         connector_id = EXCLUDED.connector_id, csv_import_id = COALESCE(EXCLUDED.csv_import_id, t.csv_import_id),
         customer_id = COALESCE(EXCLUDED.customer_id, t.customer_id), subject = EXCLUDED.subject, body = EXCLUDED.body,
         status = EXCLUDED.status, priority = EXCLUDED.priority, requester_email = EXCLUDED.requester_email,
         organization = EXCLUDED.organization, url = EXCLUDED.url, source_created_at = EXCLUDED.source_created_at,
         source_updated_at = EXCLUDED.source_updated_at, raw = EXCLUDED.raw, ingested_at = now()
       WHERE (EXCLUDED.source_updated_at IS NOT NULL AND t.source_updated_at IS NULL)
          OR EXCLUDED.source_updated_at > t.source_updated_at
          OR (EXCLUDED.source_updated_at IS NULL AND t.source_updated_at IS NULL
              AND (t.subject, t.body, t.status) IS DISTINCT FROM (EXCLUDED.subject, EXCLUDED.body, EXCLUDED.status))
       RETURNING t.id, t.external_id, (xmax = 0) AS inserted`,
      params,
    );
    const touched = new Set<string>();
    for (const row of r.rows as { id: string; external_id: string; inserted: boolean }[]) {
      touched.add(row.external_id);
      (row.inserted ? out.inserted : out.updated).push(row.id);
    }
    for (const t of chunk) if (!touched.has(t.externalId)) out.unchanged.push(t.externalId);
  }
  return out;
}

function emailDomain(email: string | null | undefined): string | null {
  const at = email?.lastIndexOf('@') ?? -1;
  return at > 0 ? email!.slice(at + 1).toLowerCase() : null;
}

/** One page of a workspace's ticket ids after `after` (keyset paging keeps memory flat). */
export async function ticketIdsAfter(
  pool: pg.Pool,
  workspaceId: string,
  after: string,
  limit: number,
): Promise<string[]> {
  return (
    await pool.query<{ id: string }>(
      'SELECT id FROM tickets WHERE workspace_id = $1 AND id > $2 ORDER BY id LIMIT $3',
      [workspaceId, after, limit],
    )
  ).rows.map((r) => r.id);
}
