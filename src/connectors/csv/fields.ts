/** The ticket fields a CSV column can be mapped to (NormalizedTicket's names). */
export const TICKET_FIELDS = [
  'externalId',
  'subject',
  'body',
  'status',
  'priority',
  'requesterEmail',
  'organization',
  'createdAt',
  'updatedAt',
  'comments',
  'tags',
] as const;
export type TicketField = (typeof TICKET_FIELDS)[number];

export const FIELD_LABELS: Record<TicketField, string> = {
  externalId: 'Ticket id',
  subject: 'Subject',
  body: 'Description',
  status: 'Status',
  priority: 'Priority',
  requesterEmail: 'Requester email',
  organization: 'Organization',
  createdAt: 'Created at',
  updatedAt: 'Updated at',
  comments: 'Comments',
  tags: 'Tags / labels',
};

/** A ticket cannot be stored without these (idempotency needs the id; analysis needs text). */
export const REQUIRED_FIELDS: TicketField[] = ['externalId'];

/** One mapped field: the column (by header name; repeated columns are gathered) and how sure we are. */
export interface FieldMapping {
  column: string;
  /** 0..1: 1 = the vendor's documented header; lower for a guess from name similarity and content. */
  confidence: number;
  /** The person chose this column in the review card (not a detection, however sure). */
  setByUser?: boolean;
}

export type ColumnMapping = Partial<Record<TicketField, FieldMapping>>;
