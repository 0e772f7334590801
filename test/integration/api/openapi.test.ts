/**
 * GET /api/v1/openapi.json (issue 19 item 5): a valid OpenAPI 3.1 document, generated from the
 * zod schemas that validate requests, listing every route of the Express table under /api/v1.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { RunningApp } from '../../../src/app.js';
import { routeTable } from '../../../src/api/route-table.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { apiClient, startTestApp } from '../../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

describe('OpenAPI document', () => {
  let doc: Doc;
  beforeAll(async () => {
    const r = await apiClient(app.url).get('/api/v1/openapi.json'); // no API key needed
    expect(r.status).toBe(200);
    doc = r.body;
  });

  it('validates as OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const res = await validator.validate(structuredClone(doc));
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every route of API v1 from the Express route table, and no other', () => {
    const table = routeTable(app.http.router)
      .filter((r) => r.path.startsWith('/api/v1/'))
      .map((r) => `${r.method} ${r.path.slice('/api/v1'.length)}`);
    expect(table.length).toBeGreaterThan(15);
    const documented: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>))
      for (const m of Object.keys(ops))
        documented.push(`${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    expect([...new Set(table)].sort()).toEqual([...new Set(documented)].sort());
  });

  it('documents every action’s parameters and the error shape', () => {
    const action = doc.paths['/alerts/{id}/actions'].post;
    const schema = doc.components.schemas.AlertAction;
    const variants = schema.oneOf as { properties: Record<string, { const?: string }>; required: string[] }[];
    const byAction = Object.fromEntries(variants.map((v) => [v.properties.action!.const, v]));
    expect(Object.keys(byAction).sort()).toEqual(
      [
        'acknowledge',
        'decline',
        'escalate_now',
        'log_call',
        'reassign',
        'resolve',
        'schedule_follow_up',
        'snooze',
      ].sort(),
    );
    expect(byAction.reassign!.required).toContain('toPersonExternalId');
    expect(byAction.schedule_follow_up!.required).toContain('dueAt');
    expect(byAction.log_call!.required).toContain('outcome');
    expect((byAction.log_call!.properties as Record<string, { enum?: string[] }>).outcome!.enum).toContain(
      'left_voicemail',
    );
    expect(action.parameters.map((p: { name: string }) => p.name)).toEqual(['id', 'Idempotency-Key']);
    expect(Object.keys(action.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '409',
      '422',
      '503',
    ]);
    expect(action.responses['422'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    expect(doc.components.schemas.Error.required.sort()).toEqual(['details', 'error']);
    // The bounds that validate requests are the ones documented.
    expect(doc.components.schemas.UsageReading.properties.limit.minimum).toBe(0.01);
    const limit = doc.paths['/alerts'].get.parameters.find((p: { name: string }) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ minimum: 1, maximum: 500 });
  });
});
