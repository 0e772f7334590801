/**
 * Issue 15 item 4, with a real kill: `fincelo start` (a child process) sends an alert update (a
 * logged call, posted in every thread; since issue 21 a usage reading the open alert absorbs is
 * counted on the card instead of posted) to the three people of an escalated alert over WhatsApp (a local fake of the Graph API in this process);
 * it is killed with SIGKILL while the third message is in flight (WhatsApp has it, the sender never
 * heard back), then restarted. The two people already reached must not get the update again — the
 * fan-out records each target as it is sent — and the third gets it (once more at most: WhatsApp
 * has no idempotency key, so the message in flight at the kill is the one a crash can duplicate).
 * `npm run bench:crash` repeats this with random kill points and reports duplicates per 100 kills.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { freePort, runCli, startCli, waitExit } from '../../helpers/cli.js';
import { apiClient, eventually } from '../../helpers/app.js';
import { sentText, startWhatsAppGraph, type FakeWhatsAppGraph } from '../../fakes/whatsapp-graph.js';

const NUMBERS = { csm: '447700900301', mgr: '447700900302', vp: '447700900303' };

let db: TestDatabase;
let graph: FakeWhatsAppGraph;
beforeAll(async () => {
  db = await createTestDatabase();
  graph = await startWhatsAppGraph();
}, 120_000);
afterAll(async () => {
  await graph?.close();
  await db?.drop();
});

const updates = (to: string) =>
  graph.to(to).filter((m) => sentText(m).includes('logged a call') && sentText(m).includes('crash-note'));

describe('a fan-out killed mid-way', () => {
  it('resumes with the unsent targets only after SIGKILL and restart', async () => {
    const env = {
      ...db.env,
      FINCELO_DEMO: 'off',
      JOBS_POLL_INTERVAL: '250ms',
      WHATSAPP_PHONE_NUMBER_ID: graph.phoneNumberId,
      WHATSAPP_ACCESS_TOKEN: graph.token,
      WHATSAPP_APP_SECRET: 'crash-app-secret-0123456789',
      WHATSAPP_VERIFY_TOKEN: 'crash-verify',
      WHATSAPP_API_URL: graph.url,
      WHATSAPP_RECIPIENT_GAP: '0ms',
    };
    const created = await runCli(['workspace', 'create', '--name', 'Crash Co', '--json'], {
      ...env,
      LOG_LEVEL: 'silent',
    });
    const { apiKey } = JSON.parse(created.stdout);
    const port = await freePort();
    let proc = await startCli(env, port);
    const api = apiClient(`http://127.0.0.1:${port}`, apiKey);
    const wa = (waId: string) => ({ preferredChannel: 'whatsapp', identities: { whatsapp: { waId } } });
    expect(
      (
        await api.post('/api/v1/people', [
          { externalId: 'mgr', name: 'Manager', role: 'csm_manager', ...wa(NUMBERS.mgr) },
          { externalId: 'csm', name: 'CSM', role: 'csm', managerExternalId: 'mgr', ...wa(NUMBERS.csm) },
          { externalId: 'vp', name: 'VP', role: 'vp_cs', ...wa(NUMBERS.vp) },
        ])
      ).status,
    ).toBe(200);
    for (const n of Object.values(NUMBERS)) graph.userWrote(n); // the 24-hour window is open
    expect(
      (
        await api.post('/api/v1/customers', {
          externalId: 'c1',
          name: 'Crashy Ltd',
          tier: 'poor',
          csmExternalId: 'csm',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api.patch('/api/v1/settings', {
          escalation: [
            { role: 'csm', after: '0s' },
            { role: 'csm_manager', after: '1s' },
            { role: 'vp_cs', after: '2s' },
          ],
        })
      ).status,
    ).toBe(200);
    expect(
      (await api.post('/api/v1/usage', { customerExternalId: 'c1', used: 95, limit: 100 })).status,
    ).toBeLessThan(300);
    const alertId = (await api.get('/api/v1/alerts')).body.alerts[0].id;
    // All three have the card and the escalation notes.
    const state = async () =>
      JSON.stringify({
        alert: (await api.get(`/api/v1/alerts/${alertId}`)).body,
        sent: Object.values(NUMBERS).map((n) =>
          graph.to(n).map((m) => `${m.type}:${sentText(m).slice(0, 40)}`),
        ),
      });
    await eventually(async () => {
      const a = (await api.get(`/api/v1/alerts/${alertId}`)).body;
      return a.escalationStep === 3 && Object.values(NUMBERS).every((n) => graph.to(n).length >= 1);
    }, 30_000).catch(async (e: Error) => {
      throw new Error(`${e.message}: ${await state()}`);
    });
    await eventually(
      async () => graph.to(NUMBERS.csm).filter((m) => sentText(m).includes('Escalated')).length >= 2,
      30_000,
    );

    // The update goes to csm, mgr, vp in thread order; the process dies while vp's is in flight.
    const inFlight = graph.hold((b) => b.to === NUMBERS.vp && JSON.stringify(b).includes('crash-note'));
    expect(
      (
        await api.post(`/api/v1/alerts/${alertId}/actions`, {
          action: 'log_call',
          actorExternalId: 'csm',
          outcome: 'other',
          notes: 'crash-note',
        })
      ).status,
    ).toBe(200);
    let reached = false;
    void inFlight.then(() => (reached = true));
    await eventually(async () => reached, 30_000).catch(async (e: Error) => {
      throw new Error(`the update never reached vp: ${e.message}: ${await state()}`);
    });
    proc.child.kill('SIGKILL');
    await waitExit(proc.child);
    expect(updates(NUMBERS.csm)).toHaveLength(1);
    expect(updates(NUMBERS.mgr)).toHaveLength(1);

    proc = await startCli(env, port);
    try {
      // The retry (lease released at start on the embedded database, expired after 30 s on a
      // server) resends the one in flight only.
      await eventually(async () => updates(NUMBERS.vp).length >= 2, 60_000);
      await new Promise((r) => setTimeout(r, 1500)); // anything else it would send, it sends now
      expect(updates(NUMBERS.csm)).toHaveLength(1);
      expect(updates(NUMBERS.mgr)).toHaveLength(1);
      expect(updates(NUMBERS.vp)).toHaveLength(2);
    } finally {
      proc.child.kill('SIGTERM');
      await waitExit(proc.child);
    }
  }, 180_000);
});
