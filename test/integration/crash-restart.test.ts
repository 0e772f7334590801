/**
 * A process killed mid-escalation and restarted: every step that fell due fires exactly once
 * (fencing tokens, durable Agenda timers, the due-alert sweep).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { freePort, runCli, startCli, waitExit } from '../helpers/cli.js';
import { apiClient, eventually, sleep } from '../helpers/app.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('crash and restart mid-chain', () => {
  it('fires each due step exactly once after a SIGKILL and restart', async () => {
    const pendingDeliveries = async () => {
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: db.env.DATABASE_URL });
      if (!db.env.DATABASE_URL) return 0; // embedded: the running process holds the database; checked through the cards below
      await c.connect();
      try {
        return (
          await c.query(
            `SELECT count(*)::int AS n FROM deliveries WHERE status <> 'sent' AND status <> 'failed'`,
          )
        ).rows[0].n as number;
      } finally {
        await c.end();
      }
    };
    const env = { ...db.env, FINCELO_DEMO: 'off', FINCELO_PLAYGROUND: 'public', JOBS_POLL_INTERVAL: '250ms' };
    const created = await runCli(['workspace', 'create', '--name', 'Crash Co', '--json'], {
      ...env,
      LOG_LEVEL: 'silent',
    });
    const { apiKey } = JSON.parse(created.stdout);
    const port = await freePort();
    let proc = await startCli(env, port);
    const api = apiClient(`http://127.0.0.1:${port}`, apiKey);
    expect(
      (
        await api.post('/api/v1/people', [
          { externalId: 'mgr', name: 'Manager', role: 'csm_manager' },
          { externalId: 'csm', name: 'CSM', role: 'csm', managerExternalId: 'mgr' },
          { externalId: 'vp', name: 'VP', role: 'vp_cs' },
          { externalId: 'cfo', name: 'CFO', role: 'cfo' },
        ])
      ).status,
    ).toBe(200);
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
    const settings = await api.patch('/api/v1/settings', {
      escalation: [
        { role: 'csm', after: '0s' },
        { role: 'csm_manager', after: '3s' },
        { role: 'vp_cs', after: '6s' },
        { role: 'cfo', after: '9s' },
      ],
    });
    expect(settings.status).toBe(200);
    expect(
      (await api.post('/api/v1/usage', { customerExternalId: 'c1', used: 95, limit: 100 })).body.outcome,
    ).toBe('created');
    const alertId = (await api.get('/api/v1/alerts')).body.alerts[0].id;
    await eventually(
      async () => (await api.get(`/api/v1/alerts/${alertId}`)).body.escalationStep === 2,
      15_000,
    );

    proc.child.kill('SIGKILL');
    await waitExit(proc.child);
    await sleep(4000); // the VP step falls due while nothing runs

    proc = await startCli(env, port);
    try {
      await eventually(
        async () => (await api.get(`/api/v1/alerts/${alertId}`)).body.escalationStep === 4,
        30_000,
      );
      await sleep(2000);
      const alert = (await api.get(`/api/v1/alerts/${alertId}`)).body;
      const escalated = alert.timeline
        .filter((e: { kind: string }) => e.kind === 'escalated')
        .map((e: { targetExternalId: string }) => e.targetExternalId);
      expect(escalated).toEqual(['mgr', 'vp', 'cfo']);
      expect(alert.timeline.filter((e: { kind: string }) => e.kind === 'notified')).toHaveLength(1);
      expect(alert.recipients).toEqual(['csm', 'mgr', 'vp', 'cfo']);
      // Each person received exactly one card. A send cut off by the kill holds its alert's queue until
      // its lease (30 s) expires on a server; the embedded database releases it at start.
      await eventually(
        async () => (await api.get(`/api/v1/alerts/${alertId}`)).body && (await pendingDeliveries()) === 0,
        50_000,
        500,
      );
      const people = (await (await fetch(`http://127.0.0.1:${port}/playground/api/people`)).json()) as {
        people: { id: string; externalId: string }[];
      };
      for (const p of people.people) {
        const msgs = (await (
          await fetch(`http://127.0.0.1:${port}/playground/api/messages?personId=${p.id}`)
        ).json()) as { messages: { threadRootId: number | null; card: unknown }[] };
        expect({
          who: p.externalId,
          cards: msgs.messages.filter((m) => m.threadRootId === null && m.card).length,
        }).toEqual({ who: p.externalId, cards: 1 });
      }
    } finally {
      proc.child.kill('SIGTERM');
      await waitExit(proc.child);
    }
  }, 150_000);
});
