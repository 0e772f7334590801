import type { NormalizedTicket } from '../store/tickets.js';

/**
 * What one helpdesk platform is: src/connectors/<platform>/index.ts exports a ConnectorPlatform
 * that says *what* to fetch and how to map it. Paging loops, cursor persistence, look-back,
 * retries (Retry-After, rate-limit headers, exponential backoff with jitter) and concurrency
 * belong to the shared runtime (src/connectors/runtime/), never to a platform folder.
 */

export type PlatformId = 'zendesk' | 'freshdesk' | 'jsm' | 'intercom' | 'hubspot' | 'webhook';

/** A credential field as the helpdesk's admin knows it (shown in chat forms, masked when secret). */
export interface CredentialField {
  name: string;
  label: string;
  secret: boolean;
  /** Where the admin finds it, e.g. "Admin Center → Apps and integrations → Zendesk API". */
  hint: string;
  /** Optional fields (e.g. a region) may be left empty. */
  optional?: boolean;
}

/** One HTTP request as a platform describes it; the runtime sends it and handles retries. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Absolute URL, or a path joined to the connector's base URL. */
  url: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The runtime's HTTP client: authenticated by the platform's `authHeaders`, retried, rate-limited. */
export interface HttpClient {
  /** Retries 429/5xx as the platform's signals say; returns any other response as is. */
  request(req: HttpRequest): Promise<HttpResponse>;
}

export interface PlatformContext {
  /** https://{subdomain}.zendesk.com, or the connector's baseUrl override (regional hosts, tests). */
  baseUrl: string;
  credentials: Record<string, string>;
  http: HttpClient;
  now: Date;
}

/** Result of Test & Connect: ok, or which credential field is wrong and how to fix it. */
export type TestResult = { ok: true; account: string } | { ok: false; field: string | null; message: string };

/** An opaque, JSON-serialisable position in the platform's change stream. Persisted per connector. */
export type Cursor = Record<string, unknown>;

export interface TicketPage {
  tickets: NormalizedTicket[];
  /** Where to continue from; persisted after the page's tickets are stored (resume after a crash). */
  cursor: Cursor;
  /** True when the stream is exhausted for now (the next sync starts from `cursor`). */
  done: boolean;
}

/** A webhook request as received, before any parsing. */
export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  /** The full URL the platform called (HubSpot v3 signs it). */
  url: string;
  method: string;
  now: Date;
}

export type WebhookVerdict = { ok: true } | { ok: false; reason: string };

/** What a verified webhook carries: tickets ready to store, and/or ids to fetch through the API. */
export interface WebhookContent {
  tickets: NormalizedTicket[];
  fetchIds?: string[];
  /** A platform's delivery id, remembered so a replay changes nothing. */
  deliveryId?: string;
  /** Set when the delivery is not about a ticket: answered 200, logged at debug, nothing fetched. */
  ignored?: string;
}

export interface ConnectorPlatform {
  id: PlatformId;
  label: string;
  credentialFields: CredentialField[];
  /** The API root from the credentials (subdomain…). */
  baseUrl(credentials: Record<string, string>): string;
  /** Headers that authenticate a request. */
  authHeaders(credentials: Record<string, string>): Record<string, string>;
  /** The cheapest authenticated call plus a permission check. */
  test(ctx: PlatformContext): Promise<TestResult>;
  /**
   * One page of tickets changed since `since` (first call: cursor null) or after `cursor`.
   * The runtime calls it until `done`, persisting the cursor after each page.
   */
  fetchPage(ctx: PlatformContext, cursor: Cursor | null, opts: { since: Date }): Promise<TicketPage>;
  /** Fetches single tickets by id (webhooks that carry only ids). */
  fetchTickets?(ctx: PlatformContext, ids: string[]): Promise<NormalizedTicket[]>;
  /** Checks the platform's signature on the raw body; `secret` is the connector's webhook secret. */
  verifyWebhook(req: WebhookRequest, secret: string | null): WebhookVerdict;
  /** Parses a verified body; throws WebhookParseError (→ 400) when malformed. */
  parseWebhook(body: unknown, req: WebhookRequest): WebhookContent;
  /** Registers the webhook on the platform (where its API allows), returning its id and secret. */
  registerWebhook?(ctx: PlatformContext, url: string): Promise<{ id: string; secret: string }>;
  /**
   * The secret is ours to choose (Freshdesk's custom header, the generic webhook, Jira admin
   * webhooks): when the admin pastes none, the product generates one and shows it once.
   * Platforms that generate the secret themselves (Zendesk, Intercom, HubSpot) leave this unset.
   */
  generatesWebhookSecret?: boolean;
  unregisterWebhook?(ctx: PlatformContext, id: string): Promise<void>;
}

/** A webhook body that cannot be understood: answered 400, nothing stored. */
export class WebhookParseError extends Error {
  /** Field (dotted path) → what is wrong, when the platform's parser can name it. */
  constructor(
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
  }
}
