/**
 * CSV import through Microsoft Teams (issue 6): a personal-chat message with a
 * `application/vnd.microsoft.teams.file.download.info` attachment, the file fetched from its
 * downloadUrl (served by the fake Bot Connector), the review card, Action.Execute invokes for
 * mapping, preview and import, and the summary posted proactively.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../../helpers/app.js';
import { adaptiveCardIssues } from '../../helpers/adaptive-cards.js';
import { cardOf, messageText } from '../../fakes/bot-connector.js';
import { fixture, startTeamsWorld, type TeamsWorld } from '../teams/world.js';

const FIX = join(process.cwd(), 'test/fixtures/csv');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let world: TeamsWorld;
beforeAll(async () => {
  world = await startTeamsWorld();
  await world.install('admin-1');
  await world.install('csm-1');
});
afterAll(async () => {
  await world?.close();
});

/** `ext` sends `content` as `name` in their personal chat with the bot. */
async function sendFile(ext: string, name: string, content: Buffer) {
  const attachment = world.connector.addFile(name, content);
  const activity = fixture('message-personal', world.vars(ext, { text: '' }), {});
  activity.attachments = [attachment];
  const res = await world.post(activity);
  expect(res.status).toBe(200);
  return attachment;
}

/** Clicks a CSV card action (Action.Execute invoke) with the card's inputs. */
async function invoke(
  ext: string,
  cardMessageId: string,
  card: Json,
  verb: string,
  inputs: Record<string, string> = {},
) {
  const action = (card.actions as Json[]).find((a) => a.verb === verb);
  if (!action) throw new Error(`no ${verb} on the card`);
  const r = await world.post(
    fixture(
      'invoke-action',
      world.vars(ext, { replyToId: cardMessageId, verb, title: String(action.title) }),
      {
        value: { action: { data: { ...action.data, ...inputs } } },
      },
    ),
  );
  expect(r.status).toBe(200);
  return r.body as { type: string; value: Json | string };
}

test('file in a personal chat → review card → change a mapping → preview → import → summary', async () => {
  const attachment = await sendFile(
    'admin-1',
    'jira-export.csv',
    readFileSync(join(FIX, 'formats/jira.csv')),
  );
  // Fetched from the downloadUrl without sending the bot's token.
  const download = world.connector.requests.find(
    (r) => r.path === new URL(attachment.content.downloadUrl!).pathname,
  );
  expect(download?.authorization).toBeUndefined();
  const cardMsg = await eventually(async () =>
    world.chat('admin-1').find((m) => messageText(m).includes('CSV import · jira-export.csv')),
  );
  const review = cardOf(cardMsg)! as Json;
  expect(adaptiveCardIssues(review)).toEqual([]);
  expect(JSON.stringify(review)).toContain('Jira');
  expect(JSON.stringify(review)).toContain('Comment (100%)');

  const mapped = await invoke('admin-1', cardMsg.id, review, 'csv.mapping', { 'map.priority': '-' });
  expect(mapped.type).toBe('application/vnd.microsoft.card.adaptive');
  expect(JSON.stringify(mapped.value)).toContain('Mapping saved.');
  expect(JSON.stringify(mapped.value)).toMatch(/"title":"Priority","value":"— not mapped"/);

  const preview = await invoke('admin-1', cardMsg.id, mapped.value as Json, 'csv.preview');
  const previewText = JSON.stringify(preview.value);
  expect(adaptiveCardIssues(preview.value)).toEqual([]);
  expect(previewText).toContain('Row 1 · #SUP-101 · Login page shows 500');
  expect(previewText).toContain('login, urgent');

  const importing = await invoke('admin-1', cardMsg.id, preview.value as Json, 'csv.import');
  expect(JSON.stringify(importing.value)).toContain('Importing');
  await eventually(async () =>
    messageText(world.connector.message(cardMsg.id)!).includes('CSV import finished'),
  );
  await eventually(async () =>
    world
      .chat('admin-1')
      .some((m) => String(m.activity.text ?? '').includes('2 imported, 0 updated, 0 unchanged, 0 skipped')),
  );
  const rows = (
    await world.app.database.pool.query(
      `SELECT external_id, priority, body FROM tickets WHERE source_key = 'csv:jira' ORDER BY external_id`,
    )
  ).rows;
  expect(rows.map((r) => [r.external_id, r.priority])).toEqual([
    ['SUP-101', null],
    ['SUP-102', null],
  ]);
  expect(rows[0].body).toContain('jane: Looking into it');
});

test('a CSM is refused; a malformed file gets its specific reply', async () => {
  await sendFile('csm-1', 'x.csv', readFileSync(join(FIX, 'formats/custom.csv')));
  await eventually(async () =>
    world
      .chat('csm-1')
      .some((m) => String(m.activity.text ?? '').includes('Only workspace admins and CSM managers')),
  );
  await sendFile('admin-1', 'ragged.csv', readFileSync(join(FIX, 'malformed/ragged.csv')));
  await eventually(async () =>
    world.chat('admin-1').some((m) => String(m.activity.text ?? '').includes('Ragged rows')),
  );
});

test('over 10 MB: refused while downloading, nothing imported', async () => {
  await sendFile('admin-1', 'big.csv', Buffer.alloc(10 * 1024 * 1024 + 1, 0x41));
  await eventually(async () =>
    world.chat('admin-1').some((m) => String(m.activity.text ?? '').includes('limited to 10 MB')),
  );
});
