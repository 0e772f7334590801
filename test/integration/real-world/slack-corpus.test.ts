/**
 * The real-world Slack corpus (../shared/fixtures/real-world/slack/, see its PROVENANCE.md), replayed
 * through /slack/events with v0 signatures computed at send time: the url_verification handshake,
 * the two slash commands, two DM messages, and the file shares that are not a CSV in a DM (a PNG in
 * a channel, a .txt snippet in a channel thread), the CSV shared in a DM with its retry, and the
 * `file_shared` event that follows a share. The card clicks and modal submissions are in
 * slack-corpus-cards.test.ts; the docs' no-subtype file share in slack-file-share.test.ts.
 *
 * Adapted at replay time only as PROVENANCE.md says: team ids → the fake's team, user ids → a
 * seeded person's Slack id, `api_app_id` → the fake's app, `authorizations[].user_id` → the fake's
 * bot, `event_id` → fresh, channels/ts → conversations and messages that exist in the fake,
 * `response_url` and file hosts → the fake (paths kept), plus each case's own adaptations.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, sleep, startTestApp } from '../../helpers/app.js';
import { DEFAULT_TEAM, startFakeSlack, type FakeSlack } from '../../fakes/slack-api.js';
import { messageText, postSlack, seedSlackTeam, SLACK_USERS, slackEnv } from '../slack/support.js';
import { corpusBytes, corpusJson, corpusText, describeCorpus } from './corpus.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TEAM = DEFAULT_TEAM.id;
/** The fake's app id (what its oauth.v2.access answers). */
const APP_ID = 'A0FINCELO';
const CSM = 'U0SAM';
/** The CS manager: may import CSVs; known to Fincelo by email only (users.info on first contact). */
const MANAGER = 'U0DANA';
/** A channel the bot was invited to (message.channels). */
const CHANNEL = 'C111';
const RETRY = { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' };

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedSlackTeam>>;
let seq = 0;

/** A corpus Events API wrapper around `event`, with the common adaptations. */
function envelope(file: string, event: Json): Json {
  const body = corpusJson(`slack/${file}`);
  body.team_id = TEAM;
  body.api_app_id = APP_ID;
  body.authorizations = (body.authorizations as Json[]).map((a) => ({
    ...a,
    team_id: TEAM,
    user_id: DEFAULT_TEAM.botUserId,
  }));
  body.event_id = `Ev0CORPUS${++seq}`;
  body.event = event;
  return body;
}

/** A corpus slash command form: `command` → /fincelo, ids adapted, response_url on the fake. */
function slashForm(file: string, user: string): Record<string, string> {
  const form = Object.fromEntries(new URLSearchParams(corpusText(`slack/${file}`)));
  const hook = new URL(form.response_url!);
  return {
    ...form,
    command: '/fincelo',
    team_id: TEAM,
    user_id: user,
    response_url: `${fake.origin}${hook.pathname}`,
  };
}

/** A corpus file URL on the fake: host swapped, the team id in the path adapted, the rest kept. */
const onFake = (url: string) =>
  url.replace(/^https:\/\/files\.slack\.com\/files-pri\/[^-/]+-/, `${fake.origin}/files-pri/${TEAM}-`);

const imports = async () =>
  (
    await app.database.pool.query('SELECT filename FROM csv_imports WHERE workspace_id = $1', [
      team.workspaceId,
    ])
  ).rows as { filename: string }[];
const botMessages = (from = 0) => fake.messages.slice(from).filter((m) => m.token === DEFAULT_TEAM.botToken);

describeCorpus('real-world Slack payloads: handshake, commands, DMs and file shares', () => {
  beforeAll(async () => {
    fake = await startFakeSlack({ users: SLACK_USERS });
    fake.addChannel(fake.dmOf(CSM));
    fake.addChannel(fake.dmOf(MANAGER));
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

  it('url_verification (bolt-python): answers the challenge, and only to a signed request', async () => {
    const body = corpusJson('slack/url_verification-bolt-python.json');
    const res = await postSlack(app.url, { json: body });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    const forged = await postSlack(app.url, { json: body, secret: 'not-the-signing-secret' });
    expect(forged.status).toBe(401);
    expect(forged.text).not.toContain(body.challenge);
  });

  it('slash command (docs weather example, text → help): the help, privately, at its response_url', async () => {
    const form: Record<string, string> = {
      ...slashForm('slash_command-docs-weather.form', CSM),
      text: 'help',
    };
    expect(form.enterprise_name).toBe('Globular Construct Inc'); // the rest as found
    const before = fake.messages.length;
    const res = await postSlack(app.url, { form });
    expect(res.status).toBe(200);
    expect(res.text).toBe(''); // acked at once, answered through response_url
    const reply = await eventually(async () => fake.responses.find((r) => r.path === '/commands/1234/5678'));
    expect(reply.body.response_type).toBe('ephemeral');
    expect(String(reply.body.text)).toContain('*Fincelo* — commands:');
    expect(String(reply.body.text)).toContain('`alerts`');
    expect(fake.messages.length).toBe(before); // nothing posted for everyone to see
  });

  it('slash command (bolt-python, Enterprise Grid, text "Hi"): says it does not know "Hi", with the help', async () => {
    const form = slashForm('slash_command-bolt-python.form', CSM);
    expect([form.text, form.enterprise_id]).toEqual(['Hi', 'E111']);
    const res = await postSlack(app.url, { form });
    expect(res.status).toBe(200);
    const reply = await eventually(async () =>
      fake.responses.find((r) => r.path === '/commands/T111/111/xxxxx'),
    );
    expect(reply.body.response_type).toBe('ephemeral');
    expect(String(reply.body.text)).toMatch(/^I don't know "Hi"\.\n\*Fincelo\* — commands:/);
  });

  it('message.im (docs event in the docs wrapper): answered once in the DM, and not again on a retry', async () => {
    const dm = fake.dmOf(CSM);
    const event = corpusJson('slack/event-message_im-docs.json');
    const typed = fake.userMessage(dm, CSM, event.text);
    const body = envelope('event_callback-envelope-docs.json', {
      ...event,
      user: CSM,
      channel: dm,
      ts: typed.ts,
      event_ts: typed.ts,
    });
    const before = fake.messages.length;
    expect((await postSlack(app.url, { json: body })).status).toBe(200);
    expect((await postSlack(app.url, { json: body, headers: RETRY })).status).toBe(200);
    const answer = await eventually(async () => botMessages(before)[0]);
    expect(answer).toMatchObject({ channel: dm, threadTs: null });
    expect(answer.text).toMatch(/^I don't know "Hello"\.\n\*Fincelo\* — commands:/);
    await sleep(800);
    expect(botMessages(before)).toHaveLength(1);
  });

  it('message.im in a DM thread (bolt-python, Enterprise Grid): the answer lands in that thread', async () => {
    const dm = fake.dmOf(CSM);
    const body = corpusJson('slack/event_callback-message_im-bolt-python.json');
    const root = fake.userMessage(dm, CSM, 'Hello');
    const typed = fake.userMessage(dm, CSM, body.event.text, root.ts);
    const adapted = envelope('event_callback-message_im-bolt-python.json', {
      ...body.event,
      user: CSM,
      parent_user_id: CSM,
      team: TEAM,
      user_team: TEAM,
      channel: dm,
      ts: typed.ts,
      event_ts: typed.ts,
      thread_ts: root.ts,
    });
    expect(adapted.enterprise_id).toBe('E111');
    const before = fake.messages.length;
    expect((await postSlack(app.url, { json: adapted })).status).toBe(200);
    const answer = await eventually(async () => botMessages(before)[0]);
    expect(answer).toMatchObject({ channel: dm, threadTs: root.ts });
    expect(answer.text).toMatch(/^I don't know "When"\./);
    await sleep(500);
    expect(botMessages(before)).toHaveLength(1);
  });

  it('a PNG shared in a channel (bolt-python, subtype file_share): not a CSV, so nothing is downloaded, imported or said', async () => {
    const body = corpusJson('slack/event_callback-message_file_share-bolt-python.json');
    const shared = fake.userMessage(CHANNEL, MANAGER, body.event.text);
    const adapted = envelope('event_callback-message_file_share-bolt-python.json', {
      ...body.event,
      user: MANAGER,
      ts: shared.ts,
      event_ts: shared.ts,
      files: (body.event.files as Json[]).map((f) => ({
        ...f,
        user: MANAGER,
        url_private: onFake(f.url_private),
        url_private_download: onFake(f.url_private_download),
      })),
    });
    expect(adapted.event).toMatchObject({ channel: CHANNEL, subtype: 'file_share', channel_type: 'channel' });
    const before = fake.messages.length;
    const calls = fake.calls.length;
    const ephemerals = fake.ephemerals.length;
    expect((await postSlack(app.url, { json: adapted })).status).toBe(200);
    await sleep(1500);
    expect(botMessages(before)).toEqual([]);
    expect(fake.ephemerals.slice(ephemerals)).toEqual([]);
    expect(fake.calls.slice(calls).map((c) => c.method)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(files-pri|files\.info|chat\.)/)]),
    );
    expect(await imports()).toEqual([]);
  });

  it('a 4-byte .txt snippet shared as a reply in a channel thread (java-sdk): not taken for a ticket export in a channel', async () => {
    const wrapper = corpusJson('slack/event_callback-message_file_share-bolt-python.json');
    const event = corpusJson('slack/message_file_share-java-sdk-event.json');
    const [file] = event.files as Json[];
    const served = fake.addFile({
      id: file!.id,
      name: file!.name,
      content: Buffer.from('test'),
      user: MANAGER,
    });
    expect(onFake(file!.url_private_download)).toBe(served.url_private_download); // path kept
    const root = fake.userMessage(CHANNEL, CSM, 'The customer sent this');
    const reply = fake.userMessage(CHANNEL, MANAGER, event.text, root.ts);
    const body = envelope('event_callback-message_file_share-bolt-python.json', {
      ...event,
      user: MANAGER,
      parent_user_id: CSM,
      ts: reply.ts,
      event_ts: reply.ts,
      thread_ts: root.ts,
      files: [
        {
          ...file,
          user: MANAGER,
          url_private: onFake(file!.url_private),
          url_private_download: onFake(file!.url_private_download),
        },
      ],
    });
    expect(body.is_ext_shared_channel).toBe(wrapper.is_ext_shared_channel);
    expect([file!.size, file!.preview]).toEqual([4, 'test']);
    const before = fake.messages.length;
    const calls = fake.calls.length;
    expect((await postSlack(app.url, { json: body })).status).toBe(200);
    // A .txt snippet in a channel is not taken for a ticket export (only in the bot's DM): not
    // downloaded, nothing said in the busy channel, no import.
    await sleep(800);
    expect(fake.calls.slice(calls).map((c) => c.method)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(files-pri|files\.info|chat\.)/)]),
    );
    expect(botMessages(before)).toHaveLength(0);
    expect(await imports()).toEqual([]);
  });

  it('a CSV shared in the manager’s DM (bolt-python capture made a CSV): one import, even after its retry and the file_shared event', async () => {
    const dm = fake.dmOf(MANAGER);
    const captured = corpusJson('slack/event_callback-message_file_share-bolt-python.json');
    const content = corpusBytes('csv/jira-cloud-en-all-fields.csv');
    const capturedFile = captured.event.files[0] as Json;
    const served = fake.addFile({ id: capturedFile.id, name: 'Jira.csv', content, user: MANAGER });
    const file: Json = Object.fromEntries(
      Object.entries(capturedFile).filter(([k]) => !k.startsWith('thumb_')),
    );
    Object.assign(file, {
      name: 'Jira.csv',
      title: 'Jira.csv',
      mimetype: 'text/csv',
      filetype: 'csv',
      pretty_type: 'CSV',
      size: content.length,
      user: MANAGER,
      url_private: served.url_private,
      url_private_download: served.url_private_download,
    });
    const blocks = JSON.parse(
      JSON.stringify(captured.event.blocks).replace('"Hi there!"', '"Our Jira export"'),
    );
    const shared = fake.userMessage(dm, MANAGER, 'Our Jira export');
    const body = envelope('event_callback-message_file_share-bolt-python.json', {
      ...captured.event,
      text: 'Our Jira export',
      blocks,
      user: MANAGER,
      channel: dm,
      channel_type: 'im',
      ts: shared.ts,
      event_ts: shared.ts,
      files: [file],
    });
    const before = fake.messages.length;
    expect((await postSlack(app.url, { json: body })).status).toBe(200);
    const card = await eventually(async () =>
      fake.replies(dm, shared.ts).find((m) => messageText(m).includes('CSV import · Jira.csv')),
    );
    expect(messageText(card)).toContain('Jira');
    expect(await imports()).toEqual([{ filename: 'Jira.csv' }]);

    // Slack's retry of the same delivery.
    expect((await postSlack(app.url, { json: body, headers: RETRY })).status).toBe(200);
    // The file_shared event Slack also sends for that file (docs example, in the docs wrapper).
    const fileShared = corpusJson('slack/event-file_shared-docs.json');
    const shareEvent = envelope('event_callback-envelope-docs.json', {
      ...fileShared,
      channel_id: dm,
      user_id: MANAGER,
      file_id: file.id,
      file: { ...fileShared.file, id: file.id },
    });
    expect(shareEvent.event.type).toBe('file_shared');
    expect((await postSlack(app.url, { json: shareEvent })).status).toBe(200);
    await sleep(1500);
    expect(botMessages(before)).toEqual([card]); // one review card, nothing else (not a DM command either)
    const path = new URL(served.url_private_download as string).pathname;
    expect(fake.callsOf('files-pri').filter((c) => c.args.path === path)).toHaveLength(1);
    expect(fake.callsOf('files.info')).toHaveLength(0);
    expect(await imports()).toEqual([{ filename: 'Jira.csv' }]);
  });
});
