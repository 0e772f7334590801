import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  analyseCsv,
  readTickets,
  CsvFileError,
  MAX_CSV_BYTES,
  type RowOutcome,
} from '../../../../src/connectors/csv/index.js';

const FIX = join(process.cwd(), 'test/fixtures/csv');
const file = (p: string) => readFileSync(join(FIX, p));

async function tickets(p: string, timeZone = 'UTC') {
  const buf = file(p);
  const a = await analyseCsv(buf);
  const out: RowOutcome[] = [];
  await readTickets(buf, a, a.mapping, timeZone, async (b) => void out.push(...b));
  return { a, out };
}

const ok = (o: RowOutcome) => {
  if (!o.ok) throw new Error(`row ${o.row} skipped: ${o.reason}`);
  return o;
};

describe('format detection (fixtures per export)', () => {
  test.each([
    ['formats/zendesk.csv', 'zendesk', 'Id', 3],
    ['formats/freshdesk.csv', 'freshdesk', 'Ticket ID', 2],
    ['formats/jira.csv', 'jira', 'Issue key', 2],
    ['formats/kayako.csv', 'kayako', 'Ticket Mask ID', 2],
    ['formats/happyfox.csv', 'happyfox', 'Display ID', 2],
    ['formats/servicenow.csv', 'servicenow', 'number', 2],
    ['formats/salesforce.csv', 'salesforce', 'CaseNumber', 2],
    ['formats/salesforce-report.csv', 'salesforce', 'Case Number', 2],
    ['formats/custom.csv', 'custom', 'Ref', 3],
  ])('%s → %s', async (path, format, idColumn, rows) => {
    const a = await analyseCsv(file(path));
    expect(a.formatId).toBe(format);
    expect(a.mapping.externalId?.column).toBe(idColumn);
    expect(a.rowCount).toBe(rows);
  });

  test('a vendor export maps its documented columns with confidence 1', async () => {
    const a = await analyseCsv(file('formats/zendesk.csv'));
    expect(a.mapping.requesterEmail).toEqual({ column: 'Requester email', confidence: 1 });
    expect(a.mapping.updatedAt).toEqual({ column: 'Updated at', confidence: 1 });
  });

  test('a custom export is mapped by name similarity and content, each field with a confidence', async () => {
    const a = await analyseCsv(file('formats/custom.csv'));
    expect(a.mapping.subject?.column).toBe('Title');
    expect(a.mapping.requesterEmail?.column).toBe('Customer E-mail');
    expect(a.mapping.organization?.column).toBe('Account');
    expect(a.mapping.createdAt?.column).toBe('Opened');
    expect(a.mapping.updatedAt?.column).toBe('Last modified');
    expect(a.mapping.body?.column).toBe('Details');
    for (const m of Object.values(a.mapping)) {
      expect(m!.confidence).toBeGreaterThan(0.45);
      expect(m!.confidence).toBeLessThanOrEqual(1);
    }
  });

  test('content alone finds an email column with a meaningless header', async () => {
    const csv = 'Key,Col A,Col B\n1,ana@x.example,Broken login page\n2,bo@y.example,Invoice missing\n';
    const a = await analyseCsv(Buffer.from(csv));
    expect(a.mapping.requesterEmail?.column).toBe('Col A');
    expect(a.mapping.requesterEmail!.confidence).toBeLessThan(1);
  });
});

describe('trimmed and pipe-delimited exports, exports without an id column (issue 16)', () => {
  test('a pipe-delimited HappyFox export trimmed to six columns is recognised, with how much of it is there', async () => {
    const csv = [
      'Display ID|Subject|Status|Priority|Created At|Assigned To',
      '#SU00101|Sync stopped overnight|New|High|2025-10-09T13:42:00Z|Ana',
      '#SU00102|Refund request|Closed|Medium|2025-10-11T08:00:00Z|Bo',
    ].join('\n');
    const a = await analyseCsv(Buffer.from(csv));
    expect(a.delimiterName).toBe('pipe');
    expect(a.formatId).toBe('happyfox');
    expect(a.formatLabel).toBe('HappyFox (5 of its 8 usual columns)');
    expect(a.mapping.externalId).toEqual({ column: 'Display ID', confidence: 1 });
    expect(a.mapping.createdAt?.column).toBe('Created At');
  });

  test('a complete export keeps its plain label; too little of one stays a custom export', async () => {
    expect((await analyseCsv(file('formats/freshdesk.csv'))).formatLabel).toBe('Freshdesk');
    // Only the id and two generic names of Freshdesk's nine: not enough to call it Freshdesk.
    const few = await analyseCsv(Buffer.from('Ticket ID,Subject,Status,Owner\n1,Login,Open,Ana\n'));
    expect(few.formatId).toBe('custom');
    expect(few.formatLabel).toBe('Custom export');
  });

  test('a trimmed export maps columns its profile does not name the way a custom export is mapped', async () => {
    const csv =
      'Ticket ID,Subject,Description,Status,Priority,Created time,Customer E-mail\n' +
      '7,Invoice wrong,We were charged twice,Open,High,2025-10-09 13:42:00,ana@northwind.example\n';
    const a = await analyseCsv(Buffer.from(csv));
    expect(a.formatLabel).toBe('Freshdesk (6 of its 9 usual columns)');
    expect(a.mapping.requesterEmail?.column).toBe('Customer E-mail');
    expect(a.mapping.requesterEmail!.confidence).toBeLessThan(1);
  });

  test('no id column: each row gets a stable id derived from its identifying fields', async () => {
    const csv = [
      'Title,Details,Customer E-mail,Opened,State',
      'Login fails,SSO error since Monday,ana@northwind.example,2025-10-09 13:42,Open',
      'Invoice wrong,Charged twice,bo@contoso.example,2025-10-10 09:00,Open',
      'Login fails,SSO error since Monday,ana@northwind.example,2025-10-09 13:42,Closed',
    ].join('\n');
    const buf = Buffer.from(csv);
    const a = await analyseCsv(buf);
    expect(a.mapping.externalId).toBeUndefined();
    const ids = async (b: Buffer) => {
      const out: RowOutcome[] = [];
      await readTickets(b, a, a.mapping, 'UTC', async (x) => void out.push(...x));
      return out.map((o) => ok(o).ticket.externalId);
    };
    const first = await ids(buf);
    expect(first[0]).toMatch(/^csv-[0-9a-f]{12}$/);
    expect(first[1]).not.toBe(first[0]);
    // The same ticket with a new status is the same ticket; the same file again, the same ids.
    expect(first[2]).toBe(first[0]);
    expect(await ids(Buffer.from(csv))).toEqual(first);
  });
});

describe('normalised rows', () => {
  test('Jira: repeated Comment and Labels columns gathered, multi-line description, dates like 09/Oct/25 1:42 PM in the workspace zone', async () => {
    const { a, out } = await tickets('formats/jira.csv', 'Europe/Paris');
    expect(a.encoding).toMatchObject({ encoding: 'utf-8', bom: true });
    const first = ok(out[0]!);
    expect(first.ticket.externalId).toBe('SUP-101');
    expect(first.tags).toEqual(['login', 'urgent']);
    expect(first.comments).toEqual(['jane: Looking into it', 'ana: Still broken for us']);
    expect(first.ticket.body).toContain('1. open /login\n2. see "500"');
    expect(first.ticket.body).toContain('- ana: Still broken for us');
    // 13:42 in Paris (CEST, UTC+2) on 9 Oct 2025.
    expect(first.ticket.createdAt?.toISOString()).toBe('2025-10-09T11:42:00.000Z');
    expect(first.ticket.organization).toBe('Northwind');
    expect(first.line).toBe(2);
    expect(ok(out[1]!).line).toBe(5);
  });

  test('ServiceNow display values and state codes', async () => {
    const { out } = await tickets('formats/servicenow.csv', 'America/New_York');
    const [a, b] = out.map(ok);
    expect(a!.ticket).toMatchObject({
      externalId: 'INC0010007',
      subject: 'Email not syncing',
      status: 'In Progress',
      priority: '2 - High',
    });
    expect(a!.ticket.createdAt?.toISOString()).toBe('2025-10-09T17:42:11.000Z');
    expect(b!.ticket.status).toBe('Closed');
  });

  test('Salesforce API ISO 8601 with Z is taken as is; report dates are US month-first', async () => {
    const api = (await tickets('formats/salesforce.csv', 'Asia/Tokyo')).out.map(ok);
    expect(api[0]!.ticket.createdAt?.toISOString()).toBe('2025-10-09T13:42:11.000Z');
    expect(api[0]!.ticket.requesterEmail).toBe('ana@northwind.example');
    const report = (await tickets('formats/salesforce-report.csv', 'UTC')).out.map(ok);
    expect(report[0]!.ticket.createdAt?.toISOString()).toBe('2025-10-09T13:42:00.000Z');
  });

  test('EU day-first dates are recognised from the values', async () => {
    const kayako = (await tickets('formats/kayako.csv')).out.map(ok);
    expect(kayako[0]!.ticket.createdAt?.toISOString()).toBe('2025-10-23T14:05:00.000Z');
    expect(kayako[1]!.ticket.createdAt?.toISOString()).toBe('2025-10-02T09:30:00.000Z');
  });

  test.each(['freshdesk', 'happyfox', 'zendesk'])('%s rows normalise', async (name) => {
    const { out } = await tickets(`formats/${name}.csv`);
    for (const o of out) expect(ok(o).ticket.subject).toBeTruthy();
  });

  test('a row with no id or an unreadable date is skipped with its reason and line', async () => {
    const csv =
      'Id,Subject,Created at\n1,Fine,2025-10-01 10:00\n,No id,2025-10-01 10:00\n3,Bad date,31/31/2025\n';
    const buf = Buffer.from(csv);
    const a = await analyseCsv(buf);
    const out: RowOutcome[] = [];
    await readTickets(buf, a, a.mapping, 'UTC', async (b) => void out.push(...b));
    expect(out.map((o) => o.ok)).toEqual([true, false, false]);
    expect(out[1]).toMatchObject({ row: 2, line: 3, reason: expect.stringContaining('no ticket id') });
    expect(out[2]).toMatchObject({ row: 3, line: 4, reason: expect.stringContaining('not a date') });
  });
});

describe('encodings and delimiters', () => {
  test.each([
    ['encodings/utf8.csv', 'utf-8', false],
    ['encodings/utf8-bom.csv', 'utf-8', true],
    ['encodings/utf16le-bom.csv', 'utf-16le', true],
    ['encodings/utf16be-bom.csv', 'utf-16be', true],
    ['encodings/utf16le-nobom.csv', 'utf-16le', false],
    ['encodings/windows-1252.csv', 'windows-1252', false],
  ])('%s decodes as %s', async (path, encoding, bom) => {
    const { a, out } = await tickets(path);
    expect(a.encoding).toMatchObject({ encoding, bom });
    expect(a.headers[0]).toBe('Id');
    const [first, second] = out.map(ok);
    expect(first!.ticket.subject).toBe('Café crème résumé — naïve façade');
    expect(first!.ticket.organization).toBe('Société Générale');
    expect(second!.ticket.organization).toBe('Müller GmbH');
  });

  test.each([
    ['comma', ','],
    ['semicolon', ';'],
    ['tab', '\t'],
    ['pipe', '|'],
  ])('%s-separated, CRLF, quoted multi-line field, day-first dates', async (name, d) => {
    const { a, out } = await tickets(`delimiters/${name}.csv`);
    expect(a.delimiter).toBe(d);
    const [first, second] = out.map(ok);
    expect(first!.ticket.subject).toBe('Login fails; "SSO" error');
    expect(first!.ticket.body).toBe('Line one\nline two, with comma | and pipe\tand tab');
    expect(first!.ticket.createdAt?.toISOString()).toBe('2025-10-09T13:42:00.000Z');
    expect(second!.ticket.createdAt?.toISOString()).toBe('2025-10-25T08:00:00.000Z');
  });
});

describe('malformed files get a specific message', () => {
  const fails = async (buf: Buffer) => {
    try {
      await analyseCsv(buf);
    } catch (err) {
      if (err instanceof CsvFileError) return err;
      throw err;
    }
    throw new Error('expected a CsvFileError');
  };

  test('unbalanced quote names the line where it opened', async () => {
    const e = await fails(file('malformed/unbalanced-quote.csv'));
    expect(e.code).toBe('unbalanced_quote');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/line 3/);
  });

  test('ragged rows list their lines and column counts', async () => {
    const e = await fails(file('malformed/ragged.csv'));
    expect(e.code).toBe('ragged_rows');
    expect(e.message).toContain('header has 3 columns');
    expect(e.message).toContain('line 3 has 5');
    expect(e.message).toContain('line 5 has 2');
  });

  test.each([
    ['malformed/empty.csv', 'empty'],
    ['malformed/blank-lines.csv', 'empty'],
    ['malformed/header-only.csv', 'header_only'],
    ['malformed/binary.csv', 'binary'],
  ])('%s → %s', async (path, code) => {
    const e = await fails(file(path));
    expect(e.code).toBe(code);
  });

  test('binary content without a known signature', async () => {
    const e = await fails(
      Buffer.concat([Buffer.from('Id,Subject\n'), Buffer.from([0, 1, 2, 3, 0, 0, 7, 8])]),
    );
    expect(e.code).toBe('binary');
  });

  test('10 MB + 1 byte is refused before anything is parsed', async () => {
    const e = await fails(Buffer.alloc(MAX_CSV_BYTES + 1, 0x41));
    expect(e.code).toBe('too_large');
    expect(e.message).toContain(`${MAX_CSV_BYTES + 1} bytes`);
  });
});
