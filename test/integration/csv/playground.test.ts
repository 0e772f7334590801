import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';
import { adaptiveCardIssues } from '../../helpers/adaptive-cards.js';
import type { RunningApp } from '../../../src/app.js';

const FIX = join(process.cwd(), 'test/fixtures/csv');

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const q = (personId: string, filename: string) =>
  `${app.url}/playground/api/csv/upload?workspaceId=${team.workspaceId}&personId=${personId}&filename=${encodeURIComponent(filename)}`;

async function upload(personId: string, filename: string, body: Buffer) {
  const res = await fetch(q(personId, filename), {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function act(personId: string, importId: string, step: string, values: Record<string, string> = {}) {
  const res = await fetch(`${app.url}/playground/api/csv/action?workspaceId=${team.workspaceId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ personId, importId, step, values: { fincelo: 'csv', importId, step, ...values } }),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; message: string } };
}

interface Msg {
  id: number;
  threadRootId: number | null;
  card: Record<string, unknown> | null;
  text: string | null;
}
async function thread(personId: string, rootId: number) {
  const res = await fetch(
    `${app.url}/playground/api/messages?workspaceId=${team.workspaceId}&personId=${personId}`,
  );
  const all = ((await res.json()) as { messages: Msg[] }).messages;
  return { root: all.find((m) => m.id === rootId)!, replies: all.filter((m) => m.threadRootId === rootId) };
}

const cardText = (card: unknown) => JSON.stringify(card);
const tickets = async () =>
  (
    await app.database.pool.query(
      `SELECT t.external_id, t.source_key, t.subject, t.csv_import_id, c.name AS customer FROM tickets t
       LEFT JOIN customers c ON c.id = t.customer_id WHERE t.workspace_id = $1 ORDER BY t.external_id`,
      [team.workspaceId],
    )
  ).rows;

test('upload → review card → change a mapping → preview → import → summary; the same file again adds no duplicates', async () => {
  const admin = team.personIds['admin-1']!;
  const up = await upload(admin, 'zendesk-export.csv', readFileSync(join(FIX, 'formats/zendesk.csv')));
  expect(up.status).toBe(200);
  const { importId, threadRootId } = up.body;

  let t = await thread(admin, threadRootId);
  expect(adaptiveCardIssues(t.root.card)).toEqual([]);
  expect(cardText(t.root.card)).toContain('Zendesk');
  expect(cardText(t.root.card)).toContain('Requester email (100%)');
  expect(cardText(t.root.card)).toContain('"id":"map.organization"');

  // Change a mapping: organisation ← Requester domain.
  const mapped = await act(admin, importId, 'mapping', { 'map.organization': 'Requester domain' });
  expect(mapped).toMatchObject({ status: 200, body: { ok: true } });
  t = await thread(admin, threadRootId);
  expect(cardText(t.root.card)).toContain('Mapping saved.');
  expect(cardText(t.root.card)).toContain('Requester domain (100%');
  // … and back, from the preview step (inputs travel with every action).
  const preview = await act(admin, importId, 'preview', { 'map.organization': 'Organization' });
  expect(preview.status).toBe(200);
  t = await thread(admin, threadRootId);
  expect(adaptiveCardIssues(t.root.card)).toEqual([]);
  const previewText = cardText(t.root.card);
  expect(previewText).toContain('Row 1 · #1201 · Export to CSV times out');
  expect(previewText).toContain('Northwind');
  // A formula-looking subject is neutralised where it is echoed.
  expect(previewText).toContain(`'=HYPERLINK`);
  expect(previewText).not.toMatch(/· =HYPERLINK/);

  const imp = await act(admin, importId, 'import');
  expect(imp).toMatchObject({ status: 200, body: { ok: true } });
  t = await eventually(async () => {
    const th = await thread(admin, threadRootId);
    return cardText(th.root.card).includes('CSV import finished') && th.replies.length ? th : null;
  });
  expect(cardText(t.root.card)).toMatch(/"title":"Imported \(new\)","value":"3"/);
  expect(t.replies.map((r) => r.text).join('\n')).toContain('3 imported, 0 updated, 0 unchanged, 0 skipped');
  const stored = await tickets();
  expect(stored).toHaveLength(3);
  expect(stored[0]).toMatchObject({
    external_id: '1201',
    source_key: 'csv:zendesk',
    customer: 'Northwind',
    csv_import_id: importId,
  });
  // Stored as uploaded (neutralising is for echoes only).
  expect(stored[2]!.subject).toBe('=HYPERLINK("http://evil.example","click")');
  const row = (
    await app.database.pool.query('SELECT status, content, stats FROM csv_imports WHERE id = $1', [importId])
  ).rows[0];
  expect(row).toMatchObject({ status: 'done', content: null });

  // A second click on Import (or a platform retry) does nothing.
  expect((await act(admin, importId, 'import')).status).toBe(409);

  // The same file again: a notice, then nothing new.
  const again = await upload(admin, 'zendesk-export.csv', readFileSync(join(FIX, 'formats/zendesk.csv')));
  const t2 = await thread(admin, again.body.threadRootId);
  expect(cardText(t2.root.card)).toContain('This exact file was imported');
  await act(admin, again.body.importId, 'import');
  await eventually(async () =>
    cardText((await thread(admin, again.body.threadRootId)).root.card).includes('CSV import finished'),
  );
  expect(cardText((await thread(admin, again.body.threadRootId)).root.card)).toMatch(
    /"title":"Unchanged","value":"3"/,
  );
  expect(await tickets()).toHaveLength(3);
});

test('skipped rows: listed with row numbers and reasons, and an error report with neutralised values', async () => {
  const admin = team.personIds['admin-1']!;
  const csv =
    'Id,Subject,Created at\n9001,Fine,2025-10-01 10:00\n,No id here,2025-10-01 10:00\n=9003,Bad date,=1+1\n9001,Duplicate,2025-10-01 11:00\n';
  const up = await upload(admin, 'custom.csv', Buffer.from(csv));
  expect(up.status).toBe(200);
  await act(admin, up.body.importId, 'import');
  const t = await eventually(async () => {
    const th = await thread(admin, up.body.threadRootId);
    return th.replies.some((r) => r.text?.startsWith('Error report')) ? th : null;
  });
  const text = cardText(t.root.card);
  expect(text).toContain('Row 2 (line 3): no ticket id');
  expect(text).toContain(`Row 3 (line 4): \\"Created at\\" is not a date: =1+1`);
  expect(text).toContain('Row 4 (line 5): duplicate ticket id 9001');
  const link = t.replies.find((r) => r.text?.startsWith('Error report'))!.text!.split(': ')[1]!;
  const res = await fetch(app.url + link);
  expect(res.status).toBe(200);
  const report = await res.text();
  expect(report.split('\n')[0]).toBe('row,line,ticket_id,reason');
  // The ticket id cell would start with "=": it is neutralised in the file.
  expect(report).toContain(`3,4,'=9003,"""Created at"" is not a date: =1+1"`);
  expect((await tickets()).map((r) => r.external_id)).toContain('9001');

  // The signed, workspace-scoped link (what chat channels get when PUBLIC_URL is set).
  const token = app.services.csv.reportToken(team.workspaceId, up.body.importId);
  const signed = await fetch(`${app.url}/csv/reports/${token}`);
  expect(signed.status).toBe(200);
  expect(await signed.text()).toBe(report);
  const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  expect((await fetch(`${app.url}/csv/reports/${forged}`)).status).toBe(404);
  const otherWorkspace = app.services.csv.reportToken(
    '00000000-0000-4000-8000-000000000000',
    up.body.importId,
  );
  expect((await fetch(`${app.url}/csv/reports/${otherWorkspace}`)).status).toBe(404);
});

test('only admins and CSM managers import', async () => {
  const res = await upload(team.personIds['csm-1']!, 'x.csv', readFileSync(join(FIX, 'formats/custom.csv')));
  expect(res.status).toBe(403);
  expect(res.body.message).toContain('Only workspace admins and CSM managers');
  const mgr = await upload(team.personIds['mgr-1']!, 'x.csv', readFileSync(join(FIX, 'formats/custom.csv')));
  expect(mgr.status).toBe(200);
  // Someone else cannot drive the manager's import either.
  expect((await act(team.personIds['csm-1']!, mgr.body.importId, 'import')).status).toBe(409);
  expect((await act(team.personIds['mgr-1']!, mgr.body.importId, 'cancel')).status).toBe(200);
});

test.each([
  ['malformed/unbalanced-quote.csv', 'Unbalanced quote: the quoted field opened on line 3'],
  ['malformed/ragged.csv', 'Ragged rows: the header has 3 columns but 2 rows do not'],
  ['malformed/empty.csv', 'The file is empty'],
  ['malformed/header-only.csv', 'has a header (4 columns) but no ticket rows'],
  ['malformed/binary.csv', 'ZIP archive'],
])('%s gets a specific reply and stores nothing', async (path, message) => {
  const before = (await app.database.pool.query('SELECT count(*)::int AS n FROM csv_imports')).rows[0].n;
  const res = await upload(team.personIds['admin-1']!, path.split('/')[1]!, readFileSync(join(FIX, path)));
  expect(res.status).toBe(422);
  expect(res.body.message).toContain(message);
  expect(res.body.message).toContain('Nothing was imported');
  expect((await app.database.pool.query('SELECT count(*)::int AS n FROM csv_imports')).rows[0].n).toBe(
    before,
  );
});

test('10 MB + 1 byte: a clear reply, nothing read', async () => {
  const res = await upload(team.personIds['admin-1']!, 'big.csv', Buffer.alloc(10 * 1024 * 1024 + 1, 0x41));
  expect(res.status).toBe(413);
  expect(res.body.message).toContain('limited to 10 MB');
});

test('the cards say what will happen: the Import button counts the rows that will be stored, and only mappings the person changed say "set by you"', async () => {
  const admin = team.personIds['admin-1']!;
  const csv =
    'Id,Subject,Created at\n9101,Fine,2025-10-01 10:00\n,No id here,2025-10-01 10:00\n9103,Bad date,not a date\n9101,Duplicate,2025-10-01 11:00\n9105,Also fine,2025-10-02 09:00\n';
  const up = await upload(admin, 'truth.csv', Buffer.from(csv));
  expect(up.status).toBe(200);
  let t = await thread(admin, up.body.threadRootId);
  // Detected, not chosen: no "set by you" anywhere on the review card.
  expect(cardText(t.root.card)).not.toContain('set by you');

  await act(admin, up.body.importId, 'mapping', { 'map.subject': 'Id' });
  t = await thread(admin, up.body.threadRootId);
  const changed = cardText(t.root.card);
  expect(changed).toContain('Id (100%, set by you)');
  expect(changed.match(/set by you/g)).toHaveLength(1);

  await act(admin, up.body.importId, 'mapping', { 'map.subject': 'Subject' });
  await act(admin, up.body.importId, 'preview');
  t = await thread(admin, up.body.threadRootId);
  const preview = cardText(t.root.card);
  // 5 data rows: no id, a bad date and a repeated id are skipped, so 2 are stored.
  expect(preview).toContain('"title":"Import 2 rows"');
  expect(preview).toContain('3 rows will be skipped');
  expect(adaptiveCardIssues(t.root.card)).toEqual([]);
  await act(admin, up.body.importId, 'import');
  // The import ends by posting its error report in the thread (3 skipped rows).
  await eventually(async () => {
    const th = await thread(admin, up.body.threadRootId);
    return th.replies.some((r) => r.text?.startsWith('Error report')) ? th : null;
  });
  expect((await tickets()).filter((r) => ['9101', '9105'].includes(r.external_id))).toHaveLength(2);
  expect((await tickets()).map((r) => r.external_id)).not.toContain('9103');
});

test('an export without a ticket-id column: the review card says each row gets a derived id, and importing it again adds nothing', async () => {
  const admin = team.personIds['admin-1']!;
  const csv = Buffer.from(
    [
      'Title,Details,Customer E-mail,Opened',
      'Export stuck,Nightly export has been stuck since Monday,ana@northwind.example,2025-10-09 13:42',
      'Seats billed twice,We were charged twice for seats,bo@globex.example,2025-10-10 09:00',
    ].join('\n'),
  );
  const before = (await tickets()).length;
  const runImport = async () => {
    const up = await upload(admin, 'no-id-export.csv', csv);
    expect(up.status).toBe(200);
    const review = cardText((await thread(admin, up.body.threadRootId)).root.card);
    expect(review).toContain('no ticket-id column');
    expect(review).toContain('"title":"Ticket id","value":"— none: derived from each row');
    expect((await act(admin, up.body.importId, 'import')).status).toBe(200);
    return eventually(async () => {
      const c = cardText((await thread(admin, up.body.threadRootId)).root.card);
      return c.includes('CSV import finished') ? c : null;
    });
  };
  expect(await runImport()).toMatch(/"title":"Imported \(new\)","value":"2"/);
  const derived = (await tickets()).filter((t) => /^csv-[0-9a-f]{12}$/.test(t.external_id));
  expect(derived.map((t) => t.subject).sort()).toEqual(['Export stuck', 'Seats billed twice']);
  expect(await runImport()).toMatch(/"title":"Unchanged","value":"2"/);
  expect(await tickets()).toHaveLength(before + 2);
});
