/**
 * `slack-delivery`: 1,000 alerts for 200 CSMs, each reached in their own Slack DM, delivered
 * through the real outbox and Slack gateway to the local fake Slack (test/fakes/slack-api.ts).
 *
 * Customers are spread over the CSMs with a seeded PRNG (about 5 alerts per DM, unevenly), and
 * created in one burst through the usage API, so several cards for one DM are ready together:
 * what the per-conversation pacer (src/bots/slack/pacer.ts, ≈ 1 message/s per channel, Slack's
 * chat.postMessage limit) has to hold back without slowing the other DMs.
 *
 * Figures: total time (first usage call → last card in Slack), messages per second over that
 * time and over the delivery window alone, and the most messages any single DM received within
 * one second (should be 1), plus the shortest gap between two messages of one DM.
 */
import { createWorkspace } from '../src/store/workspaces.js';
import { startFakeSlack } from '../test/fakes/slack-api.js';
import { api, chunks, freshDatabase, seededRandom, startBenchApp, waitFor } from './lib.js';

const ALERTS = 1_000;
const CONVERSATIONS = 200;
const TOKEN = 'xoxb-fake-bot-token';

/** Most messages inside any 1-second window of one conversation, and the shortest gap. */
export function perConversationRate(times: number[]): { maxPerSecond: number; minGapMs: number } {
  const t = [...times].sort((a, b) => a - b);
  let max = 0;
  let minGap = Infinity;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= 1000) j++;
    max = Math.max(max, i - j + 1);
    if (i > 0) minGap = Math.min(minGap, t[i]! - t[i - 1]!);
  }
  return { maxPerSecond: max, minGapMs: minGap };
}

export async function benchSlackDelivery(): Promise<Record<string, number>> {
  const users = Array.from({ length: CONVERSATIONS }, (_, i) => ({
    id: `U0B${String(i).padStart(4, '0')}`,
    email: `csm${i}@bench.example`,
    name: `CSM ${i}`,
  }));
  const fake = await startFakeSlack({ users });
  const db = await freshDatabase('slack');
  const { app, errors } = await startBenchApp({
    ...db.env,
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: fake.url,
  });
  try {
    const ws = await createWorkspace(app.database.db, { name: 'Slack bench' });
    const call = <T>(method: 'POST' | 'PATCH', path: string, body: unknown) =>
      api<T>(app.url, ws.apiKey, method, path, body);
    // Only the CSM step fires during the run; the manager step is a day away.
    await call('PATCH', '/settings', {
      escalation: [
        { role: 'csm', after: '0s' },
        { role: 'csm_manager', after: '24h' },
      ],
    });
    await call(
      'POST',
      '/people',
      users.map((u, i) => ({
        externalId: `csm-${i}`,
        name: u.name,
        email: u.email,
        role: 'csm',
        identities: { slack: { userId: u.id } },
      })),
    );
    const random = seededRandom(42);
    const csmOf = Array.from({ length: ALERTS }, (_, i) =>
      i < CONVERSATIONS ? i : Math.floor(random() * CONVERSATIONS),
    );
    for (const batch of chunks(
      csmOf.map((c, i) => ({
        externalId: `cust-${i}`,
        name: `Customer ${i}`,
        tier: 'good',
        csmExternalId: `csm-${c}`,
      })),
      500,
    ))
      await call('POST', '/customers', batch);

    const t0 = Date.now();
    const readings = Array.from({ length: ALERTS }, (_, i) => ({
      customerExternalId: `cust-${i}`,
      used: 95,
      limit: 100,
      metric: 'seats',
    }));
    for (const batch of chunks(readings, 500)) await call('POST', '/usage', batch);
    const created = Date.now();
    const cards = () => fake.messages.filter((m) => m.threadTs === null);
    const done = await waitFor(async () => cards().length >= ALERTS, 600_000, 100);
    const posted = cards();
    const last = Math.max(...posted.map((m) => m.postedAt));
    const first = Math.min(...posted.map((m) => m.postedAt));

    const byChannel = new Map<string, number[]>();
    for (const m of fake.messages)
      byChannel.set(m.channel, [...(byChannel.get(m.channel) ?? []), m.postedAt]);
    let maxPerSecond = 0;
    let minGapMs = Infinity;
    for (const times of byChannel.values()) {
      const r = perConversationRate(times);
      maxPerSecond = Math.max(maxPerSecond, r.maxPerSecond);
      minGapMs = Math.min(minGapMs, r.minGapMs);
    }
    // Deliveries the pacer handed back to the outbox for later (each costs one outbox attempt).
    const attempts = (
      await app.database.pool.query(
        `SELECT count(*) FILTER (WHERE attempts > 1)::int AS deferred, coalesce(max(attempts), 0)::int AS max,
                count(*) FILTER (WHERE status = 'failed')::int AS failed
         FROM deliveries WHERE channel = 'slack'`,
      )
    ).rows[0] as { deferred: number; max: number; failed: number };
    const result = {
      alerts: ALERTS,
      conversations: byChannel.size,
      cards_posted: posted.length,
      completed: done ? 1 : 0,
      create_s: (created - t0) / 1000,
      total_s: (last - t0) / 1000,
      messages_per_s: posted.length / ((last - t0) / 1000),
      delivery_window_s: (last - first) / 1000,
      delivery_messages_per_s: posted.length / Math.max(0.001, (last - first) / 1000),
      max_messages_per_s_one_conversation: maxPerSecond,
      min_gap_ms_one_conversation: Number.isFinite(minGapMs) ? minGapMs : 0,
      rate_limited_429: fake.calls.filter((c) => c.status === 429).length,
      deliveries_deferred: attempts.deferred,
      max_attempts_one_delivery: attempts.max,
      deliveries_failed: attempts.failed,
      post_message_calls: fake.callsOf('chat.postMessage').length,
      app_error_logs: errors.count,
    };
    process.stdout.write(
      [
        `slack-delivery: ${result.cards_posted}/${ALERTS} cards to ${result.conversations} DMs (${db.where})`,
        `  total ${result.total_s.toFixed(1)} s (alert creation ${result.create_s.toFixed(1)} s) → ${result.messages_per_s.toFixed(1)} messages/s`,
        `  delivery window ${result.delivery_window_s.toFixed(1)} s → ${result.delivery_messages_per_s.toFixed(1)} messages/s`,
        `  busiest DM: ${result.max_messages_per_s_one_conversation} message(s) in any 1 s, shortest gap ${result.min_gap_ms_one_conversation} ms`,
        `  paced deliveries put back for later: ${result.deliveries_deferred} (at most ${result.max_attempts_one_delivery} attempts for one; ${result.deliveries_failed} failed)`,
        '',
      ].join('\n'),
    );
    return result;
  } finally {
    await app.close();
    await db.drop();
    await fake.close();
  }
}
