/**
 * Every ticket export of the real-world corpus (csv/*.csv, PROVENANCE.md), uploaded as found
 * through the playground's CSV endpoint of the running product: the review card shows the export
 * recognised and each field's column with its confidence, and the import stores every row.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';
import { corpusBytes, corpusFiles, describeCorpus } from './corpus.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

/** Expected per file: the format shown, `Field label ← Column (confidence)` lines, rows stored. */
const EXPECTED: Record<
  string,
  { format: string; mapped: [string, string][]; notMapped?: [string, string][]; rows: number }
> = {
  'jira-cloud-en-all-fields.csv': {
    format: 'Jira',
    mapped: [
      ['Ticket id', 'Issue key'],
      ['Subject', 'Summary'],
      ['Status', 'Status'],
      ['Updated at', 'Updated'],
    ],
    rows: 22,
  },
  'jira-cloud-es-all-fields.csv': {
    format: 'Jira (Spanish)',
    mapped: [
      ['Ticket id', 'Clave de incidencia'],
      ['Subject', 'Resumen'],
      ['Description', 'Descripción'],
      ['Status', 'Estado'],
      ['Priority', 'Prioridad'],
      ['Created at', 'Creada'],
      ['Updated at', 'Actualizada'],
    ],
    notMapped: [
      ['Subject', 'Parent summary'],
      ['Status', 'Campo personalizado (Epic Status)'],
    ],
    rows: 106,
  },
  'freshdesk-tickets.csv': {
    // Freshdesk's export without its optional Source, Last update time and Agent interactions.
    format: 'Freshdesk (6 of its 9 usual columns)',
    mapped: [
      ['Ticket id', 'Ticket ID'],
      ['Subject', 'Subject'],
      ['Requester email', 'Email'],
      ['Created at', 'Created time'],
    ],
    rows: 45,
  },
  'salesforce-case-api-export.csv': {
    format: 'Salesforce Service Cloud',
    mapped: [
      ['Ticket id', 'CaseNumber'],
      ['Subject', 'Subject'],
      ['Updated at', 'LastModifiedDate'],
    ],
    rows: 40,
  },
  'servicenow-incident-event-log-head200.csv': {
    // The incident table's raw field names (number, priority, opened_at…), without short_description.
    format: 'ServiceNow (5 of its 8 usual columns)',
    mapped: [
      ['Priority', 'priority'],
      ['Created at', 'opened_at'],
    ],
    notMapped: [
      ['Priority', 'urgency'],
      ['Organization', 'reopen_count'],
    ],
    // An audit log: several rows per incident. One ticket per `number`; the later rows of the same
    // number are skipped as duplicates, each named in the report.
    rows: -1,
  },
};

describeCorpus('real-world CSV exports through the playground', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startTestApp(db);
    team = await seedTeam(app);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const admin = () => team.personIds['admin-1']!;
  async function upload(filename: string, body: Buffer) {
    const res = await fetch(
      `${app.url}/playground/api/csv/upload?workspaceId=${team.workspaceId}&personId=${admin()}&filename=${encodeURIComponent(filename)}`,
      { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) },
    );
    return { status: res.status, body: (await res.json()) as Json };
  }
  async function act(importId: string, step: string) {
    const res = await fetch(`${app.url}/playground/api/csv/action?workspaceId=${team.workspaceId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ personId: admin(), importId, step, values: { fincelo: 'csv', importId, step } }),
    });
    return res.status;
  }
  async function rootCard(rootId: number) {
    const res = await fetch(
      `${app.url}/playground/api/messages?workspaceId=${team.workspaceId}&personId=${admin()}`,
    );
    const all = ((await res.json()) as { messages: { id: number; card: unknown }[] }).messages;
    return JSON.stringify(all.find((m) => m.id === rootId)!.card);
  }
  const stored = async (file: string) =>
    (
      await app.database.pool.query(
        `SELECT count(*)::int AS n, count(DISTINCT external_id)::int AS ids FROM tickets t
         JOIN csv_imports i ON i.id = t.csv_import_id WHERE i.filename = $1`,
        [file],
      )
    ).rows[0] as { n: number; ids: number };

  it('the corpus holds the five exports this suite replays', () => {
    expect(corpusFiles('csv')).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))('%s: recognised, mapped, every row imported', async (file) => {
    const want = EXPECTED[file]!;
    const up = await upload(file, corpusBytes(`csv/${file}`));
    expect(up.status).toBe(200);
    const review = await rootCard(up.body.threadRootId);
    expect(review).toContain(want.format);
    // Each field's line names its column with a confidence: `"title":"Subject","value":"Resumen (100%)"`.
    for (const [field, column] of want.mapped)
      expect(review).toMatch(
        new RegExp(`"title":"${field}","value":"${column.replace(/[()]/g, '\\$&')} \\(\\d+%`),
      );
    for (const [field, column] of want.notMapped ?? [])
      expect(review).not.toMatch(
        new RegExp(`"title":"${field}","value":"${column.replace(/[()]/g, '\\$&')} \\(`),
      );
    expect(await act(up.body.importId, 'import')).toBe(200);
    await eventually(
      async () => (await rootCard(up.body.threadRootId)).includes('CSV import finished'),
      30_000,
    );
    const finished = await rootCard(up.body.threadRootId);
    if (want.rows > 0) {
      expect(finished).toMatch(/"title":"Skipped","value":"0"/);
      expect(await stored(file)).toEqual({ n: want.rows, ids: want.rows });
    } else {
      const lines = corpusBytes(`csv/${file}`).toString('utf8').trim().split(/\r?\n/).slice(1);
      const incidents = new Set(lines.map((l) => l.split(',')[0])).size;
      expect(await stored(file)).toEqual({ n: incidents, ids: incidents });
      expect(finished).toContain(`"title":"Skipped","value":"${lines.length - incidents}"`);
      expect(finished).toContain('duplicate ticket id INC0000045');
    }
  });
});
