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

/** Tickets per statement: a helpdesk page (Zendesk's export pages hold 1,000). */
const CHUNK = 1000;

/**
 * Stores tickets by (workspace, source, external id): one statement per 1,000 tickets, the rows
 * passed as one array per column (`unnest`), so the statement text and its parameter count do not
 * grow with the batch. A newer `updatedAt` wins; the same or an older version changes nothing (a
 * poll and a webhook delivering the same ticket, or a replay). Each ticket is matched to a
 * customer: by the organisation's external id, else its name (case-insensitive), else the
 * requester's email domain against the customers' domains — the workspace's customers are read
 * once per statement and joined (hash joins), not looked up row by row. Several customers
 * sharing a name or domain: the one with the lowest id wins (before: an arbitrary one).
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
  for (let i = 0; i < batch.length; i += CHUNK) {
    const chunk = batch.slice(i, i + CHUNK);
    const col = <T>(f: (t: NormalizedTicket) => T) => chunk.map(f);
    const r = await db.query(
      `WITH input AS (
         SELECT * FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
           $12::text[], $13::timestamptz[], $14::timestamptz[], $15::jsonb[], $16::text[], $17::text[])
           AS i(external_id, subject, body, status, priority, requester_email, organization, url, created_at,
                updated_at, raw, org_external_id, email_domain)),
       by_ext AS (
         SELECT DISTINCT ON (external_id) external_id, id FROM customers
          WHERE workspace_id = $1 ORDER BY external_id, id),
       by_name AS (
         SELECT DISTINCT ON (lower(name)) lower(name) AS name, id FROM customers
          WHERE workspace_id = $1 ORDER BY lower(name), id),
       by_domain AS (
         SELECT DISTINCT ON (d.domain) d.domain, c.id FROM customers c
          CROSS JOIN LATERAL jsonb_array_elements_text(
            CASE WHEN jsonb_typeof(c.domains) = 'array' THEN c.domains ELSE '[]'::jsonb END) AS d(domain)
          WHERE c.workspace_id = $1 ORDER BY d.domain, c.id)
       INSERT INTO tickets AS t (workspace_id, source_key, connector_id, csv_import_id, external_id, customer_id,
         subject, body, status, priority, requester_email, organization, url, source_created_at, source_updated_at, raw)
       SELECT $1, $2, $3::uuid, $4::uuid, i.external_id, COALESCE(e.id, n.id, d.id), i.subject, i.body, i.status,
         i.priority, i.requester_email, i.organization, i.url, i.created_at, i.updated_at, i.raw
         FROM input i
         LEFT JOIN by_ext e ON e.external_id = i.org_external_id
         LEFT JOIN by_name n ON n.name = lower(i.organization)
         LEFT JOIN by_domain d ON d.domain = i.email_domain
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
      [
        workspaceId,
        source.sourceKey,
        source.connectorId ?? null,
        source.csvImportId ?? null,
        col((t) => t.externalId),
        col((t) => t.subject ?? ''),
        col((t) => t.body ?? ''),
        col((t) => t.status ?? null),
        col((t) => t.priority ?? null),
        col((t) => t.requesterEmail?.toLowerCase() ?? null),
        col((t) => t.organization ?? null),
        col((t) => t.url ?? null),
        col((t) => validDate(t.createdAt)),
        col((t) => validDate(t.updatedAt)),
        col((t) => (t.raw === undefined ? null : JSON.stringify(t.raw))),
        col((t) => t.organizationExternalId ?? null),
        col((t) => emailDomain(t.requesterEmail)),
      ],
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

/** ISO text for a timestamptz[] element (node-postgres sends Dates in arrays as local-time text). */
const validDate = (d: Date | null | undefined): string | null =>
  d && !Number.isNaN(d.getTime()) ? d.toISOString() : null;

/** Ids of stored tickets by their external ids within one source. */
export async function ticketIdsByExternalId(
  db: pg.Pool | pg.PoolClient,
  workspaceId: string,
  source: TicketSource,
  externalIds: string[],
): Promise<string[]> {
  if (externalIds.length === 0) return [];
  return (
    await db.query<{ id: string }>(
      'SELECT id FROM tickets WHERE workspace_id = $1 AND source_key = $2 AND external_id = ANY($3::text[])',
      [workspaceId, source.sourceKey, externalIds],
    )
  ).rows.map((r) => r.id);
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
