/**
 * Chat is the admin UI: `settings` (1:1 chat, or @mention in a channel) opens Adaptive Card forms
 * built from ChatServices.settingsForm; saving goes through ChatServices.saveSettingsForm and shows
 * each field's validation message under it. Also the text commands. Anonymous adapter: see world.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adaptiveCardIssues } from '../../helpers/adaptive-cards.js';
import { eventually } from '../../helpers/app.js';
import { cardOf, messageText, type RecordedMessage } from '../../fakes/bot-connector.js';
import { CHANNEL, fixture, startTeamsWorld, type TeamsWorld } from './world.js';

let w: TeamsWorld;
type Json = Record<string, unknown>;

beforeAll(async () => {
  w = await startTeamsWorld();
  for (const p of ['admin-1', 'csm-1']) await w.install(p);
});
afterAll(async () => {
  await w?.close();
});

/** Every object of a card, depth first. */
function walk(node: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((n) => walk(n, out));
  else if (node && typeof node === 'object') {
    out.push(node as Json);
    for (const [k, v] of Object.entries(node)) if (k !== 'fallback') walk(v, out);
  }
  return out;
}
/** What Teams submits: the values of the card's own inputs (not those inside ShowCards). */
const inputsOf = (card: Json) =>
  Object.fromEntries(
    (card.body as Json[])
      .filter((e) => String(e.type).startsWith('Input.'))
      .map((e) => [e.id, e.value === undefined ? '' : String(e.value)]),
  ) as Record<string, string>;
const settingsAction = (card: unknown, verb: string, form?: string) =>
  walk(card).find(
    (o) =>
      o.type === 'Action.Execute' &&
      o.verb === verb &&
      (!form || (o.data as { fincelo: { form: string } }).fincelo.form === form),
  )!;
const texts = (card: unknown) =>
  walk(card)
    .filter((o) => o.type === 'TextBlock')
    .map((o) => String(o.text));

/** Posts the invoke of a settings button, with the card's inputs (overridden by `inputs`). */
async function submit(
  ext: string,
  message: string,
  card: Json,
  verb: string,
  inputs: Record<string, string> = {},
  form?: string,
) {
  const action = settingsAction(card, verb, form);
  const r = await w.post(
    fixture('invoke-action', w.vars(ext, { replyToId: message, verb, title: String(action.title) }), {
      value: { action: { data: { ...inputsOf(card), ...(action.data as Json), ...inputs } } },
    }),
  );
  expect(r.status).toBe(200);
  return r.body as { statusCode: number; type: string; value: Json | string };
}

async function openSettings(ext: string): Promise<RecordedMessage> {
  const before = w.chat(ext).length;
  await w.say(ext, 'settings');
  return eventually(async () =>
    w
      .chat(ext)
      .slice(before)
      .find((m) => cardOf(m)),
  );
}

describe('settings forms in Teams', () => {
  it('opens the general settings form for an admin, with the current values', async () => {
    const m = await openSettings('admin-1');
    const card = cardOf(m)!;
    expect(texts(card)[0]).toBe('Fincelo settings');
    expect(inputsOf(card)).toMatchObject({
      'threshold.platinum': '85',
      'threshold.good': '80',
      cooldown: '24h',
    });
    expect(walk(card).find((o) => o.id === 'escalation')).toMatchObject({
      type: 'Input.Text',
      isMultiline: true,
    });
  });

  it('shows validation errors under their fields and saves nothing; then saves valid values', async () => {
    const m = await openSettings('admin-1');
    const card = cardOf(m)!;
    const bad = await submit('admin-1', m.id, card, 'settings_save', {
      'threshold.good': '',
      escalation: 'csm 0s\nnobody 5x',
    });
    expect(bad.type).toBe('application/vnd.microsoft.card.adaptive');
    const body = (bad.value as Json).body as Json[];
    const at = (id: string) => body.findIndex((e) => e.id === id);
    expect(body[at('threshold.good') + 1]).toMatchObject({
      type: 'TextBlock',
      color: 'Attention',
      text: '⚠️ Enter a number, e.g. 80.',
    });
    expect(String(body[at('escalation') + 1]!.text)).toMatch(/^⚠️ Line 2: /);
    expect(body[at('escalation')]!.value).toBe('csm 0s\nnobody 5x'); // what was typed stays
    expect((await w.team.api.get('/api/v1/settings')).body.usageThresholds.good).toBe(80);

    const ok = await submit('admin-1', m.id, card, 'settings_save', {
      'threshold.good': '82',
      cooldown: '12h',
    });
    expect(texts(ok.value)).toContain(
      '✅ Settings saved. Alerts already running keep the escalation chain they started with.',
    );
    expect(inputsOf(ok.value as Json)).toMatchObject({ 'threshold.good': '82', cooldown: '12h' });
    const saved = (await w.team.api.get('/api/v1/settings')).body;
    expect(saved.usageThresholds.good).toBe(82);
    expect(saved.cooldown).toBe('12h');
  });

  it('edits a person and adds a new one from the general form', async () => {
    const m = await openSettings('admin-1');
    const edit = await submit(
      'admin-1',
      m.id,
      cardOf(m)!,
      'settings_open',
      { personExternalId: 'csm-2' },
      'person',
    );
    const form = edit.value as Json;
    expect(texts(form)[0]).toBe('Edit Alex CSM');
    const badEmail = await submit('admin-1', m.id, form, 'settings_save', { email: 'not-an-email' });
    expect(texts(badEmail.value)).toContain('⚠️ That is not an email address.');
    const saved = await submit('admin-1', m.id, form, 'settings_save', { timezone: 'Europe/Paris' });
    expect(texts(saved.value)).toContain('✅ Saved Alex CSM.');

    const add = await submit(
      'admin-1',
      m.id,
      cardOf(m)!,
      'settings_open',
      { personExternalId: '__none__' },
      'person',
    );
    expect(texts(add.value)[0]).toBe('Add a person');
    const created = await submit('admin-1', m.id, add.value as Json, 'settings_save', {
      externalId: 'csm-9',
      name: 'Jo New',
      email: 'jo@test.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
      timezone: 'Europe/Paris',
    });
    expect(texts(created.value)).toContain('✅ Saved Jo New.');
    const rows = await w.app.database.pool.query(
      `SELECT p.name, p.timezone, m.external_id AS manager FROM people p LEFT JOIN people m ON m.id = p.manager_id WHERE p.external_id IN ('csm-2','csm-9') ORDER BY p.external_id`,
    );
    expect(rows.rows).toEqual([
      { name: 'Alex CSM', timezone: 'Europe/Paris', manager: 'mgr-1' },
      { name: 'Jo New', timezone: 'Europe/Paris', manager: 'mgr-1' },
    ]);
  });

  it('edits a customer', async () => {
    const m = await openSettings('admin-1');
    const edit = await submit(
      'admin-1',
      m.id,
      cardOf(m)!,
      'settings_open',
      { customerExternalId: 'cust-2' },
      'customer',
    );
    expect(texts(edit.value)[0]).toBe('Edit Globex');
    const saved = await submit('admin-1', m.id, edit.value as Json, 'settings_save', { tier: 'poor' });
    expect(texts(saved.value)).toContain('✅ Saved Globex.');
    const c = await w.app.database.pool.query(`SELECT tier FROM customers WHERE external_id = 'cust-2'`);
    expect(c.rows[0].tier).toBe('poor');
  });

  it('saves from the Action.Submit fallback by updating the form message in place', async () => {
    const m = await openSettings('admin-1');
    const card = cardOf(m)!;
    const save = settingsAction(card, 'settings_save').fallback as { data: Json };
    const r = await w.post(
      fixture('message-submit', w.vars('admin-1', { replyToId: m.id }), {
        value: { ...inputsOf(card), ...save.data, 'threshold.poor': 'seventy' },
      }),
    );
    expect(r.status).toBe(200);
    const updated = w.connector.message(m.id)!;
    expect(updated.history).toHaveLength(1);
    expect(texts(cardOf(updated))).toContain('⚠️ Enter a number, e.g. 80.');
  });

  it('refuses the settings to someone who is not an admin', async () => {
    const before = w.chat('csm-1').length;
    await w.say('csm-1', 'settings');
    const reply = await eventually(async () => w.chat('csm-1')[before]);
    expect(messageText(reply)).toContain('Only workspace admins can change settings');
    expect(cardOf(reply)).toBeNull();
    // A forged save from a card they should not have is refused too.
    const admin = await openSettings('admin-1');
    const r = await submit('csm-1', admin.id, cardOf(admin)!, 'settings_save', { 'threshold.good': '10' });
    expect(r).toMatchObject({
      type: 'application/vnd.microsoft.activity.message',
      value: 'Only workspace admins can change settings.',
    });
    expect((await w.team.api.get('/api/v1/settings')).body.usageThresholds.good).toBe(82);
  });

  it('opens settings when @mentioned in a channel, replying in the thread', async () => {
    await w.post(fixture('team-install', w.vars('admin-1')));
    const vars = w.vars('admin-1', { text: 'settings' });
    const r = await w.post(fixture('message-channel-mention', vars));
    expect(r.status).toBe(200);
    const reply = await eventually(async () => w.connector.messages(CHANNEL).find((m) => cardOf(m)));
    expect(reply.rootId).toBe(vars.activityId);
    expect(texts(cardOf(reply))[0]).toBe('Fincelo settings');
    const conv = await w.app.services.findConversation('teams', CHANNEL);
    expect(conv).toMatchObject({ personId: null });
  });
});

describe('text commands in Teams', () => {
  it('answers help, alerts and customer in the 1:1 chat', async () => {
    for (const [command, expected] of [
      ['help', '**Fincelo** — commands:'],
      ['alerts', 'You have no open alerts'],
      ['customer Northwind', '**Northwind** — tier platinum'],
      ['/fincelo help', 'commands'],
    ] as const) {
      const before = w.chat('csm-1').length;
      await w.say('csm-1', command);
      const reply = await eventually(async () => w.chat('csm-1')[before]);
      expect(messageText(reply)).toContain(expected);
      expect(reply.activity.textFormat).toBe('markdown');
    }
  });
});

describe('cards sent to Teams', () => {
  it('sent only cards that parse as Adaptive Cards 1.5 without issues', () => {
    const cards = w.sentCards();
    expect(cards.length).toBeGreaterThan(10);
    for (const c of cards) expect(adaptiveCardIssues(c)).toEqual([]);
  });
});
