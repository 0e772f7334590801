import type { NormalizedTicket } from '../../store/tickets.js';

/** Properties every ticket read asks for (CRM v3 tickets guide). */
export const TICKET_PROPERTIES = [
  'subject',
  'content',
  'hs_pipeline',
  'hs_pipeline_stage',
  'hs_ticket_priority',
  'createdate',
  'hs_lastmodifieddate',
];

export interface HubSpotTicket {
  id: string;
  properties?: Record<string, string | null | undefined>;
  createdAt?: string;
  updatedAt?: string;
}

/** What associations add to a ticket: its first contact's email and first company. */
export interface TicketParties {
  email?: string | null;
  company?: { id: string; name: string | null } | null;
}

/** The default Support Pipeline's stage ids, used when the pipelines could not be read. */
const DEFAULT_STAGES: Record<string, string> = {
  '1': 'New',
  '2': 'Waiting on contact',
  '3': 'Waiting on us',
  '4': 'Closed',
};

function date(v: unknown): Date | null {
  if (typeof v !== 'string' || !v) return null;
  // Search returns ISO strings; some objects carry epoch milliseconds as strings.
  const d = /^\d+$/.test(v) ? new Date(Number(v)) : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function modifiedAt(t: HubSpotTicket): Date | null {
  return date(t.properties?.hs_lastmodifieddate) ?? date(t.updatedAt);
}

/**
 * Maps one ticket. Status is the pipeline stage's label (stage ids mean nothing to a reader);
 * `content` is plain text in HubSpot. `uiDomain` is app.hubspot.com or app-eu1.hubspot.com.
 */
export function mapTicket(
  t: HubSpotTicket,
  o: {
    stages: Record<string, string>;
    portalId: string | null;
    uiDomain: string | null;
    parties?: TicketParties;
  },
): NormalizedTicket {
  const p = t.properties ?? {};
  const stage = p.hs_pipeline_stage ?? null;
  const priority = p.hs_ticket_priority ? p.hs_ticket_priority.toLowerCase() : null;
  return {
    externalId: String(t.id),
    subject: (p.subject ?? '').trim() || `Ticket ${t.id}`,
    body: (p.content ?? '').trim(),
    status: stage ? (o.stages[stage] ?? DEFAULT_STAGES[stage] ?? stage) : null,
    priority,
    requesterEmail: o.parties?.email ?? null,
    organization: o.parties?.company?.name ?? null,
    organizationExternalId: o.parties?.company?.id ?? null,
    url: o.portalId
      ? `https://${o.uiDomain ?? 'app.hubspot.com'}/contacts/${o.portalId}/record/0-5/${t.id}`
      : null,
    createdAt: date(p.createdate) ?? date(t.createdAt),
    updatedAt: modifiedAt(t),
    raw: { pipeline: p.hs_pipeline ?? null, stage },
  };
}
