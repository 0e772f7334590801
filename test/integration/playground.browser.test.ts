/**
 * The playground in headless Chromium: a newcomer picks a person, opens the alert's thread and
 * clicks Acknowledge; the card changes and the thread shows the update.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chromium, type Browser } from 'playwright-core';
import type { RunningApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedTeam, startTestApp } from '../helpers/app.js';

const CHROMIUM = '/usr/bin/chromium';
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser)
  console.warn(`SKIPPED playground browser test: ${CHROMIUM} is not installed (apt-get install chromium)`);
const maybe = haveBrowser ? describe : describe.skip;

let db: TestDatabase;
let app: RunningApp;
let browser: Browser;
let team: Awaited<ReturnType<typeof seedTeam>>;

maybe('playground in a browser', () => {
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
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  it('shows the CSM their alert card and acknowledges it with a click', async () => {
    expect(
      (
        await team.api.post('/api/v1/usage', {
          customerExternalId: 'cust-1',
          used: 91,
          limit: 100,
          metric: 'seats',
        })
      ).body.outcome,
    ).toBe('created');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${app.playgroundUrl}#person=${team.personIds['csm-1']}`);
    await page.getByTestId('thread').first().click({ timeout: 15_000 });
    const card = page.getByTestId('card');
    await expect(card.getByText('Northwind')).toBeTruthy();
    await card.getByText('Northwind').first().waitFor({ timeout: 10_000 });
    await card.getByText('91% of seats').first().waitFor();
    await card.getByText('Open', { exact: false }).first().waitFor();

    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByTestId('toast').filter({ hasText: 'Acknowledged' }).first().waitFor({ timeout: 10_000 });
    // The card re-renders with the new state, and the thread shows who acknowledged it.
    await card.getByText('Acknowledged', { exact: false }).first().waitFor({ timeout: 10_000 });
    await page
      .getByTestId('reply')
      .filter({ hasText: 'Acknowledged by Sam CSM' })
      .first()
      .waitFor({ timeout: 10_000 });
    const alerts = (await team.api.get('/api/v1/alerts')).body.alerts;
    expect(alerts[0].status).toBe('acknowledged');
    expect(errors).toEqual([]);
    await page.screenshot({ path: `${db.env.FINCELO_DATA_DIR}/playground.png` });
  });

  it('shows a refusal to someone who may not act, and changes nothing', async () => {
    const page = await browser.newPage();
    await team.api.post('/api/v1/usage', { customerExternalId: 'cust-3', used: 99, limit: 100 });
    // The VP was not notified of cust-3's alert: open the CSM's card as the VP would see a shared link.
    await page.goto(`${app.playgroundUrl}#person=${team.personIds['csm-2']}`);
    await page.getByTestId('thread').first().click({ timeout: 15_000 });
    const alertId = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
      (a: { customerExternalId: string }) => a.customerExternalId === 'cust-3',
    ).id;
    const res = await page.evaluate(
      async ({ alertId, personId }) => {
        const r = await fetch('api/actions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ personId, alertId, action: 'resolve', params: {} }),
        });
        return { status: r.status, body: await r.json() };
      },
      { alertId, personId: team.personIds['outsider']! },
    );
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/only its assignee/);
    expect((await team.api.get(`/api/v1/alerts/${alertId}`)).body.status).toBe('open');
  });
});
