/**
 * CSV import through Slack (issue 6): a `message` event with subtype `file_share` in a channel the
 * bot is in (test/fixtures/csv/slack/file-share-message.json, signed like Slack), the file
 * downloaded from the fake's url_private_download with the bot token, the review card in the
 * thread, the mapping modal, preview, import and summary.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
  clickPayload,
  interaction,
  messageText,
  postSlack,
  seedSlackTeam,
  SLACK_USERS,
  slackEnv,
  submitPayload,
} from '../slack/support.js';

const FIX = join(process.cwd(), 'test/fixtures/csv');
const CHANNEL = 'C0SUPPORT';

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedSlackTeam>>;
let seq = 0;

beforeAll(async () => {
  fake = await startFakeSlack({ users: SLACK_USERS });
  fake.addChannel(CHANNEL);
  db = await createTestDatabase();
  app = await startTestApp(db, slackEnv(fake));
  team = await seedSlackTeam(app);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

/** A user shares `content` as `name` in the channel; returns the upload message (the thread root). */
async function share(user: string, name: string, content: Buffer) {
  const root = fake.userMessage(CHANNEL, user);
  const file = fake.addFile({ id: `F0${++seq}`, name, content, user });
  const event = JSON.parse(readFileSync(join(FIX, 'slack/file-share-message.json'), 'utf8'));
  event.event_id = `Ev0CSV${seq}`;
  event.event = { ...event.event, user, ts: root.ts, event_ts: root.ts, files: [file] };
  const res = await postSlack(app.url, { json: event });
  expect(res.status).toBe(200);
  return { root, file };
}

const latest = (m: FakeSlackMessage) => fake.messages.find((x) => x.channel === m.channel && x.ts === m.ts)!;
const click = (m: FakeSlackMessage, user: string, actionId: string) =>
  postSlack(app.url, interaction(clickPayload(fake, latest(m), user, actionId)));
const tickets = async () =>
  (
    await app.database.pool.query(
      `SELECT external_id, source_key FROM tickets WHERE workspace_id = $1 ORDER BY external_id`,
      [team.workspaceId],
    )
  ).rows;

test('file_share → review card in the thread → mapping modal → preview → import → summary', async () => {
  const { root, file } = await share(
    'U0RILEY',
    'zendesk.csv',
    readFileSync(join(FIX, 'formats/zendesk.csv')),
  );
  const card = await eventually(async () =>
    fake.replies(CHANNEL, root.ts).find((m) => messageText(m).includes('CSV import · zendesk.csv')),
  );
  // Downloaded from url_private_download with the bot token, never a public link.
  const downloads = fake.callsOf('files-pri');
  expect(downloads).toHaveLength(1);
  expect(downloads[0]!.args.path).toBe(new URL(file.url_private_download as string).pathname);
  expect(downloads[0]!.token).toBe(DEFAULT_TEAM.botToken);
  expect(messageText(card)).toContain('Zendesk');
  expect(messageText(card)).toContain('Requester email (100%)');

  // Change a mapping in the modal.
  const payload = clickPayload(fake, latest(card), 'U0RILEY', 'csv:mapping');
  expect((await postSlack(app.url, interaction(payload))).status).toBe(200);
  const opened = await eventually(async () => fake.views.find((v) => v.triggerId === payload.trigger_id));
  const submit = submitPayload(fake, opened, 'U0RILEY', { 'map.organization': 'Requester domain' });
  expect((await postSlack(app.url, interaction(submit))).status).toBe(200);
  await eventually(async () => messageText(latest(card)).includes('Requester domain (100%'));

  await click(card, 'U0RILEY', 'csv:preview');
  await eventually(async () => messageText(latest(card)).includes('Row 1 · #1201 · Export to CSV times out'));
  expect(messageText(latest(card))).toContain(`'=HYPERLINK`);

  await click(card, 'U0RILEY', 'csv:import');
  await eventually(async () => messageText(latest(card)).includes('CSV import finished'));
  await eventually(async () =>
    fake
      .replies(CHANNEL, root.ts)
      .some((m) => m.text.includes('3 imported, 0 updated, 0 unchanged, 0 skipped')),
  );
  expect(await tickets()).toEqual([
    { external_id: '1201', source_key: 'csv:zendesk' },
    { external_id: '1202', source_key: 'csv:zendesk' },
    { external_id: '1203', source_key: 'csv:zendesk' },
  ]);
  // Slack retries the same event id: nothing happens twice.
});

test('skipped rows: the error report is posted in the thread', async () => {
  const csv = 'Id,Subject\n1,Fine\n,No id\n';
  const { root } = await share('U0RILEY', 'custom.csv', Buffer.from(csv));
  const card = await eventually(async () =>
    fake.replies(CHANNEL, root.ts).find((m) => messageText(m).includes('CSV import · custom.csv')),
  );
  await click(card, 'U0RILEY', 'csv:preview');
  await eventually(async () => messageText(latest(card)).includes('will be skipped'));
  await click(card, 'U0RILEY', 'csv:import');
  const report = await eventually(async () =>
    fake.replies(CHANNEL, root.ts).find((m) => m.text.startsWith('Error report')),
  );
  expect(report.text).toContain('row,line,ticket_id,reason');
  expect(report.text).toContain('2,3,,"no ticket id (column ""Id"" is empty)"');
});

test('a CSM is refused; a file over 10 MB is refused before it is downloaded', async () => {
  const before = fake.callsOf('files-pri').length;
  const { root } = await share('U0OLLY', 'x.csv', readFileSync(join(FIX, 'formats/custom.csv')));
  await eventually(async () =>
    fake.replies(CHANNEL, root.ts).some((m) => m.text.includes('Only workspace admins and CSM managers')),
  );
  const big = await share('U0RILEY', 'big.csv', Buffer.alloc(10 * 1024 * 1024 + 1, 0x41));
  await eventually(async () =>
    fake.replies(CHANNEL, big.root.ts).some((m) => m.text.includes('limited to 10 MB')),
  );
  expect(fake.callsOf('files-pri').length).toBe(before);
});

test('a malformed file gets its specific reply in the thread', async () => {
  const { root } = await share(
    'U0RILEY',
    'broken.csv',
    readFileSync(join(FIX, 'malformed/unbalanced-quote.csv')),
  );
  await eventually(async () =>
    fake
      .replies(CHANNEL, root.ts)
      .some((m) => m.text.includes('Unbalanced quote') && m.text.includes('line 3')),
  );
});
