import type { NormalizedTicket } from '../../store/tickets.js';
import { adfToText } from './adf.js';

/** The issue fields a sync asks for (plus the Organizations custom field when the site has one). */
export const ISSUE_FIELDS = [
  'summary',
  'description',
  'status',
  'priority',
  'reporter',
  'created',
  'updated',
  'issuetype',
];

export interface JiraIssue {
  id: string;
  key: string;
  self?: string;
  fields?: Record<string, unknown>;
}

/**
 * Jira timestamps look like `2020-05-08T07:55:44.099+0000`; the offset has no colon, which
 * ECMAScript's date format does not promise to parse, so add it.
 */
export function parseJiraDate(v: unknown): Date | null {
  if (typeof v !== 'string' || !v) return null;
  const d = new Date(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? null : d;
}

function name(v: unknown): string | null {
  return v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string'
    ? (v as { name: string }).name
    : null;
}

/** Maps one issue; `orgField` is the site's JSM Organizations field id (customfield_NNNNN) if any. */
export function mapIssue(issue: JiraIssue, orgField: string | null): NormalizedTicket {
  const f = issue.fields ?? {};
  const reporter = f.reporter as { emailAddress?: unknown } | null | undefined;
  // Organizations is a list of {id, name}; a request belongs to the first one for matching purposes.
  const orgs =
    orgField && Array.isArray(f[orgField]) ? (f[orgField] as { id?: unknown; name?: unknown }[]) : [];
  const org = orgs.find((o) => o && typeof o.name === 'string');
  const status = f.status as { name?: string; statusCategory?: { key?: string } } | undefined;
  let url: string | null = null;
  if (issue.self) {
    try {
      // `self` is the API address on the real site, whatever base URL the request went to.
      url = `${new URL(issue.self).origin}/browse/${issue.key}`;
    } catch {
      url = null;
    }
  }
  return {
    externalId: String(issue.id),
    subject: typeof f.summary === 'string' ? f.summary : issue.key,
    body: adfToText(f.description),
    status: status?.name ?? null,
    priority: name(f.priority),
    requesterEmail: typeof reporter?.emailAddress === 'string' ? reporter.emailAddress : null,
    organization: org ? String(org.name) : null,
    organizationExternalId: org?.id != null ? String(org.id) : null,
    url,
    createdAt: parseJiraDate(f.created),
    updatedAt: parseJiraDate(f.updated),
    raw: {
      key: issue.key,
      statusCategory: status?.statusCategory?.key ?? null,
      issueType: name(f.issuetype),
    },
  };
}
