import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { makeOutcome, mixedServices } from '../../test/support/run-results.js';
import { recordSeededRun } from '../../test/support/seed-history.js';
import { openHistory } from '../history/history-store.js';
import { type RunningServer, startServer } from './server.js';

// Debian's Chromium, installed by scripts/browser-up.sh; playwright-core never downloads a browser of its own.
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

let server: RunningServer;
let browser: Browser;

function seed(dataDir: string): void {
  const history = openHistory(dataDir);
  history.setPolicy('shop', { minConfidence: 80 });
  const day = (n: number) => `2025-03-${String(n).padStart(2, '0')}T06:00:00.000Z`;
  for (let n = 1; n <= 6; n++) {
    recordSeededRun(history, {
      stack: 'shop',
      runId: `shop000${n}`,
      startedAt: day(n),
      durationMs: 5000 + n * 200,
      services: n === 6 ? mixedServices() : [makeOutcome({ service: 'db' }), makeOutcome({ service: 'web' })],
    });
  }
  recordSeededRun(history, {
    stack: 'blog',
    runId: 'blog0001',
    startedAt: day(7),
    durationMs: 2100,
    services: [makeOutcome({ service: 'wordpress', state: 'running', hasHealthcheck: false, score: 85 })],
  });
  history.close();
}

/** Opens a page that records console errors, uncaught exceptions and any request leaving the dashboard. */
async function open(width = 1200): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(server.url)) problems.push(`request outside the dashboard: ${r.url()}`);
  });
  return { page, problems };
}

async function box(page: Page, selector: string): Promise<{ width: number; height: number }> {
  const found = await page.locator(selector).boundingBox();
  assert.ok(found, `${selector} is laid out`);
  return found;
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/browser-up.sh`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'rehearsa-browser-'));
  seed(dataDir);
  server = await startServer({ host: '127.0.0.1', port: 0, dataDir });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('the dashboard in a real browser', { timeout: 120_000 }, () => {
  test('status table → stack page → run page, charts drawn, no console errors, nothing fetched elsewhere', async () => {
    const { page, problems } = await open();
    await page.goto(server.url);
    assert.deepEqual(
      await page.locator('#status tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-stack'))),
      ['blog', 'shop'],
    );
    const cells = await page.locator('tr[data-stack="shop"] td').allTextContents();
    assert.deepEqual(cells.slice(0, 3), ['shop', '56%', 'HIGH']);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-status.png'), fullPage: true });

    await page.getByRole('link', { name: 'shop', exact: true }).click();
    await page.waitForURL(/\/stacks\/shop$/);
    const chart = await box(page, 'svg.history');
    assert.ok(chart.width > 0 && chart.height > 0);
    assert.equal(await page.locator('svg.history circle.point').count(), 6);
    assert.equal(await page.locator('svg.history line.threshold').count(), 1, 'the stored policy minimum is drawn');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-stack.png'), fullPage: true });

    await page.getByRole('link', { name: 'shop0006', exact: true }).click();
    await page.waitForURL(/\/runs\/shop0006$/);
    assert.equal(await page.locator('[data-verdict]').textContent(), 'FAIL');
    for (const selector of ['svg.timeline', 'svg.history']) {
      const size = await box(page, selector);
      assert.ok(size.width > 0 && size.height > 0, `${selector} has a size`);
    }
    assert.equal(await page.locator('svg.timeline g.row').count(), 4);
    // The hostile log line arrives as text, not as an element.
    assert.match((await page.locator('#svc-web pre').textContent()) ?? '', /<script>alert\("x"\)<\/script>/);
    assert.equal(await page.locator('main script').count(), 0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-run.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('on a phone-sized screen the run page does not overflow sideways (charts scroll inside their box)', async () => {
    const { page, problems } = await open(390);
    await page.goto(new URL('/runs/shop0006', server.url).href);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
    assert.ok((await box(page, 'svg.timeline')).width > 0);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-run-phone.png'), fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('an unknown stack is a 404 page with a way back', async () => {
    const { page } = await open();
    const response = await page.goto(new URL('/stacks/nope', server.url).href);
    assert.equal(response?.status(), 404);
    await page.getByRole('link', { name: 'Back to all stacks' }).click();
    await page.waitForURL(server.url);
    await page.close();
  });
});
