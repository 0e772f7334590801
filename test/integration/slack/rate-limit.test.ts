/**
 * Outbound pacing and Slack's HTTP 429: a rate-limited post is retried after Retry-After without
 * holding back other conversations, and one DM never gets more than about a message per second.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, startTestApp } from '../../helpers/app.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack-api.js';
import { messageText, seedSlackTeam, SLACK_USERS, slackEnv } from './support.js';

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedSlackTeam>>;

beforeAll(async () => {
  fake = await startFakeSlack({ users: SLACK_USERS });
  db = await createTestDatabase();
  app = await startTestApp(db, slackEnv(fake));
  team = await seedSlackTeam(app, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '1h' },
    ],
  });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

const usage = (customerExternalId: string) =>
  team.api.post('/api/v1/usage', { customerExternalId, used: 99, limit: 100, metric: 'seats' });

describe('Slack rate limits', () => {
  it('retries a post Slack answered with 429 after Retry-After, while other DMs go on', async () => {
    fake.rateLimit({ method: 'chat.postMessage', retryAfterSec: 2, times: 1, channel: 'D0SAM' });
    await Promise.all([usage('cust-1'), usage('cust-3')]);

    const limited = await eventually(async () =>
      fake.callsOf('chat.postMessage').find((c) => c.status === 429 && c.args.channel === 'D0SAM'),
    );
    const samCard = await eventually(
      async () => fake.roots('D0SAM').find((m) => messageText(m).includes('Northwind')),
      20_000,
    );
    const alexCard = await eventually(async () =>
      fake.roots('D0ALEX').find((m) => messageText(m).includes('Hooli')),
    );
    // Retry-After honoured, once; and Alex's DM did not wait for Sam's.
    expect(samCard.postedAt - limited.at).toBeGreaterThanOrEqual(2000);
    expect(alexCard.postedAt).toBeLessThan(samCard.postedAt);
    expect(fake.roots('D0SAM').filter((m) => messageText(m).includes('Northwind'))).toHaveLength(1);
    // Marked sent just after Slack answers: wait for the row to catch up with the fake.
    const delivery = await eventually(async () => {
      const row = (
        await app.database.pool.query(
          `SELECT status, attempts, last_error FROM deliveries WHERE channel = 'slack' AND kind = 'post_card' AND person_id = $1`,
          [team.personIds['csm-1']],
        )
      ).rows[0];
      return row?.status === 'sent' ? row : null;
    }, 10_000);
    expect(delivery).toMatchObject({ status: 'sent', attempts: 2 });
    expect(delivery.last_error).toBeNull();
  });

  it('paces one DM to about a message per second when several alerts arrive together', async () => {
    const before = fake.messagesIn('D0SAM').length;
    await Promise.all([usage('cust-2'), usage('cust-4'), usage('cust-5')]);
    // Three new cards for Sam at once: some wait in place, some are handed back to the outbox.
    await eventually(async () => fake.roots('D0SAM').length - before >= 3 || null, 20_000);
    const times = fake
      .messagesIn('D0SAM')
      .map((m) => m.postedAt)
      .sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000);
    // The outbox marks a delivery sent just after Slack answers, so the last row may lag the fake by a moment.
    const outcome = await eventually(async () => {
      const row = (
        await app.database.pool.query(
          `SELECT count(*) FILTER (WHERE status <> 'sent')::int AS unsent, max(attempts)::int AS attempts
           FROM deliveries WHERE channel = 'slack' AND person_id = $1`,
          [team.personIds['csm-1']],
        )
      ).rows[0];
      return row.unsent === 0 ? row : null;
    }, 10_000);
    expect(outcome.unsent).toBe(0);
    expect(outcome.attempts).toBeLessThanOrEqual(3);
  });
});
