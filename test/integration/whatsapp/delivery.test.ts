/**
 * Throughput and failures against the fake Graph API: 130429 / 131056 / 429 retried with backoff,
 * the per-number rate, a message that finally fails reaching the timeline and the admins, and an
 * inbound document downloaded (media id → URL → bytes, with the bearer token).
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../../helpers/app.js';
import { createGraphClient } from '../../../src/bots/whatsapp/graph.js';
import { downloadDocument } from '../../../src/bots/whatsapp/documents.js';
import { listRows, sentText } from '../../fakes/whatsapp-graph.js';
import { NUMBERS, startWhatsAppWorld, type WhatsAppWorld } from './world.js';

let w: WhatsAppWorld;
beforeAll(async () => {
  w = await startWhatsAppWorld({ cooldown: '1h' });
  // Start-up (a fresh database and the whole product) can be slow on a loaded CI machine.
}, 180_000);
afterAll(async () => {
  await w?.close();
});

const client = (rate = 80, gap = 0) =>
  createGraphClient({
    apiUrl: w.graph.url,
    version: 'v26.0',
    phoneNumberId: w.graph.phoneNumberId,
    accessToken: w.graph.token,
    ratePerSecond: rate,
    recipientGapMs: gap,
    log: w.app.log,
    backoffMs: 20,
  });

describe('WhatsApp throughput and failures', () => {
  it('retries throughput errors (130429, 131056, HTTP 429) with backoff and then sends', async () => {
    w.graph.userWrote('447700900555');
    w.graph.failNext(1, 130429, { to: '447700900555' });
    w.graph.failNext(1, 131056, { to: '447700900555' });
    const g = client();
    const id = await g.send('447700900555', { type: 'text', text: { body: 'hello' } });
    expect(id).toMatch(/^wamid\./);
    w.graph.failNext(1, 4, { status: 429, to: '447700900555' });
    await g.send('447700900555', { type: 'text', text: { body: 'again' } });
    expect(w.graph.to('447700900555').map(sentText)).toEqual(['hello', 'again']);
  });

  it('gives a throttled send back to the outbox with a retry delay after its attempts', async () => {
    w.graph.failNext(3, 130429, { retryAfterSeconds: 7, to: '447700900555' });
    await expect(client().send('447700900555', { type: 'text', text: { body: 'x' } })).rejects.toMatchObject({
      code: 130429,
      retryable: true,
      retryAfterMs: 7000,
    });
  });

  it('keeps to the per-number rate', async () => {
    w.graph.userWrote('447700900556');
    w.graph.userWrote('447700900557');
    const g = client(20);
    const start = Date.now();
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        g.send(i % 2 ? '447700900556' : '447700900557', { type: 'text', text: { body: `m${i}` } }),
      ),
    );
    // Ten messages at 20/s: the last may leave no earlier than 9 × 50 ms after the first.
    expect(Date.now() - start).toBeGreaterThanOrEqual(440);
  });

  it('reports a message that finally fails on the timeline and to the admins', async () => {
    await w.text('csm-1', 'hi');
    w.graph.failNext(1, 131026, { to: NUMBERS['csm-1'], type: 'interactive' }); // undeliverable: not retried
    await w.team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 90,
      limit: 100,
      metric: 'seats',
    });
    const alertId = await eventually(
      async () => (await w.team.api.get('/api/v1/alerts?status=open')).body.alerts[0]?.id as string,
    );
    const failed = await eventually(async () =>
      (await w.timeline(alertId)).find((e) => e.kind === 'delivery_failed'),
    );
    expect(String(failed.details.error)).toContain('131026');
    // Riley (admin) has not written to the business: the notice reaches her as the notice template.
    const notice = await eventually(async () => w.chat('admin-1').find((m) => m.type === 'template'));
    expect((notice.body.template as { name: string }).name).toBe('fincelo_notice');
    expect(sentText(notice)).toContain('could not be delivered');
    expect(w.chat('csm-1').filter((m) => listRows(m).length)).toHaveLength(0);
  });

  it('downloads an inbound document with the bearer token and checks it', async () => {
    const csv = Buffer.from('id,subject,body\n1,Refund,"We want our money back"\n');
    const mediaId = w.graph.addMedia(csv, 'text/csv');
    const sha256 = createHash('sha256').update(csv).digest('hex');
    const file = await downloadDocument(
      { graph: client() },
      { id: mediaId, filename: 'tickets.csv', mimeType: 'text/csv', sha256 },
    );
    expect(file.bytes.equals(csv)).toBe(true);
    expect(file.filename).toBe('tickets.csv');
    const calls = w.graph.requests.filter((r) => r.method === 'GET');
    expect(calls.map((r) => r.path)).toEqual([`/v26.0/${mediaId}`, `/media-download/${mediaId}`]);
    for (const c of calls) expect(c.authorization).toBe(`Bearer ${w.graph.token}`);
    await expect(
      downloadDocument({ graph: client() }, { id: mediaId, sha256: 'ff'.repeat(32) }),
    ).rejects.toThrow('checksum');
  });

  it('hands a CSV document to the import flow: review and preview as lists, then the import', async () => {
    const csv = Buffer.from(
      'Ticket ID,Subject,Description,Requester,Status,Created at\n' +
        '101,Refund please,"We want our money back, this is unacceptable",ops@northwind.example,open,2026-11-01 10:00\n' +
        '102,How do I export?,Where is the export button?,ops@northwind.example,solved,2026-11-02 11:30\n',
    );
    const sha256 = createHash('sha256').update(csv).digest('hex');
    const send = async (ext: string) => {
      w.graph.userWrote(NUMBERS[ext]!);
      const mediaId = w.graph.addMedia(csv, 'text/csv');
      return w.post(
        w.payload('document', ext, { mediaId, filename: 'export.csv', mimeType: 'text/csv', sha256 }),
      );
    };
    // A CSM may not import.
    expect((await send('csm-2')).status).toBe(200);
    expect(sentText(w.chat('csm-2').at(-1)!)).toMatch(/admins and CSM managers/);
    // The manager may: the review card arrives as a list message.
    expect((await send('mgr-1')).status).toBe(200);
    const review = w.chat('mgr-1').at(-1)!;
    expect(sentText(review)).toContain('export.csv');
    const rows = listRows(review);
    expect(rows.map((r) => r.title)).toEqual(expect.arrayContaining(['Preview', 'Cancel']));
    await w.listReply('mgr-1', rows.find((r) => r.title === 'Preview')!.id, review.id);
    const preview = w.chat('mgr-1').at(-1)!;
    expect(sentText(preview)).toContain('Refund please');
    const importRow = listRows(preview).find((r) => r.title.startsWith('Import'))!;
    expect(importRow).toBeDefined();
    await w.listReply('mgr-1', importRow.id, preview.id);
    await eventually(async () => /imported/i.test(sentText(w.chat('mgr-1').at(-1)!)));
    const n = await w.app.database.pool.query(
      'SELECT count(*)::int AS n FROM tickets WHERE workspace_id = $1',
      [w.team.workspaceId],
    );
    expect(n.rows[0].n).toBe(2);
    expect(w.graph.violations).toEqual([]);
  });
});
