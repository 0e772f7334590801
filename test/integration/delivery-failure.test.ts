/**
 * The outbox when a chat platform refuses a message: the failure lands on the alert's timeline
 * and the workspace admins are told (on their own channel), and the alert's other threads keep working.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../helpers/app.js';
import { type ChannelGateway, PermanentDeliveryError } from '../../src/channels/port.js';

/** A stand-in chat platform that knows nobody (every DM open fails for good). */
const unreachable: ChannelGateway = {
  channel: 'whatsapp',
  async openConversation() {
    throw new PermanentDeliveryError('the platform answered user_not_found');
  },
  async postCard() {
    throw new Error('unreachable');
  },
  async updateCard() {},
  async postReply() {
    throw new Error('unreachable');
  },
  async postText() {
    throw new Error('unreachable');
  },
};

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db, {}, { gateways: [unreachable] });
  team = await seedTeam(app);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('a delivery that finally fails', () => {
  it('is written on the timeline and reported to admins', async () => {
    await team.api.post('/api/v1/people', {
      externalId: 'csm-1',
      name: 'Sam CSM',
      email: 'sam@test.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
      preferredChannel: 'whatsapp',
    });
    expect(
      (await team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 99, limit: 100 })).body
        .outcome,
    ).toBe('created');
    const alertId = (await team.api.get('/api/v1/alerts')).body.alerts[0].id;
    const failed = await eventually(async () => {
      const a = (await team.api.get(`/api/v1/alerts/${alertId}`)).body;
      return a.timeline.find((e: { kind: string }) => e.kind === 'delivery_failed');
    });
    expect(failed).toMatchObject({ channel: 'whatsapp', targetExternalId: 'csm-1' });
    expect(failed.details.error).toContain('user_not_found');
    // The admin (on the playground) gets a notice that says what failed.
    const notices = await eventually(async () => {
      const res = await fetch(`${app.url}/playground/api/messages?personId=${team.personIds['admin-1']}`);
      const msgs = ((await res.json()) as { messages: { text: string | null }[] }).messages;
      return msgs.filter((m) => (m.text ?? '').includes('could not be delivered')).length ? msgs : null;
    });
    expect(notices.some((m) => (m.text ?? '').includes('user_not_found'))).toBe(true);
    const rows = (
      await app.database.pool.query(
        `SELECT status, attempts FROM deliveries WHERE alert_id = $1 AND channel = 'whatsapp'`,
        [alertId],
      )
    ).rows;
    expect(rows).toEqual([{ status: 'failed', attempts: 1 }]);
  });
});
