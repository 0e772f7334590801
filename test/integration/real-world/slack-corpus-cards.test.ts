/**
 * The real-world Slack clicks and modal submissions (../shared/fixtures/real-world/slack/, see its
 * PROVENANCE.md) on real alert cards, through /slack/events with v0 signatures computed at send
 * time. Each block_actions capture becomes a click on one of the product's buttons, and each
 * view_submission capture the submission of the modal the product opened, adapted only as
 * PROVENANCE.md says: team/user/app ids; `channel.id`/`container.channel_id` → the CSM's DM;
 * `container.message_ts`/`message.ts` → the card's ts; `trigger_id` fresh; `actions[0]`'s
 * `action_id`/`block_id`/`text`/`value` → the product's button as the fake received it; `action_ts`
 * → now; for submissions `view.callback_id`/`private_metadata`/`blocks`/`title`/`submit`/`close` →
 * the opened modal, and `view.state.values` keyed by its ids, filled from the capture's own values.
 * The rest (a heybot message's own blocks, `response_url`, `enterprise`, `is_ephemeral`, …) is sent
 * as found.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, startTestApp } from '../../helpers/app.js';
import {
  DEFAULT_TEAM,
  startFakeSlack,
  type FakeSlack,
  type FakeSlackMessage,
} from '../../fakes/slack-api.js';
import {
  buttonOf,
  hasButtons,
  interaction,
  messageText,
  postSlack,
  seedSlackTeam,
  SLACK_USERS,
  slackEnv,
} from '../slack/support.js';
import { corpusJson, describeCorpus } from './corpus.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TEAM = DEFAULT_TEAM.id;
/** The fake's app id (what its oauth.v2.access answers). */
const APP_ID = 'A0FINCELO';
const CSM = 'U0SAM';
const DM = 'D0SAM';
const LONDON = 'Europe/London'; // Sam's time zone

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedSlackTeam>>;

const alertOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
const ephemeralsTo = (user: string) => fake.ephemerals.filter((e) => e.user === user);
const latest = (m: FakeSlackMessage) => fake.messages.find((x) => x.channel === m.channel && x.ts === m.ts)!;
const query = async (sql: string, args: unknown[]) => (await app.database.pool.query(sql, args)).rows;

/** Raises a usage alert for a customer of Sam's; returns it with its card in Sam's DM. */
async function raise(customerExternalId: string) {
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
    fake.roots(DM).find((m) => String(buttonOf(m, 'resolve')?.value ?? '').includes(alertId)),
  );
  return { alertId, card };
}

/** A corpus block_actions capture made a click on the card's `actionId` button. */
function cardClick(file: string, card: FakeSlackMessage, actionId: string): Json {
  const m = latest(card);
  const block = (m.blocks as Json[]).find((b) => b.type === 'actions' && buttonOf(m, actionId));
  const button = buttonOf(m, actionId);
  if (!block || !button) throw new Error(`no ${actionId} button on the card`);
  const p = corpusJson(`slack/${file}`);
  p.user = { ...p.user, id: CSM, team_id: TEAM };
  p.team = { ...p.team, id: TEAM };
  p.api_app_id = APP_ID;
  p.channel = { ...p.channel, id: m.channel };
  p.container = { ...p.container, channel_id: m.channel, message_ts: m.ts };
  if (p.message) p.message = { ...p.message, ts: m.ts };
  p.trigger_id = fake.issueTrigger();
  p.actions = [
    {
      ...p.actions[0],
      action_id: button.action_id,
      block_id: block.block_id,
      text: button.text,
      value: button.value,
      action_ts: `${Date.now() / 1000}`,
    },
  ];
  return p;
}

type Opened = FakeSlack['views'][number];
const openedBy = (triggerId: string) =>
  eventually(async () => fake.views.find((v) => v.triggerId === triggerId));

/** A corpus view_submission capture made the submission of `opened`, with `values` as its state. */
function submission(file: string, opened: Opened, values: Record<string, Json>): Json {
  const p = corpusJson(`slack/${file}`);
  const v = opened.view;
  p.user = { ...p.user, id: CSM, team_id: TEAM };
  if (p.team) p.team = { ...p.team, id: TEAM }; // the org-wide app's `team: null` stays null
  p.api_app_id = APP_ID;
  p.trigger_id = fake.issueTrigger();
  const state: Record<string, Json> = {};
  for (const b of v.blocks as Json[])
    if (values[b.block_id]) state[b.block_id] = { [b.element.action_id]: values[b.block_id] };
  p.view = {
    ...p.view,
    id: opened.id,
    root_view_id: opened.id,
    hash: opened.hash,
    team_id: TEAM,
    app_id: APP_ID,
    ...(p.view.app_installed_team_id ? { app_installed_team_id: TEAM } : {}),
    callback_id: v.callback_id,
    private_metadata: v.private_metadata,
    blocks: v.blocks,
    title: v.title,
    submit: v.submit,
    close: v.close,
    state: { values: state },
  };
  return p;
}
const elementOf = (opened: Opened, blockId: string) =>
  (opened.view.blocks as Json[]).find((b) => b.block_id === blockId)!.element as Json;

describeCorpus('real-world Slack clicks and modal submissions on alert cards', () => {
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

  it('block_actions (docs interactive message) as Acknowledge, then as Mark Resolved: the alert and its card follow', async () => {
    const { alertId, card } = await raise('cust-1');
    const ack = cardClick('block_actions-docs-interactive-message.json', card, 'acknowledge');
    expect(ack.container).toMatchObject({ type: 'message_attachment', is_app_unfurl: false }); // as found
    expect(ack.message.blocks).toBeUndefined(); // the docs' message has none: the button value says it all
    expect((await postSlack(app.url, interaction(ack))).status).toBe(200);
    await eventually(async () => (await alertOf(alertId)).status === 'acknowledged');
    await eventually(async () => messageText(latest(card)).includes('Acknowledged'));
    await eventually(async () =>
      ephemeralsTo(CSM).some((e) => e.channel === DM && /^Acknowledged\./.test(e.text)),
    );

    const resolve = cardClick('block_actions-docs-interactive-message.json', card, 'resolve');
    expect(resolve.actions[0].text.text).toMatch(/Resolve/);
    expect((await postSlack(app.url, interaction(resolve))).status).toBe(200);
    await eventually(async () => (await alertOf(alertId)).status === 'resolved');
    await eventually(async () => messageText(latest(card)).includes('Resolved') && !hasButtons(latest(card)));
    const kinds = ((await alertOf(alertId)).timeline as { kind: string }[]).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'acknowledged' || k === 'resolved')).toEqual([
      'acknowledged',
      'resolved',
    ]);
    expect(fake.roots(DM).filter((m) => m.ts === card.ts)).toHaveLength(1); // updated in place
    await eventually(async () =>
      fake.replies(DM, card.ts).some((m) => m.text.includes('Resolved by Sam CSM')),
    );
  });

  describe('Log Call', () => {
    let alertId: string;
    let card: FakeSlackMessage;
    let opened: Opened;
    beforeAll(async () => {
      ({ alertId, card } = await raise('cust-2'));
      const click = cardClick('block_actions-dm-heybot-capture.json', card, 'log_call');
      expect(click.message.blocks[1].block_id).toBe('request_timeoff'); // heybot's own message, as found
      expect((await postSlack(app.url, interaction(click))).status).toBe(200);
      opened = await openedBy(click.trigger_id);
    });

    it('block_actions (heybot DM capture) as Log Call: opens the outcome + notes modal for that alert', async () => {
      expect(opened.view.callback_id).toBe('alert_action');
      expect(JSON.parse(String(opened.view.private_metadata))).toMatchObject({
        alertId,
        action: 'log_call',
        channelId: DM,
      });
      expect((opened.view.blocks as Json[]).map((b) => b.block_id)).toEqual(['outcome', 'notes']);
    });

    it('view_submission (heybot capture, outcome left empty): the error stays in the modal, on the outcome', async () => {
      const captured = corpusJson('slack/view_submission-heybot-capture.json');
      const text = captured.view.state.values.employee_id_modal_input.employee_id_value.value;
      expect(text).toBe('check callback');
      const body = submission('view_submission-heybot-capture.json', opened, {
        outcome: { type: 'static_select', selected_option: null },
        notes: { type: 'plain_text_input', value: text },
      });
      const res = await postSlack(app.url, interaction(body));
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ response_action: 'errors', errors: { outcome: expect.any(String) } });
      expect(await query('SELECT 1 FROM call_logs WHERE alert_id = $1', [alertId])).toEqual([]);
    });

    it('view_submission (java-sdk modal: a select + "Just amazing!"): the call is logged, the modal closes', async () => {
      const captured = corpusJson('slack/view_submission-java-sdk-modal.json');
      const notes = captured.view.state.values.comment.single_action.value;
      const first = (elementOf(opened, 'outcome').options as Json[])[0]!;
      const body = submission('view_submission-java-sdk-modal.json', opened, {
        outcome: { type: 'static_select', selected_option: first },
        notes: { type: 'plain_text_input', value: notes },
      });
      const res = await postSlack(app.url, interaction(body));
      expect(res.status).toBe(200);
      expect(res.text).toBe(''); // closes the modal
      const calls = await eventually(async () => {
        const rows = await query('SELECT outcome, notes FROM call_logs WHERE alert_id = $1', [alertId]);
        return rows.length ? rows : null;
      });
      expect(calls).toEqual([{ outcome: first.value, notes: 'Just amazing!' }]);
      await eventually(async () => ephemeralsTo(CSM).some((e) => e.text.startsWith('Call logged')));
      await eventually(async () =>
        fake
          .replies(DM, card.ts)
          .some((m) => m.text.includes(`logged a call: ${first.value} — “Just amazing!”`)),
      );
    });
  });

  it('block_actions (bolt-python ephemeral, Enterprise Grid) as Schedule Follow-up, then view_submission (java-sdk org-wide app, team: null): the follow-up is scheduled at 03:00 in the CSM’s zone', async () => {
    const { alertId, card } = await raise('cust-4');
    const click = cardClick('block_actions-bolt-python-ephemeral.json', card, 'schedule_follow_up');
    expect(click.container.is_ephemeral).toBe(true); // as found
    expect(click.team.enterprise_id).toBe('E111');
    expect((await postSlack(app.url, interaction(click))).status).toBe(200);
    const opened = await openedBy(click.trigger_id);
    expect(JSON.parse(String(opened.view.private_metadata))).toMatchObject({
      alertId,
      action: 'schedule_follow_up',
    });
    expect(elementOf(opened, 'time')).toMatchObject({ type: 'timepicker', timezone: LONDON });

    const captured = corpusJson('slack/view_submission-java-sdk-org-app.json');
    const values = captured.view.state.values;
    expect([
      values['date-block']['date-action'].selected_date,
      values['time-block']['time-action'].selected_time,
    ]).toEqual(['2022-06-22', '03:00']);
    // The date of the capture is in the past: tomorrow, in the CSM's zone.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: LONDON }).format(new Date());
    const tomorrow = new Date(Date.parse(`${today}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const body = submission('view_submission-java-sdk-org-app.json', opened, {
      date: { ...values['date-block']['date-action'], selected_date: tomorrow },
      time: { ...values['time-block']['time-action'], timezone: elementOf(opened, 'time').timezone },
      title: values['agenda-block']['agenda-action'],
    });
    expect([body.team, body.is_enterprise_install]).toEqual([null, true]);
    const res = await postSlack(app.url, interaction(body));
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const task = await eventually(
      async () => (await query('SELECT title, due_at FROM tasks WHERE alert_id = $1', [alertId]))[0],
    );
    expect(task.title).toBe('test');
    const due = new Intl.DateTimeFormat('en-CA', {
      timeZone: LONDON,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(task.due_at);
    expect(due).toBe(`${tomorrow}, 03:00`);
    await eventually(async () => ephemeralsTo(CSM).some((e) => e.text.startsWith('Follow-up scheduled')));
    await eventually(async () =>
      fake.replies(DM, card.ts).some((m) => m.text.includes('scheduled a follow-up: “test”')),
    );
  });
});
