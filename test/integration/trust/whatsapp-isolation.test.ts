/**
 * Issue 15 item 2 and issue 16 item 5 on WhatsApp, through signed webhooks and the fake Graph API:
 * a number known in two workspaces never resolves to "whichever row comes first" (before the fix
 * workspace A's CSM was shown workspace B's admin settings and customer ARR); once the business
 * number is bound to a workspace, messages resolve inside it only; a number names one person per
 * workspace; and a user who hides their number is matched by business-scoped user id (BSUID).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sentText } from '../../fakes/whatsapp-graph.js';
import { apiClient } from '../../helpers/app.js';
import { createWorkspace } from '../../../src/store/workspaces.js';
import { AMBIGUOUS_WORKSPACE } from '../../../src/chat/tenancy.js';
import { startWhatsAppWorld, type WhatsAppWorld } from '../whatsapp/world.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The number of B's admin, later also given to a CSM of A. */
const SHARED = '447700900555';
const B_ARR = 7_654_321;

let w: WhatsAppWorld;
let b: { workspaceId: string; api: ReturnType<typeof apiClient> };

async function reply(ext: string, text: string): Promise<string> {
  const since = w.chat(ext).length;
  expect((await w.text(ext, text)).status).toBe(200);
  return sentText(await w.next(ext, since));
}

beforeAll(async () => {
  w = await startWhatsAppWorld();
  const ws = await createWorkspace(w.app.database.db, { name: 'Rival Co' });
  b = { workspaceId: ws.workspaceId, api: apiClient(w.app.url, ws.apiKey) };
  // B first: its admin's row is the older one, which a LIMIT 1 lookup returns.
  expect(
    (
      await b.api.post('/api/v1/people', [
        {
          externalId: 'b-admin',
          name: 'Bea Rival',
          role: 'admin',
          identities: { whatsapp: { waId: SHARED } },
        },
      ])
    ).status,
  ).toBe(200);
  expect(
    (
      await b.api.post('/api/v1/customers', [
        { externalId: 'umb', name: 'Umbrella', tier: 'platinum', csmExternalId: 'b-admin', arr: B_ARR },
      ])
    ).status,
  ).toBe(200);
  // Then A adds a CSM with the same number (a shared phone, or a typo: the product cannot know).
  expect(
    (
      await w.team.api.post('/api/v1/people', [
        { externalId: 'csm-3', name: 'Casey CSM', role: 'csm', identities: { whatsapp: { waId: SHARED } } },
      ])
    ).status,
  ).toBe(200);
}, 180_000);
afterAll(async () => {
  await w?.close();
});

describe('WhatsApp identities never cross workspaces', () => {
  it('refuses, with a clear answer, a number known in two workspaces when the business number is unbound', async () => {
    const customer = await reply(SHARED, 'customer Umbrella');
    expect(customer).toBe(AMBIGUOUS_WORKSPACE);
    expect(customer).not.toContain('7,654,321');
    const settings = await reply(SHARED, 'settings');
    expect(settings).toBe(AMBIGUOUS_WORKSPACE);
    // Nothing was stored for either workspace: no conversation, no dialog.
    const conv = await w.app.database.pool.query(
      `SELECT workspace_id FROM conversations WHERE channel = 'whatsapp' AND external_id = $1`,
      [SHARED],
    );
    expect(conv.rows).toEqual([]);
  });

  it('once the number is bound to A, the shared number is A’s CSM: B’s customer and settings are out of reach', async () => {
    // What WHATSAPP_WORKSPACE_ID does at start-up: bind the business number to its workspace.
    await w.app.services.saveInstallation('whatsapp', w.graph.phoneNumberId, w.team.workspaceId, {
      mode: 'config',
    });
    try {
      const customer = await reply(SHARED, 'customer Umbrella');
      expect(customer).toBe('No customer matches "Umbrella".');
      expect(await reply(SHARED, 'settings')).toContain('Only workspace admins');
      // A's own customer is visible to A's CSM.
      expect(await reply(SHARED, 'customer Northwind')).toContain('Northwind');
      const conv = await w.app.database.pool.query(
        `SELECT workspace_id FROM conversations WHERE channel = 'whatsapp' AND external_id = $1`,
        [SHARED],
      );
      expect(conv.rows.map((r) => r.workspace_id)).toEqual([w.team.workspaceId]);
      // B's admin cannot change B's settings from here either: the dialog is A's, and refused.
      const before = (await b.api.get('/api/v1/settings')).body;
      await reply(SHARED, 'settings');
      expect((await b.api.get('/api/v1/settings')).body).toEqual(before);
    } finally {
      await w.app.database.pool.query(
        `DELETE FROM chat_installations WHERE channel = 'whatsapp' AND external_id = $1`,
        [w.graph.phoneNumberId],
      );
    }
  });

  it('a number known in one workspace only resolves there, even with several workspaces', async () => {
    // admin-1's number exists in A only.
    const text = await reply('admin-1', 'customer Umbrella');
    expect(text).toBe('No customer matches "Umbrella".');
    expect(await reply('admin-1', 'customer Northwind')).toContain('Northwind');
  });

  it('one number names one person per workspace: a second person with it is refused with 409, nothing stored', async () => {
    const r = await w.team.api.post('/api/v1/people', [
      {
        externalId: 'dup-1',
        name: 'Dup',
        role: 'csm',
        identities: { whatsapp: { waId: '447700900123' } }, // csm-1's number
      },
    ]);
    expect(r.status).toBe(409);
    expect(JSON.stringify(r.body)).toContain('identities.whatsapp.waId');
    const rows = await w.app.database.pool.query(
      `SELECT 1 FROM people WHERE workspace_id = $1 AND external_id = 'dup-1'`,
      [w.team.workspaceId],
    );
    expect(rows.rowCount).toBe(0);
  });
});

describe('WhatsApp business-scoped user ids (BSUID)', () => {
  const BSUID = 'GB.13491208655302741918';

  /** A text message as Meta sends it since April 2026: from_user_id and contacts[].user_id. */
  function bsuidText(text: string, o: { number?: string }): Json {
    const p = w.payload('text', 'csm-1', { text }) as Json;
    const v = p.entry[0].changes[0].value;
    v.contacts = [{ profile: { name: 'Sam' }, user_id: BSUID, ...(o.number ? { wa_id: o.number } : {}) }];
    const m = v.messages[0];
    m.from_user_id = BSUID;
    if (o.number) m.from = o.number;
    else delete m.from;
    return p;
  }

  it('remembers the BSUID of a known number, then matches the user when the number is hidden', async () => {
    const number = '447700900123'; // csm-1
    let since = w.chat(number).length;
    w.graph.userWrote(number);
    expect((await w.post(bsuidText('alerts', { number }))).status).toBe(200);
    await w.next(number, since);
    const row = await w.app.database.pool.query(
      `SELECT identities FROM people WHERE workspace_id = $1 AND external_id = 'csm-1'`,
      [w.team.workspaceId],
    );
    expect(row.rows[0].identities.whatsapp).toEqual({ waId: number, bsuid: BSUID });

    // The user adopts a username: only the BSUID arrives, and the answer goes to the BSUID.
    since = w.chat(BSUID).length;
    w.graph.userWrote(BSUID);
    expect((await w.post(bsuidText('alerts', {}))).status).toBe(200);
    const answer = sentText(await w.next(BSUID, since));
    expect(answer).not.toContain("I don't recognise");
    expect(answer).toMatch(/open alerts/i);
  });

  it('an unknown BSUID is told so and stores nothing', async () => {
    const stranger = 'US.99999999999999999';
    const p = bsuidText('settings', {});
    const v = p.entry[0].changes[0].value;
    v.contacts[0].user_id = stranger;
    v.messages[0].from_user_id = stranger;
    w.graph.userWrote(stranger);
    const since = w.chat(stranger).length;
    expect((await w.post(p)).status).toBe(200);
    expect(sentText(await w.next(stranger, since))).toContain("I don't recognise");
    const conv = await w.app.database.pool.query(
      `SELECT 1 FROM conversations WHERE channel = 'whatsapp' AND external_id = $1`,
      [stranger],
    );
    expect(conv.rowCount).toBe(0);
  });
});
