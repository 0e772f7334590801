/**
 * Many escalations due at the same instant (issue 18): the claim loop runs a whole batch's steps
 * set-based. What a user sees must be what the one-at-a-time path produced: every alert escalated
 * once to the CSM's manager, their card with its intro, the "Escalated to" reply and a card update in
 * order, the next step's timer set; and an alert in the same batch whose CSM has no manager still
 * gets its skip on the timeline and the admin's notice.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '2s' },
      { role: 'vp_cs', after: '1h' },
    ],
    cooldown: '0s',
  });
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const q = async <T>(sql: string, params: unknown[]) =>
  (await app.database.pool.query(sql, params)).rows as T[];

describe('escalations due at the same instant', () => {
  it('each escalates once with its card, reply and update; a missing manager is still reported', async () => {
    const customers = Array.from({ length: 24 }, (_, i) => ({
      externalId: `many-${i}`,
      name: `Many ${i}`,
      tier: 'good',
      csmExternalId: 'csm-2',
    }));
    expect((await team.api.post('/api/v1/customers', customers)).status).toBe(200);
    const readings = [...customers.map((c) => c.externalId), 'cust-orphan'].map((id) => ({
      customerExternalId: id,
      used: 95,
      limit: 100,
    }));
    const res = await team.api.post('/api/v1/usage', readings);
    expect(res.status).toBe(202);
    expect(res.body.outcomes).toEqual(Array(25).fill('created'));

    const alerts = await eventually(async () => {
      const rows = await q<{ id: string; step: number; external_id: string }>(
        `SELECT a.id, a.step, c.external_id FROM alerts a JOIN customers c ON c.id = a.customer_id
          WHERE a.workspace_id = $1 AND (c.external_id LIKE 'many-%' OR c.external_id = 'cust-orphan')`,
        [team.workspaceId],
      );
      return rows.length === 25 && rows.every((r) => r.step >= 1) ? rows : null;
    }, 20_000);

    const mgr = team.personIds['mgr-1']!;
    for (const a of alerts.filter((x) => x.external_id !== 'cust-orphan')) {
      const detail = (await team.api.get(`/api/v1/alerts/${a.id}`)).body;
      const escalated = (detail.timeline as { kind: string; targetExternalId?: string }[]).filter(
        (e) => e.kind === 'escalated',
      );
      expect(escalated.map((e) => e.targetExternalId)).toEqual(['mgr-1']);
      const outbox = await q<{ kind: string; person_id: string | null; payload: Record<string, unknown> }>(
        'SELECT kind, person_id, payload FROM deliveries WHERE alert_id = $1 ORDER BY id',
        [a.id],
      );
      expect(outbox.map((d) => d.kind)).toEqual(['post_card', 'post_card', 'update_cards']);
      expect(outbox[1]!.person_id).toBe(mgr);
      expect(outbox[1]!.payload.intro).toBe(
        'Escalated to you (CSM Manager): nobody has acted on this alert yet.',
      );
      expect(outbox[2]!.payload.note).toBe('⬆️ Escalated to Dana Manager (CSM Manager) — step 2 of 3.');
      const [row] = await q<{ step: number; token: number; version: number; due: boolean }>(
        `SELECT step, token, version, next_action_at = chain_started_at + interval '1 hour' AS due
           FROM alerts WHERE id = $1`,
        [a.id],
      );
      // The same row the one-at-a-time path leaves: step 2 done, the VP's timer armed, version
      // bumped once for the step and once for the timer.
      expect(row).toEqual({ step: 1, token: 3, version: 5, due: true });
    }

    const orphan = alerts.find((x) => x.external_id === 'cust-orphan')!;
    const timeline = (await team.api.get(`/api/v1/alerts/${orphan.id}`)).body.timeline as {
      kind: string;
      details?: { reason?: string };
    }[];
    expect(timeline.find((e) => e.kind === 'escalation_skipped')?.details?.reason).toBe(
      'the CSM has no manager set',
    );
    const notices = await q<{ person_id: string }>(
      `SELECT person_id FROM deliveries WHERE alert_id = $1 AND kind = 'notice'`,
      [orphan.id],
    );
    expect(notices.map((n) => n.person_id)).toEqual([team.personIds['admin-1']]);
  });
});
