/**
 * Every alert action from a Slack card, through signed requests to /slack/events: the one-click
 * actions, the modals and their view_submission, refusals, unknown users, bad signatures, and
 * Slack's retries. Escalate now, Decline and Snooze until …: policy-actions.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, sleep, startTestApp } from '../../helpers/app.js';
import { startFakeSlack, type FakeSlack, type FakeSlackMessage } from '../../fakes/slack-api.js';
import {
  buttonOf,
  clickPayload,
  fixture,
  hasButtons,
  interaction,
  messageText,
  postSlack,
  seedSlackTeam,
  SLACK_USERS,
  slackEnv,
  submitPayload,
} from './support.js';

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedSlackTeam>>;

const alertOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
const kinds = async (id: string) => ((await alertOf(id)).timeline as { kind: string }[]).map((e) => e.kind);
const ephemeralsTo = (user: string) => fake.ephemerals.filter((e) => e.user === user).map((e) => e.text);

/** Raises a usage alert and returns it with its card in the CSM's DM. */
async function raise(customerExternalId: string, dm: string) {
  const r = await team.api.post('/api/v1/usage', {
    customerExternalId,
    used: 97,
    limit: 100,
    metric: 'seats',
  });
  expect(r.body.outcome).toBe('created');
  const alertId = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
    (a: { customerExternalId: string }) => a.customerExternalId === customerExternalId,
  ).id as string;
  const card = await eventually(async () =>
    fake.roots(dm).find((m) => String(buttonOf(m, 'resolve')?.value ?? '').includes(alertId)),
  );
  return { alertId, card };
}
const latest = (m: FakeSlackMessage) => fake.messages.find((x) => x.channel === m.channel && x.ts === m.ts)!;
const click = (m: FakeSlackMessage, user: string, action: string, extra = {}) =>
  postSlack(app.url, interaction(clickPayload(fake, latest(m), user, action), extra));
const openedView = (triggerId: string) =>
  eventually(async () => fake.views.find((v) => v.triggerId === triggerId));

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

describe('one-click actions', () => {
  it('acknowledges, snoozes and resolves from the card, updating it in place and confirming privately', async () => {
    const { alertId, card } = await raise('cust-1', 'D0SAM');

    expect((await click(card, 'U0SAM', 'acknowledge')).status).toBe(200);
    await eventually(async () => messageText(latest(card)).includes('Acknowledged'));
    await eventually(async () => ephemeralsTo('U0SAM').some((t) => t.startsWith('Acknowledged.')));

    // Snooze asks how long or until what (a modal of radio buttons, the workspace's length first).
    const snoozeClick = clickPayload(fake, latest(card), 'U0SAM', 'snooze');
    expect((await postSlack(app.url, interaction(snoozeClick))).status).toBe(200);
    const snoozeModal = await openedView(snoozeClick.trigger_id);
    const until = (snoozeModal.view.blocks as { element: Record<string, unknown> }[])[0]!.element;
    expect(until).toMatchObject({ type: 'radio_buttons', initial_option: { value: 'duration' } });
    expect(
      (await postSlack(app.url, interaction(submitPayload(fake, snoozeModal, 'U0SAM', {})))).status,
    ).toBe(200);
    await eventually(async () => (await alertOf(alertId)).status === 'snoozed');
    await eventually(async () => messageText(latest(card)).includes('Snoozed'));
    await eventually(async () => ephemeralsTo('U0SAM').some((t) => t.startsWith('Snoozed until')));

    expect((await click(card, 'U0SAM', 'resolve')).status).toBe(200);
    await eventually(async () => (await alertOf(alertId)).status === 'resolved');
    await eventually(async () => messageText(latest(card)).includes('Resolved') && !hasButtons(latest(card)));
    expect(await kinds(alertId)).toEqual(expect.arrayContaining(['acknowledged', 'snoozed', 'resolved']));
    expect(fake.roots('D0SAM').filter((m) => m.ts === card.ts)).toHaveLength(1);
  });
});

describe('modal actions', () => {
  let alertId: string;
  let card: FakeSlackMessage;
  beforeAll(async () => {
    ({ alertId, card } = await raise('cust-2', 'D0SAM'));
  });

  it('Log Call opens a modal of outcome + notes and records the call on submit', async () => {
    const payload = clickPayload(fake, latest(card), 'U0SAM', 'log_call');
    expect((await postSlack(app.url, interaction(payload))).status).toBe(200);
    const opened = await openedView(payload.trigger_id);
    expect(opened.view.callback_id).toBe('alert_action');
    expect(JSON.parse(String(opened.view.private_metadata))).toMatchObject({ alertId, action: 'log_call' });
    const blocks = opened.view.blocks as {
      block_id: string;
      element: { type: string; options?: { value: string }[] };
    }[];
    expect(blocks.map((b) => b.block_id)).toEqual(['outcome', 'notes']);
    expect(blocks[0]!.element.options!.map((o) => o.value)).toContain('connected');

    const res = await postSlack(
      app.url,
      interaction(submitPayload(fake, opened, 'U0SAM', { outcome: 'connected', notes: 'Renewal in Q1' })),
    );
    expect(res.status).toBe(200);
    expect(res.text).toBe(''); // closes the modal
    await eventually(async () => (await kinds(alertId)).includes('call_logged'));
    const calls = await app.database.pool.query('SELECT outcome, notes FROM call_logs WHERE alert_id = $1', [
      alertId,
    ]);
    expect(calls.rows).toEqual([{ outcome: 'connected', notes: 'Renewal in Q1' }]);
    await eventually(async () => ephemeralsTo('U0SAM').some((t) => t.startsWith('Call logged')));
    await eventually(async () =>
      fake.replies('D0SAM', card.ts).some((m) => m.text.includes('logged a call: connected')),
    );
  });

  it('Schedule Follow-up asks for a date and time in the person’s time zone, and keeps errors in the modal', async () => {
    const payload = clickPayload(fake, latest(card), 'U0SAM', 'schedule_follow_up');
    await postSlack(app.url, interaction(payload));
    const opened = await openedView(payload.trigger_id);
    const blocks = opened.view.blocks as { block_id: string; element: Record<string, unknown> }[];
    expect(blocks.map((b) => b.block_id)).toEqual(['date', 'time', 'title']);
    expect(blocks[0]!.element).toMatchObject({ type: 'datepicker' });
    expect(blocks[1]!.element).toMatchObject({
      type: 'timepicker',
      timezone: 'Europe/London',
      initial_time: '09:00',
    });

    const past = await postSlack(
      app.url,
      interaction(
        submitPayload(fake, opened, 'U0SAM', { date: '2020-01-01', time: '09:00', title: 'Too late' }),
      ),
    );
    expect(past.json).toEqual({
      response_action: 'errors',
      errors: { date: expect.stringMatching(/future/) },
    });

    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const ok = await postSlack(
      app.url,
      interaction(
        submitPayload(fake, opened, 'U0SAM', { date: day, time: '10:30', title: 'Call their CFO' }),
      ),
    );
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    const task = await eventually(
      async () =>
        (await app.database.pool.query('SELECT title, due_at FROM tasks WHERE alert_id = $1', [alertId]))
          .rows[0],
    );
    expect(task.title).toBe('Call their CFO');
    // 10:30 in London on that day, whatever the daylight-saving offset.
    const london = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(task.due_at);
    expect(london).toBe('10:30');
    await eventually(async () => ephemeralsTo('U0SAM').some((t) => t.startsWith('Follow-up scheduled')));
  });

  it('Reassign offers the workspace’s CSMs and hands the alert over', async () => {
    const payload = clickPayload(fake, latest(card), 'U0SAM', 'reassign');
    await postSlack(app.url, interaction(payload));
    const opened = await openedView(payload.trigger_id);
    const select = (
      opened.view.blocks as {
        block_id: string;
        element: { options: { value: string; text: { text: string } }[] };
      }[]
    )[0]!;
    expect(select.block_id).toBe('toPersonId');
    const alex = select.element.options.find((o) => o.text.text === 'Alex CSM')!;
    expect(alex.value).toBe(team.personIds['csm-2']);
    expect(select.element.options.map((o) => o.text.text)).not.toContain('Sam CSM'); // the current assignee

    const res = await postSlack(
      app.url,
      interaction(submitPayload(fake, opened, 'U0SAM', { toPersonId: alex.value })),
    );
    expect(res.status).toBe(200);
    await eventually(async () => (await alertOf(alertId)).assigneeExternalId === 'csm-2');
    // Alex is found by email, and gets the card with the history in their own DM.
    const alexCard = await eventually(async () =>
      fake.roots('D0ALEX').find((m) => messageText(m).includes('Globex')),
    );
    expect(messageText(alexCard)).toContain('reassigned this alert to you');
    await eventually(async () => ephemeralsTo('U0SAM').some((t) => t.startsWith('Reassigned to Alex CSM')));
  });
});

describe('who may act, authenticity and retries', () => {
  let alertId: string;
  let card: FakeSlackMessage;
  beforeAll(async () => {
    ({ alertId, card } = await raise('cust-4', 'D0SAM'));
  });

  it('refuses someone who is not on the alert, privately, with the engine’s explanation', async () => {
    expect((await click(card, 'U0OLLY', 'resolve')).status).toBe(200);
    await eventually(async () => ephemeralsTo('U0OLLY').some((t) => t.includes('only its assignee')));
    expect((await alertOf(alertId)).status).toBe('open');
    expect(await kinds(alertId)).toContain('refused');
  });

  it('tells a Slack user unknown to Fincelo how to get added', async () => {
    expect((await click(card, 'U0STRANGER', 'acknowledge')).status).toBe(200);
    await eventually(async () =>
      ephemeralsTo('U0STRANGER').some((t) => t.includes("couldn't match your Slack account")),
    );
    expect((await alertOf(alertId)).status).toBe('open');
  });

  it('answers a bad signature, or a stale or future timestamp, with 401 and changes nothing', async () => {
    const payload = clickPayload(fake, latest(card), 'U0SAM', 'acknowledge');
    const now = Math.floor(Date.now() / 1000);
    const bad = await postSlack(app.url, interaction(payload, { secret: 'not-the-signing-secret' }));
    const old = await postSlack(app.url, interaction(payload, { ts: now - 6 * 60 }));
    const future = await postSlack(app.url, interaction(payload, { ts: now + 6 * 60 }));
    expect([bad.status, old.status, future.status]).toEqual([401, 401, 401]);
    const unsigned = await fetch(`${app.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    });
    expect(unsigned.status).toBe(401);
    await sleep(500);
    expect((await alertOf(alertId)).status).toBe('open');
    expect(ephemeralsTo('U0SAM').filter((t) => t.startsWith('Acknowledged.'))).toHaveLength(1); // from the first test
  });

  it('applies a click Slack delivers twice (X-Slack-Retry-Num) once', async () => {
    const payload = clickPayload(fake, latest(card), 'U0SAM', 'acknowledge');
    const [a, b] = await Promise.all([
      postSlack(app.url, interaction(payload)),
      postSlack(
        app.url,
        interaction(payload, {
          headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
        }),
      ),
    ]);
    const c = await postSlack(
      app.url,
      interaction(payload, { headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' } }),
    );
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    await eventually(async () => (await alertOf(alertId)).status === 'acknowledged');
    await sleep(800);
    expect((await kinds(alertId)).filter((k) => k === 'acknowledged')).toHaveLength(1);
    expect(ephemeralsTo('U0SAM').filter((t) => t.startsWith('Acknowledged.'))).toHaveLength(2); // one per alert
  });

  it('answers a command typed in the DM once, even when the event is retried', async () => {
    const event = fixture('event-message-im');
    const before = fake.roots('D0SAM').length;
    const first = await postSlack(app.url, { json: event });
    const retry = await postSlack(app.url, {
      json: event,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect([first.status, retry.status]).toEqual([200, 200]);
    const reply = await eventually(async () =>
      fake
        .roots('D0SAM')
        .slice(before)
        .find((m) => m.text.includes('Your open alerts')),
    );
    expect(reply.text).toContain('Initech');
    await sleep(800);
    expect(
      fake
        .roots('D0SAM')
        .slice(before)
        .filter((m) => m.text.includes('Your open alerts')),
    ).toHaveLength(1);
  });
});
