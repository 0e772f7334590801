import { z } from 'zod';
import {
  actionSchema,
  alertsQuery,
  connectSchema,
  customerSchema,
  bulkActionSchema,
  dryRunSchema,
  errorSchema,
  invoiceSchema,
  pageQuery,
  personPatchSchema,
  personSchema,
  settingsPatchSchema,
  ticketsQuery,
  usageSchema,
} from '../../http/validation.js';

/**
 * The OpenAPI 3.1 description of API v1 (`GET /api/v1/openapi.json`), generated from the zod
 * schemas in validation.ts that validate the requests, so the two cannot drift. OpenAPI 3.1's
 * schema object is JSON Schema 2020-12, which is what `z.toJSONSchema` writes.
 * test/integration/api/openapi.test.ts checks every route of the Express table is listed here.
 */
type Method = 'get' | 'post' | 'patch' | 'delete';
interface RouteDoc {
  method: Method;
  path: string;
  summary: string;
  body?: z.ZodType;
  /** The body may also be an array of `body` (batch). */
  batch?: boolean;
  query?: z.ZodObject;
  idParam?: string;
  /** A path parameter that is an externalId (any string), not a UUID. */
  externalIdParam?: string;
  idempotent?: boolean;
  ok: { status: number; description: string; schema?: Record<string, unknown> };
  errors: number[];
}

/** The alert as GET /alerts/{id} and GET /alerts answer it (store/alert-views.ts apiAlert). */
const ALERT_SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    type: { type: 'string', enum: ['usage_threshold', 'collections', 'support_risk', 'feed_stale'] },
    status: { type: 'string', enum: ['open', 'acknowledged', 'snoozed', 'resolved'] },
    customerExternalId: {
      type: ['string', 'null'],
      description: 'null for a workspace-level alert (`feed_stale`: a data feed went silent)',
    },
    customerName: { type: ['string', 'null'] },
    feed: {
      type: 'string',
      description: '`feed_stale` only: the silent feed — `usage`, `invoices` or `connector:<id or platform>`',
    },
    assigneeExternalId: { type: ['string', 'null'] },
    escalationStep: { type: 'integer' },
    facts: { type: 'object' },
    suppressedCount: {
      type: 'integer',
      minimum: 0,
      description:
        'Triggers absorbed since the card was sent: readings, invoices or tickets that updated the open ' +
        'alert, or fell in the cooldown after it. Each is on the timeline (`updated` / `suppressed` with ' +
        '`details.absorbed`); the card shows "3 more readings over threshold …, latest 97%".',
    },
    waitingFor: {
      type: ['string', 'null'],
      enum: ['customer_reply', 'paid', 'next_business_morning', 'time', null],
      description:
        'While snoozed, what brings it back (the snooze `until`; `time` = a duration); null otherwise.',
    },
    version: { type: 'integer' },
    nextActionAt: { type: ['string', 'null'], format: 'date-time' },
    nextActionKind: { type: ['string', 'null'], enum: ['escalate', 'resume', 'wake', null] },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    resolvedAt: { type: ['string', 'null'], format: 'date-time' },
    timeline: { type: 'array', items: { type: 'object' }, description: 'GET /alerts/{id} only' },
    recipients: { type: 'array', items: { type: 'string' }, description: 'GET /alerts/{id} only' },
  },
  required: ['id', 'type', 'status', 'suppressedCount', 'version'],
};
const ALERT_REF = { $ref: '#/components/schemas/Alert' };

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: `details` names each bad field (dotted path) and what is wrong with it',
  401: 'Missing, invalid or revoked API key',
  403: 'The actor may not do this (only the assignee, the people the alert reached, or an admin)',
  404: 'No such row in your workspace (another workspace’s ids are never found), or no such route',
  409: 'Conflict with the current state, or a request with the same Idempotency-Key still running',
  413: 'The request body is too large (5 MB)',
  422: 'The Idempotency-Key was already used for a different request; `details` names what differs',
  503: 'The database is unavailable; retry after the `Retry-After` seconds',
};
const COMMON_ERRORS = [401, 503];

export const API_V1_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/people',
    summary: 'List the workspace’s people (paged, by name)',
    query: pageQuery,
    ok: { status: 200, description: '`{people: Person[], limit, offset}`' },
    errors: [400],
  },
  {
    method: 'post',
    path: '/people',
    summary: 'Create or update people by externalId (one object or an array of up to 10,000)',
    body: personSchema,
    batch: true,
    ok: { status: 200, description: 'The saved person `{externalId, id}`, or `{people: [...]}` for a batch' },
    errors: [400, 413],
  },
  {
    method: 'get',
    path: '/people/{externalId}',
    summary: 'One person, with their working hours and fallback channel',
    externalIdParam: 'externalId',
    ok: { status: 200, description: 'The person as `GET /people` lists them' },
    errors: [404],
  },
  {
    method: 'patch',
    path: '/people/{externalId}',
    summary:
      'Change some fields of one person (partial: fields left out keep their value; an unknown field is a 400)',
    body: personPatchSchema,
    externalIdParam: 'externalId',
    ok: { status: 200, description: 'The person as `GET /people` lists them' },
    errors: [400, 404, 409],
  },
  {
    method: 'get',
    path: '/customers',
    summary: 'List the workspace’s customers (paged, by name)',
    query: pageQuery,
    ok: { status: 200, description: '`{customers: Customer[], limit, offset}`' },
    errors: [400],
  },
  {
    method: 'post',
    path: '/customers',
    summary: 'Create or update customers by externalId (one object or an array)',
    body: customerSchema,
    batch: true,
    ok: { status: 200, description: 'The saved customer, or `{customers: [...]}` for a batch' },
    errors: [400, 413],
  },
  {
    method: 'post',
    path: '/usage',
    summary: 'Usage readings; a reading over the tier threshold raises or updates an alert',
    body: usageSchema,
    batch: true,
    ok: { status: 202, description: '`{accepted, outcome}` or `{accepted, outcomes}` (created, updated, …)' },
    errors: [400, 404, 413],
  },
  {
    method: 'post',
    path: '/invoices',
    summary: 'Invoices; overdue with no customer response raises a collections alert, paid resolves it',
    body: invoiceSchema,
    batch: true,
    ok: { status: 202, description: '`{accepted, outcome}` or `{accepted, outcomes}`' },
    errors: [400, 404, 413],
  },
  {
    method: 'get',
    path: '/settings',
    summary: 'The workspace’s effective settings',
    ok: { status: 200, description: 'Settings (thresholds, framing, cooldown, escalation, …)' },
    errors: [],
  },
  {
    method: 'patch',
    path: '/settings',
    summary: 'Change some settings; every other setting keeps its value',
    body: settingsPatchSchema,
    ok: { status: 200, description: 'The settings after the change' },
    errors: [400],
  },
  {
    method: 'get',
    path: '/alerts',
    summary: 'List alerts, newest first',
    query: alertsQuery,
    ok: {
      status: 200,
      description: '`{alerts: Alert[]}`',
      schema: { type: 'object', properties: { alerts: { type: 'array', items: ALERT_REF } } },
    },
    errors: [400],
  },
  {
    method: 'get',
    path: '/alerts/{id}',
    summary: 'One alert with its timeline',
    idParam: 'id',
    ok: { status: 200, description: 'The alert and its timeline', schema: ALERT_REF },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/alerts/{id}/actions',
    summary:
      'Act on an alert (acknowledge, log_call, schedule_follow_up, reassign, snooze, resolve, ' +
      'escalate_now, decline). ' +
      'With `Idempotency-Key` the same request answers the same again (with `duplicate: true` and ' +
      'the header `Idempotent-Replayed: true`) and is applied once; keys are per workspace, kept 24 h.',
    idParam: 'id',
    body: actionSchema,
    idempotent: true,
    ok: { status: 200, description: '`{ok, message, duplicate, alert}`' },
    errors: [400, 403, 404, 409, 422],
  },
  {
    method: 'post',
    path: '/connectors',
    summary: 'Connect a helpdesk (credentials are tested first, then stored encrypted)',
    body: connectSchema,
    ok: { status: 201, description: 'The connector, with its webhook URL and secret when it has one' },
    errors: [400],
  },
  {
    method: 'get',
    path: '/connectors',
    summary: 'List connectors',
    ok: { status: 200, description: '`{connectors: Connector[]}`' },
    errors: [],
  },
  {
    method: 'get',
    path: '/connectors/{id}',
    summary: 'One connector',
    idParam: 'id',
    ok: { status: 200, description: '`{connector}`' },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/connectors/{id}/sync',
    summary: 'Queue a sync now',
    idParam: 'id',
    ok: { status: 202, description: '`{ok, connector}`' },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/connectors/{id}/test',
    summary: 'Test the stored credentials',
    idParam: 'id',
    ok: { status: 200, description: '`{ok, account}` or `{ok: false, error}`' },
    errors: [400, 404],
  },
  {
    method: 'delete',
    path: '/connectors/{id}',
    summary: 'Remove a connector (its tickets stay)',
    idParam: 'id',
    ok: { status: 200, description: '`{ok}`' },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/escalation/dry-run',
    summary:
      'Who the chain would notify, when and on which channel, for an alert raised for this customer ' +
      'at `at` (working hours, holidays and quiet windows applied); sends nothing',
    body: dryRunSchema,
    ok: {
      status: 200,
      description:
        '`{steps: [{step, role, personExternalId, personName, deliverVia, at, heldBy?, heldLabel?, fallback?: {channel, at}}]}`; a channel step has `channel` (`"slack:C0123ABCD"`) instead of `role` and `personExternalId`',
    },
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/alerts/actions',
    summary:
      'Acknowledge or resolve every open alert of one customer (each once, with the same permission ' +
      'rules as one action; a repeat reports `already`)',
    body: bulkActionSchema,
    ok: { status: 200, description: '`{results: [{alertId, outcome, message}]}` (empty when none is open)' },
    errors: [400, 404],
  },
  {
    method: 'get',
    path: '/tickets',
    summary: 'Tickets with their analysis, most recently updated first',
    query: ticketsQuery,
    ok: { status: 200, description: '`{tickets: Ticket[]}`' },
    errors: [400],
  },
];

/** `/alerts/{id}` → `/alerts/:id` (Express's spelling), for comparing with the route table. */
export const expressPath = (p: string) => p.replace(/\{(\w+)\}/g, ':$1');

let cached: Record<string, unknown> | undefined;

export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const schemas: Record<string, unknown> = {};
  // Schemas with `.meta({id})` nested in another land in its $defs: move them to components.
  const json = (s: z.ZodType): Record<string, unknown> => {
    const raw = z.toJSONSchema(s, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' });
    const out = JSON.parse(JSON.stringify(raw).replaceAll('"#/$defs/', '"#/components/schemas/')) as Record<
      string,
      unknown
    >;
    const defs = out.$defs as Record<string, unknown> | undefined;
    if (defs) Object.assign(schemas, defs);
    delete out.$defs;
    delete out.$schema;
    delete out.id;
    return out;
  };
  const ref = (s: z.ZodType) => {
    const id = (s.meta() as { id?: string } | undefined)?.id;
    const body = json(s);
    if (!id) return body;
    const own = `#/components/schemas/${id}`;
    // zod writes a top-level schema with an id as a $ref to its own $defs entry (moved above).
    if (body.$ref !== own) schemas[id] = body;
    return { $ref: own };
  };
  const errorRef = ref(errorSchema);
  schemas.Alert = ALERT_SCHEMA;

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_V1_ROUTES) {
    const parameters: unknown[] = [];
    if (route.idParam)
      parameters.push({
        name: route.idParam,
        in: 'path',
        required: true,
        schema: { type: 'string', format: 'uuid' },
      });
    if (route.externalIdParam)
      parameters.push({
        name: route.externalIdParam,
        in: 'path',
        required: true,
        schema: { type: 'string', minLength: 1, maxLength: 200 },
      });
    if (route.query) {
      const q = json(route.query) as { properties?: Record<string, unknown> };
      for (const [name, schema] of Object.entries(q.properties ?? {}))
        parameters.push({ name, in: 'query', required: false, schema });
    }
    if (route.idempotent)
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Any 1–255 visible ASCII characters (a UUID is a good key). Scoped to your workspace; a request ' +
          'that fails is not remembered, so the corrected retry is applied.',
        schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
      });
    const responses: Record<string, unknown> = {
      [String(route.ok.status)]: {
        description: route.ok.description,
        content: { 'application/json': { schema: route.ok.schema ?? { type: 'object' } } },
      },
    };
    for (const status of [...route.errors, ...COMMON_ERRORS])
      responses[String(status)] = {
        description: ERROR_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: errorRef } },
        ...(status === 503 || status === 409
          ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds' } } }
          : {}),
      };
    const op: Record<string, unknown> = {
      operationId: `${route.method}${route.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      summary: route.summary,
      security: [{ apiKey: [] }],
      parameters,
      responses,
    };
    if (route.body) {
      const one = ref(route.body);
      op.requestBody = {
        required: true,
        content: {
          'application/json': {
            schema: route.batch
              ? { oneOf: [one, { type: 'array', items: one, minItems: 1, maxItems: 10_000 }] }
              : one,
          },
        },
      };
    }
    (paths[route.path] ??= {})[route.method] = op;
  }
  paths['/openapi.json'] = {
    get: {
      operationId: 'getOpenApi',
      summary: 'This document (no API key needed)',
      security: [],
      responses: { '200': { description: 'OpenAPI 3.1 document', content: { 'application/json': {} } } },
    },
  };

  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Fincelo CSM Hub API',
      version: '1',
      description:
        'Usage, invoices, people and customers in; alerts, actions, settings, connectors and tickets. ' +
        'Every error is `{"error": "...", "details": {"field": "what is wrong"}}`.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'The workspace API key (`fincelo workspace create --json`)',
        },
      },
    },
  };
  return cached;
}
