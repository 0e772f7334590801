/**
 * Every alert action through Google Chat — the immediate buttons and the dialogs (Log Call,
 * Schedule Follow-up, Reassign, Snooze; Escalate now and Decline in policy-actions.test.ts: OPEN_DIALOG → REQUEST_DIALOG answered with a dialog, SUBMIT_DIALOG
 * read from formInputs) — plus who may act, request authenticity (bad tokens → 401, no effect),
 * redelivered events, both event formats, commands and a CSV attachment (media.download).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, startTestApp } from '../../helpers/app.js';
import { gchatCardText } from '../../../src/cards/render/gchat.js';
import {
  chatToken,
  signGoogleToken,
  startFakeGoogleChat,
  strangerKey,
  type FakeChatMessage,
  type FakeGoogleChat,
} from '../../fakes/gchat-api.js';
import {
  addedToDm,
  AUDIENCE,
  buttonOf,
  cardText,
  CHAT_USERS,
  click,
  dialogClick,
  dialogOf,
  dmMessage,
  fixture,
  gchatEnv,
  postEvent,
  seedChatTeam,
  str,
} from './world.js';

let fake: FakeGoogleChat;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedChatTeam>>;

const alertOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
const kinds = async (id: string) => ((await alertOf(id)).timeline as { kind: string }[]).map((e) => e.kind);
const dm = (k: keyof typeof CHAT_USERS) => fake.dmOf(CHAT_USERS[k].name);
const latest = (m: FakeChatMessage) => fake.messages.find((x) => x.name === m.name)!;

async function raise(customer: string, used = 90): Promise<{ alertId: string; card: FakeChatMessage }> {
  const before = new Set(fake.roots(dm('sam')).map((m) => m.name));
  const r = await team.api.post('/api/v1/usage', {
    customerExternalId: customer,
    used,
    limit: 100,
    metric: 'seats',
  });
  expect(r.body.outcome).toBe('created');
  const card = await eventually(async () =>
    fake.roots(dm('sam')).find((m) => !before.has(m.name) && m.body.cardsV2),
  );
  const p = buttonOf(card, 'acknowledge')!.onClick.action.parameters as { key: string; value: string }[];
  return { alertId: p.find((x) => x.key === 'alertId')!.value, card };
}

beforeAll(async () => {
  fake = await startFakeGoogleChat();
  db = await createTestDatabase();
  app = await startTestApp(db, gchatEnv(fake));
  team = await seedChatTeam(app, fake, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '24h' },
    ],
  });
  expect((await postEvent(app.url, addedToDm(fake, 'sam'))).status).toBe(200);
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

describe('alert actions from the card', () => {
  let alertId: string;
  let card: FakeChatMessage;
  beforeAll(async () => {
    ({ alertId, card } = await raise('cust-2'));
  });

  it('Log Call opens a dialog of outcome + notes and records the call on submit', async () => {
    const opened = await postEvent(
      app.url,
      click(fake, latest(card), 'sam', 'log_call', { dialogEventType: 'REQUEST_DIALOG' }),
    );
    expect(opened.status).toBe(200);
    expect(opened.json?.actionResponse?.type).toBe('DIALOG');
    const dialog = dialogOf(opened.json)!;
    const widgets = dialog.sections[0].widgets as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(widgets[0]!.selectionInput).toMatchObject({ name: 'outcome', type: 'DROPDOWN' });
    expect(widgets[0]!.selectionInput.items.map((i: { value: string }) => i.value)).toContain('connected');
    expect(widgets[1]!.textInput).toMatchObject({ name: 'notes', type: 'MULTIPLE_LINE' });

    const base = click(fake, latest(card), 'sam', 'log_call');
    const res = await postEvent(
      app.url,
      dialogClick(base, dialog.fixedFooter.primaryButton, {
        outcome: str('connected'),
        notes: str('Renewal in Q1'),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json?.actionResponse?.dialogAction?.actionStatus).toMatchObject({ statusCode: 'OK' });
    expect(res.json?.actionResponse.dialogAction.actionStatus.userFacingMessage).toMatch(/^Call logged/);
    const calls = await app.database.pool.query('SELECT outcome, notes FROM call_logs WHERE alert_id = $1', [
      alertId,
    ]);
    expect(calls.rows).toEqual([{ outcome: 'connected', notes: 'Renewal in Q1' }]);
    await eventually(async () =>
      fake.replies(card.name).some((m) => String(m.body.text).includes('logged a call: connected')),
    );
  });

  it('Schedule Follow-up takes a date and a time in the person’s zone, and keeps errors in the dialog', async () => {
    const opened = await postEvent(
      app.url,
      click(fake, latest(card), 'sam', 'schedule_follow_up', { dialogEventType: 'REQUEST_DIALOG' }),
    );
    const dialog = dialogOf(opened.json)!;
    const widgets = dialog.sections[0].widgets as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(widgets.map((w) => Object.keys(w)[0])).toEqual(['dateTimePicker', 'dateTimePicker', 'textInput']);
    expect(widgets[0]!.dateTimePicker).toMatchObject({ name: 'date', type: 'DATE_ONLY' });
    expect(widgets[1]!.dateTimePicker).toMatchObject({ name: 'time', type: 'TIME_ONLY' });

    const base = click(fake, latest(card), 'sam', 'schedule_follow_up');
    const past = await postEvent(
      app.url,
      dialogClick(base, dialog.fixedFooter.primaryButton, {
        date: { dateInput: { msSinceEpoch: String(Date.parse('2020-01-01T00:00:00Z')) } },
        time: { timeInput: { hours: 9, minutes: 0 } },
        title: str('Too late'),
      }),
    );
    // Still a dialog, with the engine's message in it.
    expect(JSON.stringify(dialogOf(past.json))).toMatch(/future/);
    const day = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 3);
    const ok = await postEvent(
      app.url,
      dialogClick(base, dialog.fixedFooter.primaryButton, {
        date: { dateInput: { msSinceEpoch: String(day) } },
        time: { timeInput: { hours: 10, minutes: 30 } },
        title: str('Call their CFO'),
      }),
    );
    expect(ok.json?.actionResponse?.dialogAction?.actionStatus?.statusCode).toBe('OK');
    const task = (
      await app.database.pool.query('SELECT title, due_at FROM tasks WHERE alert_id = $1', [alertId])
    ).rows[0];
    expect(task.title).toBe('Call their CFO');
    const london = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(task.due_at);
    expect(london).toBe('10:30');
  });

  it('Reassign offers the workspace’s CSMs and hands the alert over', async () => {
    const opened = await postEvent(
      app.url,
      click(fake, latest(card), 'sam', 'reassign', { dialogEventType: 'REQUEST_DIALOG' }),
    );
    const dialog = dialogOf(opened.json)!;
    const select = dialog.sections[0].widgets[0].selectionInput;
    expect(select.name).toBe('toPersonId');
    const alex = select.items.find((i: { text: string }) => i.text === 'Alex CSM');
    expect(alex.value).toBe(team.personIds['csm-2']);
    const res = await postEvent(
      app.url,
      dialogClick(click(fake, latest(card), 'sam', 'reassign'), dialog.fixedFooter.primaryButton, {
        toPersonId: str(alex.value),
      }),
    );
    expect(res.json?.actionResponse?.dialogAction?.actionStatus?.statusCode).toBe('OK');
    await eventually(async () => (await alertOf(alertId)).assigneeExternalId === 'csm-2');
    const alexCard = await eventually(async () =>
      fake.roots(dm('alex')).find((m) => cardText(m).includes('Globex')),
    );
    expect(cardText(alexCard)).toContain('reassigned this alert to you');
  });
});

describe('immediate buttons, who may act, authenticity and redelivery', () => {
  let alertId: string;
  let card: FakeChatMessage;
  beforeAll(async () => {
    ({ alertId, card } = await raise('cust-1'));
  });

  it('refuses someone who is not on the alert, with the engine’s explanation, and changes nothing', async () => {
    const res = await postEvent(app.url, click(fake, latest(card), 'olly', 'resolve'));
    expect(res.status).toBe(200);
    expect(res.json?.actionResponse?.type).toBe('NEW_MESSAGE');
    expect(res.json?.text).toMatch(/only its assignee/);
    expect((await alertOf(alertId)).status).toBe('open');
  });

  it('answers a missing, forged, expired or wrongly addressed token with 401 and no effect', async () => {
    const body = click(fake, latest(card), 'sam', 'resolve');
    const now = Math.floor(Date.now() / 1000);
    const bad = [
      null,
      'not-a-jwt',
      signGoogleToken(
        {
          iss: 'https://accounts.google.com',
          aud: AUDIENCE,
          email: 'chat@system.gserviceaccount.com',
          email_verified: true,
          iat: now,
          exp: now + 3600,
        },
        { key: strangerKey() },
      ),
      chatToken('endpoint_url', AUDIENCE, { iat: now - 7200, exp: now - 3600 }),
      chatToken('endpoint_url', 'https://elsewhere.example/gchat/events'),
      chatToken('endpoint_url', AUDIENCE, { email: 'someone@gmail.com' }),
      chatToken('project_number', AUDIENCE),
    ];
    for (const token of bad) {
      const res = await postEvent(app.url, body, { token });
      expect(res.status).toBe(401);
    }
    expect((await alertOf(alertId)).status).toBe('open');
    expect(await kinds(alertId)).not.toContain('resolved');
  });

  it('snoozes from the card through a dialog of how long / until what; a redelivered submission is applied once', async () => {
    const opened = await postEvent(
      app.url,
      click(fake, latest(card), 'sam', 'snooze', { dialogEventType: 'REQUEST_DIALOG' }),
    );
    const dialog = dialogOf(opened.json)!;
    const until = dialog.sections[0].widgets[0].selectionInput;
    expect(until.name).toBe('until');
    expect(until.items.map((i: { value: string; selected: boolean }) => [i.value, i.selected])).toEqual([
      ['duration', true],
      ['next_business_morning', false],
      ['customer_reply', false],
    ]);
    const body = dialogClick(click(fake, latest(card), 'sam', 'snooze'), dialog.fixedFooter.primaryButton, {
      until: str('duration'),
    });
    const first = await postEvent(app.url, body);
    expect(first.json?.actionResponse?.dialogAction?.actionStatus?.userFacingMessage).toMatch(/^Snoozed/);
    const second = await postEvent(app.url, body);
    expect(second.status).toBe(200);
    expect((await kinds(alertId)).filter((k) => k === 'snoozed')).toHaveLength(1);
    await eventually(async () => /Snoozed/i.test(gchatCardText(latest(card).body.cardsV2)));
  });
});

describe('commands, both event formats, and CSV attachments', () => {
  it('answers help, alerts, customer and brief in the DM and to /fincelo', async () => {
    const help = await postEvent(app.url, dmMessage(fake, 'sam', 'help'));
    expect(help.json?.text).toContain('customer <name>');
    const alerts = await postEvent(app.url, dmMessage(fake, 'sam', 'alerts', { slash: true }));
    expect(alerts.json?.text).toMatch(/Your open alerts/);
    const customer = await postEvent(app.url, dmMessage(fake, 'sam', 'customer Northwind', { slash: true }));
    expect(customer.json?.text).toContain('Northwind');
    const brief = await postEvent(app.url, dmMessage(fake, 'morgan', 'brief', { slash: true }));
    expect(brief.json?.text).toContain('Morning Brief');
  });

  it('understands the Workspace add-on format and answers in it', async () => {
    const e = fixture('addon-message');
    e.chat.user = { ...CHAT_USERS.sam, type: 'HUMAN' };
    e.chat.messagePayload.space.name = dm('sam');
    const res = await postEvent(app.url, e);
    expect(res.status).toBe(200);
    expect(res.json?.hostAppDataAction?.chatDataAction?.createMessageAction?.message?.text).toContain(
      'customer <name>',
    );
  });

  it('tells a Chat user unknown to Fincelo how to get added', async () => {
    const e = dmMessage(fake, 'sam', 'alerts');
    e.user = {
      name: 'users/999',
      displayName: 'Stranger',
      email: 'stranger@elsewhere.example',
      type: 'HUMAN',
    };
    const res = await postEvent(app.url, e);
    expect(res.json?.text).toMatch(/ask a Fincelo admin to add you/);
  });

  it('downloads a CSV posted to the app with media.download and starts the import in that thread', async () => {
    const resourceName = 'spaces/DM-206/attachments/csv-1';
    fake.addMedia(resourceName, Buffer.from('id,subject,status,created\n1,Login broken,open,2026-11-20\n'));
    const e = dmMessage(fake, 'riley', '', {
      attachment: [
        {
          name: `${dm('riley')}/messages/x/attachments/a1`,
          contentName: 'tickets.csv',
          contentType: 'text/csv',
          attachmentDataRef: { resourceName },
          source: 'UPLOADED_CONTENT',
        },
      ],
    });
    const res = await postEvent(app.url, e);
    expect(res.status).toBe(200);
    expect(
      fake.requests.some(
        (r) => r.method === 'GET' && r.path === `/v1/media/${resourceName}` && r.query.alt === 'media',
      ),
    ).toBe(true);
    const text = JSON.stringify(res.json);
    expect(text).toContain('tickets.csv');
    const imports = await app.database.pool.query(
      'SELECT filename FROM csv_imports WHERE workspace_id = $1',
      [team.workspaceId],
    );
    expect(imports.rows).toEqual([{ filename: 'tickets.csv' }]);
    // The same event again starts nothing new.
    await postEvent(app.url, e);
    expect((await app.database.pool.query('SELECT count(*)::int AS n FROM csv_imports')).rows[0].n).toBe(1);

    // The review card's buttons drive the import; its summary is posted in the upload's thread.
    const reviewCard = {
      name: `${dm('riley')}/messages/client-review`,
      space: dm('riley'),
      threadName: e.message.thread.name,
      body: { cardsV2: res.json?.cardsV2 },
    } as unknown as FakeChatMessage;
    const csvClick = (card: FakeChatMessage, step: string) => {
      const b = JSON.stringify(card.body.cardsV2);
      const buttons = [...b.matchAll(/"parameters":(\[[^\]]*\])/g)].map(
        (m) => JSON.parse(m[1]!) as { key: string; value: string }[],
      );
      const params = buttons.find((p) => p.some((x) => x.key === 'step' && x.value === step));
      if (!params) throw new Error(`no ${step} button`);
      return click(fake, card, 'riley', 'csv', {
        parameters: Object.fromEntries(params.map((x) => [x.key, x.value])),
      });
    };
    const preview = await postEvent(app.url, csvClick(reviewCard, 'preview'));
    expect(preview.json?.actionResponse?.type).toBe('UPDATE_MESSAGE');
    expect(gchatCardText(preview.json?.cardsV2)).toContain('Preview');
    const previewCard = { ...reviewCard, body: { cardsV2: preview.json?.cardsV2 } } as FakeChatMessage;
    const imported = await postEvent(app.url, csvClick(previewCard, 'import'));
    expect(imported.status).toBe(200);
    const summary = await eventually(async () =>
      fake
        .messagesIn(dm('riley'))
        .find((m) => m.body.thread?.name === e.message.thread.name && m.body.cardsV2),
    );
    expect(summary.messageReplyOption).toBe('REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    expect(gchatCardText(summary.body.cardsV2)).toMatch(/import/i);
  });
});
