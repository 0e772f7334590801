/**
 * Issue 16 item 3: localised column names, exact names beating names that contain a synonym,
 * ServiceNow's priority over urgency, numeric columns never an organisation, vendor date formats,
 * and a date column in a format we cannot read leaving the rows importable.
 */
import { analyseCsv, readTickets, type RowOutcome } from '../../../../src/connectors/csv/index.js';
import { parseDate } from '../../../../src/connectors/csv/dates.js';

const columns = async (csv: string) => {
  const a = await analyseCsv(Buffer.from(csv));
  return Object.fromEntries(Object.entries(a.mapping).map(([f, m]) => [f, m!.column]));
};

describe('column names', () => {
  test.each([
    // French Zendesk-style, German, Portuguese, Spanish — with and without their accents.
    [
      'N°,Sujet,Description,Statut,Priorité,Créé,Mis à jour',
      {
        subject: 'Sujet',
        status: 'Statut',
        priority: 'Priorité',
        createdAt: 'Créé',
        updatedAt: 'Mis à jour',
      },
    ],
    [
      'Ticket-Nr,Betreff,Beschreibung,Status,Priorität,Erstellt,Aktualisiert',
      {
        externalId: 'Ticket-Nr',
        subject: 'Betreff',
        body: 'Beschreibung',
        priority: 'Priorität',
        createdAt: 'Erstellt',
        updatedAt: 'Aktualisiert',
      },
    ],
    [
      'ID do ticket,Assunto,Descricao,Estado,Prioridade,Criado,Atualizado',
      {
        externalId: 'ID do ticket',
        subject: 'Assunto',
        body: 'Descricao',
        priority: 'Prioridade',
        createdAt: 'Criado',
        updatedAt: 'Atualizado',
      },
    ],
  ])('%s', async (header, want) => {
    const row =
      '7,Export fails,It times out when exporting the report,Open,High,2025-10-09 13:42,2025-10-10 09:00';
    expect(await columns(`${header}\n${row}\n`)).toMatchObject(want);
  });

  test('a column that is the field beats one that merely contains a synonym', async () => {
    const m = await columns(
      'Parent summary,Summary,Epic Status,Status,Key\nBig epic,Export fails,Done,Open,AB-1\nBig epic,Login slow,Done,Closed,AB-2\n',
    );
    expect(m).toMatchObject({ subject: 'Summary', status: 'Status', externalId: 'Key' });
  });

  test('ServiceNow: priority wins over urgency; reopen_count is never the organisation', async () => {
    const m = await columns(
      'number,urgency,priority,reopen_count,short_description\nINC1,2 - Medium,3 - Moderate,0,Mail down\nINC2,1 - High,1 - Critical,2,VPN broken\n',
    );
    expect(m.priority).toBe('priority');
    expect(m.organization).toBeUndefined();
  });
});

describe('vendor date formats', () => {
  test.each([
    ['09 Oct 2025 01:42 PM', '2025-10-09T13:42:00.000Z'],
    ['22/Sep/25 9:26 AM', '2025-09-22T09:26:00.000Z'],
    ['10/nov/25 4:51 PM', '2025-11-10T16:51:00.000Z'],
    ['3/ene/25 10:00 AM', '2025-01-03T10:00:00.000Z'],
    ['12/dic/24 1:00 p.m.', '2024-12-12T13:00:00.000Z'],
    ['9 févr. 2025 13:42', '2025-02-09T13:42:00.000Z'],
    ['1 Mär 2025 08:00', '2025-03-01T08:00:00.000Z'],
    ['Oct 9, 2025 1:42 PM', '2025-10-09T13:42:00.000Z'],
  ])('%s', (raw, iso) => {
    expect(parseDate(raw, { timeZone: 'UTC' })?.toISOString()).toBe(iso);
  });

  test('a date column in a format we cannot read is left unmapped; the rows still import', async () => {
    const csv = 'Id,Subject,Created at\n1,Export fails,Q3 week 41\n2,Login slow,Q3 week 42\n';
    const buf = Buffer.from(csv);
    const a = await analyseCsv(buf);
    expect(a.mapping.createdAt).toBeUndefined();
    const out: RowOutcome[] = [];
    await readTickets(buf, a, a.mapping, 'UTC', async (b) => void out.push(...b));
    expect(out.map((o) => o.ok)).toEqual([true, true]);
  });
});
