/**
 * Tickets entering through the ticket pipeline are scored, stored with their analyzer, feed churn
 * risk, and a risky one raises a support-risk alert in the CSM's thread (playground channel).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

interface PgMessage {
  id: number;
  threadRootId: number | null;
  card: Record<string, unknown> | null;
  text: string | null;
}
async function messages(personExt: string): Promise<PgMessage[]> {
  const res = await fetch(`${app.url}/playground/api/messages?personId=${team.personIds[personExt]}`);
  return ((await res.json()) as { messages: PgMessage[] }).messages;
}
const roots = async (p: string) => (await messages(p)).filter((m) => m.threadRootId === null && m.card);

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app);
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const source = { sourceKey: 'test-webhook' };

describe('support intelligence on ingested tickets', () => {
  it('a hostile legal-threat ticket alerts the CSM with excerpt, scores, phrases, churn risk and playbook', async () => {
    const res = await app.tickets.ingest(team.workspaceId, source, [
      {
        externalId: 'T-100',
        subject: 'Breach of contract',
        body:
          'Hi,\n\nThis is absolutely unacceptable. Your platform has been down three times this week and ' +
          'our lawyers are reviewing our options for breach of contract. I am furious.\n\nRegards,\nJo\n\n' +
          'On Mon, 3 Mar 2025 at 09:00, Support <s@vendor.example> wrote:\n> Thanks for reaching out!',
        organizationExternalId: 'cust-1',
      },
    ]);
    expect(res.inserted).toHaveLength(1);

    const [card] = await eventually(async () => ((await roots('csm-1')).length ? roots('csm-1') : null));
    const text = JSON.stringify(card!.card);
    expect(text).toContain('Support Risk');
    expect(text).toContain('Northwind');
    expect(text).toContain('Breach of contract');
    expect(text).toContain('Legal threat');
    expect(text).toContain('hostile');
    expect(text).toContain('lawyers (legal language)');
    expect(text).toContain('Churn risk');
    expect(text).toContain('Legal has seen the thread'); // default legal playbook step

    const stored = await app.database.pool.query(
      `SELECT a.analyzer, a.analyzer_version, a.sentiment_label, a.category_primary, a.flags
       FROM ticket_analyses a JOIN tickets t ON t.id = a.ticket_id WHERE t.external_id = 'T-100' AND a.workspace_id = $1`,
      [team.workspaceId],
    );
    expect(stored.rows[0]).toMatchObject({
      analyzer: 'local',
      sentiment_label: 'hostile',
      category_primary: 'legal_threat',
    });
    expect(stored.rows[0].analyzer_version).toMatch(/^\d+\./);

    const alerts = (await team.api.get('/api/v1/alerts?status=open')).body.alerts;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      type: 'support_risk',
      customerExternalId: 'cust-1',
      assigneeExternalId: 'csm-1',
    });

    const customer = await app.database.pool.query(
      `SELECT churn_risk, churn_factors FROM customers WHERE workspace_id = $1 AND external_id = 'cust-1'`,
      [team.workspaceId],
    );
    expect(customer.rows[0].churn_risk).toBeGreaterThan(30);
    expect(customer.rows[0].churn_factors.map((f: { name: string }) => f.name)).toEqual([
      'ticketSentiment',
      'ticketCategories',
      'usageTrend',
      'overdueInvoices',
    ]);

    // `customer Northwind` in chat shows the churn risk and the playbook.
    const reply = await app.services.command(team.workspaceId, null, 'customer Northwind');
    expect(reply.text).toMatch(/Churn risk: \d+\/100/);
    expect(reply.text).toContain('Playbook (Legal threat');
  });

  it('a second risky ticket for the same customer is counted on the same card, not a new alert', async () => {
    await app.tickets.ingest(team.workspaceId, source, [
      {
        externalId: 'T-101',
        subject: 'Cancel our subscription',
        body: 'Please cancel our subscription at the end of the term. We will not be renewing.',
        organizationExternalId: 'cust-1',
      },
    ]);
    const repliesBefore = (await messages('csm-1')).filter((m) => m.threadRootId !== null).length;
    // Issue 21 item 2: counted on the root card in place, not posted into the thread.
    await eventually(async () =>
      (await roots('csm-1')).some((m) =>
        JSON.stringify(m.card).includes(
          '1 more risky ticket since this card was sent, latest “Cancel our subscription”',
        ),
      ),
    );
    expect(await roots('csm-1')).toHaveLength(1);
    expect((await messages('csm-1')).filter((m) => m.threadRootId !== null)).toHaveLength(repliesBefore);
    expect((await team.api.get('/api/v1/alerts?status=open')).body.alerts).toHaveLength(1);
  });

  it('a polite feature request is scored and stored but raises no alert', async () => {
    const res = await app.tickets.ingest(team.workspaceId, source, [
      {
        externalId: 'T-200',
        subject: 'Feature request: export to Google Sheets',
        body: 'Hello! It would be lovely to export reports straight to Google Sheets. Not urgent at all. Thanks so much, we love the product!',
        organizationExternalId: 'cust-3',
      },
    ]);
    expect(res.inserted).toHaveLength(1);
    const row = await eventually(async () => {
      const r = await app.database.pool.query(
        `SELECT a.sentiment_label, a.category_primary FROM ticket_analyses a JOIN tickets t ON t.id = a.ticket_id
         WHERE t.external_id = 'T-200' AND a.workspace_id = $1`,
        [team.workspaceId],
      );
      return r.rows[0];
    });
    expect(row).toEqual({ sentiment_label: 'positive', category_primary: 'none' });
    const open = (await team.api.get('/api/v1/alerts?status=open')).body.alerts as {
      customerExternalId: string;
    }[];
    expect(open.filter((a) => a.customerExternalId === 'cust-3')).toHaveLength(0);
    expect(await roots('csm-2')).toHaveLength(0);
  });

  it('a hostile ticket from a backfill, last changed months ago, is scored but pages nobody', async () => {
    const old = new Date(Date.now() - 120 * 86_400_000);
    await app.tickets.ingest(team.workspaceId, source, [
      {
        externalId: 'T-OLD',
        subject: 'We will sue',
        body: 'This is outrageous. Our attorneys will file a lawsuit for breach of contract.',
        organizationExternalId: 'cust-2',
        createdAt: old,
        updatedAt: old,
      },
    ]);
    const row = await eventually(async () => {
      const r = await app.database.pool.query(
        `SELECT a.category_primary FROM ticket_analyses a JOIN tickets t ON t.id = a.ticket_id
         WHERE t.external_id = 'T-OLD' AND a.workspace_id = $1`,
        [team.workspaceId],
      );
      return r.rows[0];
    });
    expect(row).toEqual({ category_primary: 'legal_threat' });
    const open = (await team.api.get('/api/v1/alerts?status=open')).body.alerts as {
      customerExternalId: string;
    }[];
    expect(open.filter((a) => a.customerExternalId === 'cust-2')).toHaveLength(0);
  });
});
