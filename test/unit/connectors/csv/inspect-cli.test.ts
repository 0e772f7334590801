import { join } from 'node:path';
import { inspectCsvFile } from '../../../../src/cli/csv.js';

const FIX = join(process.cwd(), 'test/fixtures/csv');

async function run(path: string, opts: { json?: boolean; timezone?: string } = { json: true }) {
  const lines: string[] = [];
  const code = await inspectCsvFile(join(FIX, path), opts, (l) => lines.push(l));
  return { code, out: lines.join('\n') };
}

test('`fincelo csv inspect --json` prints what the review card shows', async () => {
  const { code, out } = await run('formats/zendesk.csv', { json: true, timezone: 'Europe/Paris' });
  expect(code).toBe(0);
  const j = JSON.parse(out);
  expect(j).toMatchObject({
    format: 'zendesk',
    encoding: 'utf-8',
    bom: false,
    delimiter: ',',
    rowCount: 3,
    timeZone: 'Europe/Paris',
  });
  expect(j.fields.externalId).toEqual({ column: 'Id', confidence: 1 });
  expect(j.fields.body).toBeNull();
  expect(j.rows[0]).toMatchObject({ row: 1, externalId: '1201', createdAt: '2025-10-09T11:42:00.000Z' });
  // Formula-looking values are neutralised in the output too.
  expect(j.rows[2].subject).toBe(`'=HYPERLINK("http://evil.example","click")`);
});

test('a malformed file: exit code 1 and the specific error', async () => {
  const { code, out } = await run('malformed/unbalanced-quote.csv');
  expect(code).toBe(1);
  expect(JSON.parse(out).error).toMatchObject({ code: 'unbalanced_quote', line: 3 });
});

test('text output and a missing file', async () => {
  const text = await run('encodings/utf16be-bom.csv', {});
  // Zendesk's own column names (Id, Requester email, Created at…) without Via and Ticket type.
  expect(text.out).toContain(
    'Zendesk (6 of its 9 usual columns) · UTF-16 BE (BOM) · comma-separated · 2 rows',
  );
  expect((await run('nope.csv')).code).toBe(2);
});
