/**
 * The playground as a complete chat channel (issue 19 item 1) and its trust rules (issue 15
 * item 3), in headless Chromium against the real product with FINCELO_PLAYGROUND=local:
 * the start's token is needed and is swapped for a cookie; proxied requests are refused; the
 * composer answers `/fincelo help`, `settings` (saved values show in GET /api/v1/settings),
 * `customer <name>`, `brief`, and `connectors` adds the generic signed webhook.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { RunningApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedTeam, startTestApp } from '../helpers/app.js';

const CHROMIUM = '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser)
  console.warn(
    `SKIPPED playground chat browser test: ${CHROMIUM} is not installed (apt-get install chromium)`,
  );
const maybe = haveBrowser ? describe : describe.skip;

let db: TestDatabase;
let app: RunningApp;
let browser: Browser;
let team: Awaited<ReturnType<typeof seedTeam>>;

async function send(page: Page, text: string) {
  const before = await page.getByTestId('dm-reply').count();
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('composer').press('Enter');
  await page.getByTestId('dm-reply').nth(before).waitFor({ timeout: 10_000 });
  return (await page.getByTestId('dm-reply').nth(before).innerText()).trim();
}

maybe('playground: trust and the chat channel', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startTestApp(db, { FINCELO_PLAYGROUND: 'local' });
    team = await seedTeam(app);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  it('refuses requests without the start token, and proxied requests even with it', async () => {
    expect(app.playgroundUrl).toMatch(/\/playground\/\?token=[\w-]{20,}$/);
    const token = new URL(app.playgroundUrl!).searchParams.get('token')!;
    const noToken = await fetch(`${app.url}/playground/api/people`);
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as { error: string }).error).toMatch(/link printed in the start log/);
    const wrong = await fetch(`${app.url}/playground/api/people?token=${token.slice(0, -2)}xx`);
    expect(wrong.status).toBe(401);
    const proxyHeaders: Record<string, string>[] = [
      { 'x-forwarded-for': '203.0.113.9' },
      { forwarded: 'for=203.0.113.9' },
      { via: '1.1 nginx' },
    ];
    for (const h of proxyHeaders) {
      const proxied = await fetch(`${app.url}/playground/api/people?token=${token}`, { headers: h });
      expect(proxied.status).toBe(403);
      expect(((await proxied.json()) as { error: string }).error).toMatch(/through a proxy/);
    }
    // The token is exchanged for an HttpOnly, SameSite cookie and taken out of the address.
    const opened = await fetch(app.playgroundUrl!, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/playground/');
    const cookie = opened.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const withCookie = await fetch(`${app.url}/playground/api/people`, {
      headers: { cookie: cookie.split(';')[0]! },
    });
    expect(withCookie.status).toBe(200);
    expect(((await withCookie.json()) as { people: unknown[] }).people.length).toBeGreaterThan(0);
    // A page opened without the token shows how to get in, not the playground.
    const page = await browser.newPage();
    const res = await page.goto(`${app.url}/playground/`);
    expect(res!.status()).toBe(401);
    await page.getByText('link printed in the start log').waitFor();
    await page.close();
  });

  it('answers the same commands as Slack and saves settings from the form model', async () => {
    await team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 91, limit: 100 });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.playgroundUrl}#person=${team.personIds['admin-1']}`);
    await page.getByTestId('composer').waitFor({ timeout: 15_000 });
    await page.getByTestId('person-select').locator('option').first().waitFor({ state: 'attached' });

    expect(await send(page, '/fincelo help')).toMatch(/customer <name>/);

    // settings: change the cooldown and the csm_manager escalation delay.
    expect(await send(page, '/fincelo settings')).toMatch(/Opening settings/);
    const dialog = page.getByTestId('settings-dialog');
    await dialog.locator('[data-field="cooldown"]').waitFor();
    await dialog.locator('[data-field="cooldown"]').fill('36h');
    const escalation = dialog.locator('[data-field="escalation"]');
    const steps = (await escalation.inputValue()).split('\n');
    await escalation.fill(
      steps.map((l) => (l.startsWith('csm_manager ') ? 'csm_manager 45m' : l)).join('\n'),
    );
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.getByTestId('settings-notice').filter({ hasText: '✅' }).waitFor({ timeout: 10_000 });
    const settings = (await team.api.get('/api/v1/settings')).body;
    expect(settings.cooldown).toBe('36h');
    expect(settings.escalation).toEqual(
      expect.arrayContaining([expect.objectContaining({ role: 'csm_manager', after: '45m' })]),
    );
    // A bad value is refused on its field and nothing changes.
    await dialog.locator('[data-field="cooldown"]').fill('soon');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.getByTestId('field-error').first().waitFor({ timeout: 10_000 });
    expect((await team.api.get('/api/v1/settings')).body.cooldown).toBe('36h');
    await dialog.getByRole('button', { name: 'Close' }).click();

    expect(await send(page, 'customer Northwind')).toMatch(/Northwind[\s\S]*Usage: 91%/);
    expect(await send(page, 'brief')).toMatch(/\S/);

    // connectors: add the generic signed webhook; the dialog shows its URL and one-time secret.
    expect(await send(page, 'connectors')).toMatch(/connector settings/);
    await dialog.locator('[data-field="connector.add.platform"]').selectOption('webhook');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    const notice = dialog.getByTestId('settings-notice');
    await notice.filter({ hasText: 'connected' }).waitFor({ timeout: 15_000 });
    expect(await notice.innerText()).toMatch(/Webhook URL: http[\s\S]*Webhook secret/);
    const connectors = (await team.api.get('/api/v1/connectors')).body;
    expect(JSON.stringify(connectors)).toContain('webhook');
    expect(errors).toEqual([]);
  });

  it('a CSV thread: the Cancel button is readable and the error report is a download link', async () => {
    const page = await browser.newPage();
    const admin = team.personIds['admin-1']!;
    await page.goto(`${app.playgroundUrl}#person=${admin}`);
    await page.getByTestId('composer').waitFor({ timeout: 15_000 });
    // Upload and import as the page would (same origin, the start's cookie), with one bad row.
    const csv = 'Id,Subject,Created at\n7001,Fine,2025-10-01 10:00\n,No id,2025-10-01 10:00\n';
    const importId = await page.evaluate(
      async ({ personId, workspaceId, csv }) => {
        const up = await fetch(
          `api/csv/upload?workspaceId=${workspaceId}&personId=${personId}&filename=bad-rows.csv`,
          { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: csv },
        );
        return ((await up.json()) as { importId: string }).importId;
      },
      { personId: admin, workspaceId: team.workspaceId, csv },
    );
    await page.reload();
    await page.getByTestId('thread').filter({ hasText: 'bad-rows.csv' }).first().click({ timeout: 15_000 });
    const cancel = page.getByRole('button', { name: 'Cancel' }).first();
    await cancel.waitFor({ timeout: 10_000 });
    const colours = await cancel.evaluate((b) => {
      const cs = getComputedStyle(b);
      return { color: cs.color, background: cs.backgroundColor };
    });
    expect(colours.color).toBe('rgb(180, 35, 24)'); // --danger
    expect(colours.background).toBe('rgb(255, 255, 255)');

    await page.evaluate(
      async ({ personId, workspaceId, importId }) => {
        await fetch(`api/csv/action?workspaceId=${workspaceId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            personId,
            importId,
            step: 'import',
            values: { fincelo: 'csv', importId, step: 'import' },
          }),
        });
      },
      { personId: admin, workspaceId: team.workspaceId, importId },
    );
    const link = page.getByRole('link', { name: 'Download the error report (CSV)' });
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute('download')).toBe('');
    const href = (await link.getAttribute('href'))!;
    const report = await page.evaluate(async (u) => (await fetch(u)).text(), href);
    expect(report.split('\n')[0]).toBe('row,line,ticket_id,reason');
  });

  it('refuses settings to a CSM, in chat and on the API behind it', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.playgroundUrl}#person=${team.personIds['csm-1']}`);
    await page.getByTestId('composer').waitFor({ timeout: 15_000 });
    await page.getByTestId('person-select').locator('option').first().waitFor({ state: 'attached' });
    expect(await send(page, 'settings')).toMatch(/Only workspace admins/);
    expect(await page.getByTestId('settings-dialog').isVisible()).toBe(false);
    const res = await page.evaluate(async (personId) => {
      const r = await fetch('api/forms/general', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ personId, values: { cooldown: '1m' } }),
      });
      return r.status;
    }, team.personIds['csm-1']!);
    expect(res).toBe(403);
    expect((await team.api.get('/api/v1/settings')).body.cooldown).toBe('36h');
    // The API key is offered to admins only.
    expect(await page.getByTestId('api-key-button').isVisible()).toBe(false);
  });
});
