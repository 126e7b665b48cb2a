// Regenerates the README's screenshots from a real history: the dashboard's front page and stack page, and a
// saved HTML report. Usage: node --import tsx scripts/readme-screenshots.ts DATA_DIR STACK REPORT_HTML
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../src/serve/server.js';

const [dataDir, stack, report] = process.argv.slice(2);
if (!dataDir || !stack || !report) {
  console.error('usage: readme-screenshots.ts DATA_DIR STACK REPORT_HTML');
  process.exit(2);
}
const out = resolve(import.meta.dirname, '../docs/screenshots');
mkdirSync(out, { recursive: true });
const server = await startServer({ host: '127.0.0.1', port: 0, dataDir: resolve(dataDir) });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  // A short viewport: full-page screenshots then end where the content ends.
  const page = await browser.newPage({ viewport: { width: 1100, height: 200 } });
  await page.goto(server.url);
  await page.screenshot({ path: `${out}/dashboard.png`, fullPage: true });
  await page.goto(new URL(`/stacks/${encodeURIComponent(stack)}`, server.url).href);
  await page.screenshot({ path: `${out}/dashboard-stack.png`, fullPage: true });
  await page.goto(`file://${resolve(report)}`);
  await page.screenshot({ path: `${out}/report.png`, fullPage: true });
} finally {
  await browser.close();
  await server.close();
}
