/**
 * `/fincelo settings` through Google Chat dialogs: admins only; the general form round-trips
 * (field-level errors shown in the re-opened dialog, then saved), and a person is edited from the
 * picker. A slash command configured to open a dialog (REQUEST_DIALOG) opens it at once.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { startTestApp } from '../../helpers/app.js';
import { startFakeGoogleChat, type FakeGoogleChat } from '../../fakes/gchat-api.js';
import { dialogClick, dialogOf, dmMessage, gchatEnv, postEvent, seedChatTeam, str } from './world.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let fake: FakeGoogleChat;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedChatTeam>>;

beforeAll(async () => {
  fake = await startFakeGoogleChat();
  db = await createTestDatabase();
  app = await startTestApp(db, gchatEnv(fake));
  team = await seedChatTeam(app, fake);
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

/** Every input widget of a dialog, by name, with the value a person would leave in it. */
function currentValues(dialog: Json): Json {
  const out: Json = {};
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Json;
    if (o.textInput) out[o.textInput.name] = str(o.textInput.value ?? '');
    else if (o.selectionInput) {
      const sel = (o.selectionInput.items as Json[]).find((i) => i.selected) ?? o.selectionInput.items[0];
      out[o.selectionInput.name] = str(sel.value);
    } else Object.values(o).forEach(walk);
  };
  walk(dialog.sections);
  return out;
}

function buttonNamed(dialog: Json, text: string): Json {
  let found: Json | undefined;
  const walk = (v: unknown): void => {
    if (found || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Json;
    if (o.text === text && o.onClick) found = o;
    else Object.values(o).forEach(walk);
  };
  walk(dialog);
  if (!found) throw new Error(`no button "${text}"`);
  return found;
}

/** A CARD_CLICKED on the "Open settings" button of the command's answer, as a dialog request. */
function openFrom(answer: Json, base: Json): Json {
  const button = answer.cardsV2[0].card.sections[0].widgets[1].buttonList.buttons[0];
  expect(button.onClick.action.interaction).toBe('OPEN_DIALOG');
  const e = dialogClick(
    {
      ...base,
      type: 'CARD_CLICKED',
      message: { ...base.message, sender: { name: 'users/app', type: 'BOT' } },
    },
    button,
    {},
  );
  e.dialogEventType = 'REQUEST_DIALOG';
  return e;
}

describe('settings through Google Chat dialogs', () => {
  it('refuses anyone but an admin', async () => {
    const res = await postEvent(app.url, dmMessage(fake, 'sam', 'settings', { slash: true }));
    expect(res.json?.text).toMatch(/Only workspace admins/);
  });

  it('round-trips the general form: errors per field, then saved', async () => {
    const cmd = dmMessage(fake, 'riley', 'settings', { slash: true });
    const answer = await postEvent(app.url, cmd);
    expect(answer.status).toBe(200);
    const opened = await postEvent(app.url, openFrom(answer.json!, cmd));
    const dialog = dialogOf(opened.json)!;
    expect(dialog.header.title).toBe('Fincelo settings');
    const values = currentValues(dialog);
    expect(values['threshold.platinum']).toEqual(str('85'));

    const save = buttonNamed(dialog, 'Save');
    const bad = await postEvent(
      app.url,
      dialogClick(cmd, save, { ...values, 'threshold.good': str('lots'), cooldown: str('soon') }),
    );
    const again = dialogOf(bad.json)!;
    const text = JSON.stringify(again);
    expect(text).toContain('Enter a number, e.g. 80.');
    // The error sits right under its field, and what was typed is kept.
    const widgets = again.sections[0].widgets as Json[];
    const i = widgets.findIndex((w) => w.textInput?.name === 'threshold.good');
    expect(widgets[i]!.textInput.value).toBe('lots');
    expect(widgets[i + 1]!.textParagraph.text).toContain('Enter a number');
    expect(widgets.some((w, n) => w.textInput?.name === 'cooldown' && widgets[n + 1]?.textParagraph)).toBe(
      true,
    );
    expect((await team.api.get('/api/v1/settings')).body.usageThresholds.good).toBe(80);

    const ok = await postEvent(
      app.url,
      dialogClick(cmd, save, { ...values, 'threshold.good': str('82'), cooldown: str('12h') }),
    );
    expect(ok.json?.actionResponse?.dialogAction?.actionStatus).toMatchObject({ statusCode: 'OK' });
    expect(ok.json?.actionResponse.dialogAction.actionStatus.userFacingMessage).toMatch(/Settings saved/);
    const s = (await team.api.get('/api/v1/settings')).body;
    expect(s.usageThresholds.good).toBe(82);
    expect(s.cooldown).toBe('12h');
  });

  it('edits a person picked in the general form', async () => {
    const cmd = dmMessage(fake, 'riley', 'settings', { slash: true });
    // A slash command set to open a dialog arrives as REQUEST_DIALOG and opens it at once.
    const direct = await postEvent(app.url, {
      ...cmd,
      isDialogEvent: true,
      dialogEventType: 'REQUEST_DIALOG',
    });
    const general = dialogOf(direct.json)!;
    const pick = await postEvent(
      app.url,
      dialogClick(cmd, buttonNamed(general, 'Edit person'), { personExternalId: str('csm-2') }),
    );
    const personDialog = dialogOf(pick.json)!;
    expect(personDialog.header.title).toBe('Edit Alex CSM');
    const values = currentValues(personDialog);
    const saved = await postEvent(
      app.url,
      dialogClick(cmd, buttonNamed(personDialog, 'Save person'), {
        ...values,
        timezone: str('Europe/Paris'),
      }),
    );
    expect(saved.json?.actionResponse?.dialogAction?.actionStatus?.statusCode).toBe('OK');
    const row = await app.database.pool.query(
      `SELECT timezone FROM people WHERE external_id = 'csm-2' AND workspace_id = $1`,
      [team.workspaceId],
    );
    expect(row.rows[0].timezone).toBe('Europe/Paris');
  });
});
