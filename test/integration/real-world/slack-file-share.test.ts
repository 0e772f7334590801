/**
 * Slack file shares in the shape the event reference prints (slack/event-message_file_share-docs-dm.json:
 * a `message` with `files`, **no `subtype` key** and `bot_id: null`, in a DM), inside the docs'
 * Events API wrapper (slack/event_callback-envelope-docs.json), signed with v0 at send time. Adapted
 * at replay time as PROVENANCE.md says: team ids → the fake's team, user → the admin's Slack id,
 * channel → the admin's DM, event_id → fresh; for the CSV case the file is made a CSV served by the
 * fake (`csv/jira-cloud-en-all-fields.csv`, URLs on the fake, thumbnails dropped).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, sleep, startTestApp } from '../../helpers/app.js';
import { DEFAULT_TEAM, startFakeSlack, type FakeSlack } from '../../fakes/slack-api.js';
import { messageText, postSlack, seedSlackTeam, SLACK_USERS, slackEnv } from '../slack/support.js';
import { corpusBytes, corpusJson, describeCorpus } from './corpus.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
let seq = 0;
const USER = 'U0RILEY';

describeCorpus('real-world Slack file shares without a subtype', () => {
  let dm: string;
  beforeAll(async () => {
    fake = await startFakeSlack({ users: SLACK_USERS });
    dm = fake.dmOf(USER);
    fake.addChannel(dm);
    db = await createTestDatabase();
    app = await startTestApp(db, slackEnv(fake));
    await seedSlackTeam(app);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await fake?.close();
  });

  /** The docs envelope around the docs DM event, with ids adapted; `file` replaces its file. */
  function delivery(file?: Json): { body: Json; ts: string } {
    const envelope = corpusJson('slack/event_callback-envelope-docs.json');
    const event = corpusJson('slack/event-message_file_share-docs-dm.json');
    const root = fake.userMessage(dm, USER, event.text);
    envelope.team_id = DEFAULT_TEAM.id;
    envelope.authorizations = envelope.authorizations.map((a: Json) => ({
      ...a,
      team_id: DEFAULT_TEAM.id,
      user_id: DEFAULT_TEAM.botUserId,
    }));
    envelope.event_id = `Ev0RW${++seq}`;
    envelope.event = {
      ...event,
      user: USER,
      channel: dm,
      ts: root.ts,
      event_ts: root.ts,
      files: file ? [file] : event.files.map((f: Json) => ({ ...f, user: USER })),
    };
    return { body: envelope, ts: root.ts };
  }

  it('a CSV shared that way starts an import: the review card in its thread', async () => {
    const docsFile = corpusJson('slack/event-message_file_share-docs-dm.json').files[0] as Json;
    const content = corpusBytes('csv/jira-cloud-en-all-fields.csv');
    const served = fake.addFile({ id: docsFile.id, name: 'Jira.csv', content, user: USER });
    const file = Object.fromEntries(
      Object.entries(docsFile).filter(([k]) => !/^(thumb_|pjpeg|image_exif|original_)/.test(k)),
    );
    Object.assign(file, {
      name: 'Jira.csv',
      title: 'Jira.csv',
      mimetype: 'text/csv',
      filetype: 'csv',
      pretty_type: 'CSV',
      size: content.length,
      user: USER,
      url_private: served.url_private,
      url_private_download: served.url_private_download,
    });
    const { body, ts } = delivery(file);
    expect('subtype' in body.event).toBe(false);
    expect(body.event.bot_id).toBeNull();
    const res = await postSlack(app.url, { json: body });
    expect(res.status).toBe(200);
    const card = await eventually(async () =>
      fake.replies(dm, ts).find((m) => messageText(m).includes('CSV import · Jira.csv')),
    );
    expect(messageText(card)).toContain('Jira');
    expect(fake.callsOf('files-pri')).toHaveLength(1);
    // The text of the share is not taken for a command.
    expect(fake.messagesIn(dm).filter((m) => m.threadTs === null && m.token !== USER)).toHaveLength(0);
  });

  it('the PNG of the docs, as found (ids adapted): no import and no reply', async () => {
    const downloads = fake.callsOf('files-pri').length;
    const { body } = delivery();
    const before = fake.messages.length; // after the share itself
    const res = await postSlack(app.url, { json: body });
    expect(res.status).toBe(200);
    await sleep(1500);
    expect(fake.messages.slice(before).map((m) => m.text)).toEqual([]);
    expect(fake.callsOf('files-pri')).toHaveLength(downloads);
  });
});
