import type { DayOrder } from './dates.js';
import type { TicketField } from './fields.js';

/**
 * Helpdesk CSV exports recognised by their headers. Sources: /work/shared/platforms/HELPDESKS.md
 * "CSV export headers". Kayako and HappyFox publish no export column list: their profiles are
 * built from the documented field names (Kayako KQL labels, HappyFox API ticket fields) and
 * their fixtures are marked synthetic.
 */
export interface CsvFormat {
  id: string;
  label: string;
  /** Headers that identify the export; detection needs most of them (case-insensitive). */
  signature: string[];
  /** Field → candidate headers, first present wins. */
  fields: Partial<Record<TicketField, string[]>>;
  /** For numeric dates whose day and month are both ≤ 12. */
  dayOrder?: DayOrder;
  /** Whether status values are numeric codes and what they mean. */
  statusCodes?: Record<string, string>;
}

export const CSV_FORMATS: CsvFormat[] = [
  {
    id: 'zendesk',
    label: 'Zendesk',
    signature: [
      'Id',
      'Requester',
      'Requester email',
      'Subject',
      'Status',
      'Created at',
      'Updated at',
      'Via',
      'Ticket type',
    ],
    fields: {
      externalId: ['Id'],
      subject: ['Subject'],
      body: ['Description'],
      status: ['Status'],
      priority: ['Priority'],
      requesterEmail: ['Requester email'],
      organization: ['Organization'],
      createdAt: ['Created at'],
      updatedAt: ['Updated at'],
      tags: ['Tags'],
    },
  },
  {
    id: 'freshdesk',
    label: 'Freshdesk',
    signature: [
      'Ticket ID',
      'Subject',
      'Description',
      'Status',
      'Priority',
      'Source',
      'Created time',
      'Last update time',
      'Agent interactions',
    ],
    fields: {
      externalId: ['Ticket ID'],
      subject: ['Subject'],
      body: ['Description'],
      status: ['Status'],
      priority: ['Priority'],
      requesterEmail: ['Email', 'Contact Email'],
      organization: ['Company Name', 'Company'],
      createdAt: ['Created time'],
      updatedAt: ['Last update time'],
      tags: ['Tags'],
    },
  },
  {
    id: 'jira',
    label: 'Jira',
    signature: ['Summary', 'Issue key', 'Issue id', 'Issue Type', 'Status', 'Created', 'Updated', 'Reporter'],
    fields: {
      externalId: ['Issue key', 'Issue id'],
      subject: ['Summary'],
      body: ['Description'],
      status: ['Status'],
      priority: ['Priority'],
      requesterEmail: ['Reporter email', 'Custom field (Reporter email)'],
      organization: ['Custom field (Organizations)', 'Organizations'],
      createdAt: ['Created'],
      updatedAt: ['Updated'],
      comments: ['Comment'],
      tags: ['Labels'],
    },
  },
  {
    // Jira Cloud "Export CSV (all fields)" with the exporting user's language set to Spanish:
    // the column names are translated, the values and date format (`10/nov/25 4:51 PM`) are not
    // (the corpus' jira-cloud-es-all-fields.csv, fleetbase/fleetbase Jira.csv).
    id: 'jira',
    label: 'Jira (Spanish)',
    signature: [
      'Resumen',
      'Clave de incidencia',
      'ID de la incidencia',
      'Tipo de Incidencia',
      'Estado',
      'Creada',
      'Actualizada',
      'Informador',
    ],
    fields: {
      externalId: ['Clave de incidencia', 'ID de la incidencia'],
      subject: ['Resumen'],
      body: ['Descripción'],
      status: ['Estado'],
      priority: ['Prioridad'],
      organization: ['Campo personalizado (Organizaciones)', 'Organizaciones'],
      createdAt: ['Creada'],
      updatedAt: ['Actualizada'],
      comments: ['Comentario'],
      tags: ['Etiquetas'],
    },
  },
  {
    // Synthetic (KQL report labels; no published export).
    id: 'kayako',
    label: 'Kayako',
    signature: ['Ticket Mask ID', 'Subject', 'Full Name', 'Email', 'Department', 'Status', 'Creation Date'],
    fields: {
      externalId: ['Ticket Mask ID', 'Ticket ID'],
      subject: ['Subject'],
      body: ['Contents', 'Message'],
      status: ['Status'],
      priority: ['Priority'],
      requesterEmail: ['Email'],
      organization: ['Organization', 'Company'],
      createdAt: ['Creation Date'],
      updatedAt: ['Last Activity', 'Last Update'],
    },
  },
  {
    // Synthetic (HappyFox API ticket field names: display_id, category, status{name,behavior}, updates).
    id: 'happyfox',
    label: 'HappyFox',
    signature: [
      'Display ID',
      'Subject',
      'Category',
      'Status',
      'Status Behavior',
      'Priority',
      'Created At',
      'Last Updated At',
    ],
    fields: {
      externalId: ['Display ID', 'Ticket ID'],
      subject: ['Subject'],
      body: ['Message', 'Description'],
      status: ['Status'],
      priority: ['Priority'],
      requesterEmail: ['Contact Email', 'Email'],
      organization: ['Contact Group', 'Company'],
      createdAt: ['Created At'],
      updatedAt: ['Last Updated At'],
      comments: ['Updates'],
    },
  },
  {
    id: 'servicenow',
    label: 'ServiceNow',
    signature: [
      'number',
      'opened_at',
      'short_description',
      'caller_id',
      'priority',
      'state',
      'assignment_group',
      'sys_updated_on',
    ],
    fields: {
      externalId: ['number'],
      subject: ['short_description'],
      body: ['description'],
      status: ['state'],
      priority: ['priority'],
      requesterEmail: ['caller_id.email', 'u_email'],
      organization: ['company'],
      createdAt: ['opened_at'],
      updatedAt: ['sys_updated_on'],
    },
    // State codes (when the list was exported with values instead of display values).
    statusCodes: {
      '1': 'New',
      '2': 'In Progress',
      '3': 'On Hold',
      '6': 'Resolved',
      '7': 'Closed',
      '8': 'Canceled',
    },
  },
  {
    // Data Loader / Data Export (API names).
    id: 'salesforce',
    label: 'Salesforce Service Cloud',
    signature: [
      'Id',
      'CaseNumber',
      'Subject',
      'Description',
      'Status',
      'Priority',
      'Origin',
      'CreatedDate',
      'LastModifiedDate',
    ],
    fields: {
      externalId: ['CaseNumber', 'Id'],
      subject: ['Subject'],
      body: ['Description'],
      status: ['Status'],
      priority: ['Priority'],
      requesterEmail: ['ContactEmail', 'SuppliedEmail'],
      organization: ['Account.Name', 'SuppliedCompany'],
      createdAt: ['CreatedDate'],
      updatedAt: ['LastModifiedDate'],
    },
  },
  {
    // Report "Export Details" (labels; US day order by default).
    id: 'salesforce',
    label: 'Salesforce Service Cloud (report)',
    signature: [
      'Case Number',
      'Subject',
      'Case Owner',
      'Status',
      'Priority',
      'Case Origin',
      'Date/Time Opened',
    ],
    fields: {
      externalId: ['Case Number'],
      subject: ['Subject'],
      body: ['Description'],
      status: ['Status'],
      priority: ['Priority'],
      requesterEmail: ['Contact Email', 'Email'],
      organization: ['Account Name'],
      createdAt: ['Date/Time Opened'],
      updatedAt: ['Last Modified Date'],
    },
    dayOrder: 'mdy',
  },
];

const norm = (h: string) => h.trim().toLowerCase();

/** A recognised export and how much of its usual header the file has. */
export interface FormatMatch {
  format: CsvFormat;
  /** Signature headers present, of `of`. */
  hits: number;
  of: number;
  /** False when the export was trimmed (optional columns left out): the label says how much is there. */
  complete: boolean;
}

/**
 * The export whose signature headers are best covered by the file's header: ≥ 80 % of them, or
 * ≥ 60 % when the export's own ticket-id column is there too (an export trimmed of its optional
 * columns, such as Freshdesk's default export without Source or Agent interactions). Null for
 * anything else (a custom export: mapped by similarity).
 */
export function matchFormat(headers: string[]): FormatMatch | null {
  const have = new Set(headers.map(norm));
  let best: FormatMatch | null = null;
  let bestScore = 0;
  for (const f of CSV_FORMATS) {
    const hits = f.signature.filter((s) => have.has(norm(s))).length;
    const score = hits / f.signature.length;
    const idThere = (f.fields.externalId ?? []).some((c) => have.has(norm(c)));
    if ((score >= 0.8 || (score >= 0.6 && idThere)) && score > bestScore) {
      best = { format: f, hits, of: f.signature.length, complete: score >= 0.8 };
      bestScore = score;
    }
  }
  return best;
}

/** The recognised export (see matchFormat), or null. */
export function detectFormat(headers: string[]): CsvFormat | null {
  return matchFormat(headers)?.format ?? null;
}

/** `Freshdesk`, or `Freshdesk (6 of its 9 usual columns)` for a trimmed export. */
export function formatLabelOf(m: FormatMatch | null): string {
  if (!m) return 'Custom export';
  return m.complete ? m.format.label : `${m.format.label} (${m.hits} of its ${m.of} usual columns)`;
}

export function formatById(id: string): CsvFormat | undefined {
  return CSV_FORMATS.find((f) => f.id === id);
}
