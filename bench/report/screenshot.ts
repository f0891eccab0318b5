/**
 * A screenshot of a report's first screen, with Debian's Chromium, to
 * docs/report-screenshot.png (or the path given): the report in --from DIR
 * (the demo's: `npm start -- --no-serve`, then --from report), else the
 * test fixture's, written for the occasion.
 *   node --import tsx bench/report/screenshot.ts [out.png] [--full] [--from DIR]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeReport } from '../../src/report/index.js';
import { findChromium } from '../../src/report/pdf.js';
import { reportFixture } from '../../src/report/testing/fixture.js';

const args = process.argv.slice(2);
const target = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--from') ?? 'docs/report-screenshot.png';
const full = args.includes('--full');
const fromAt = args.indexOf('--from');
const from = fromAt >= 0 ? args[fromAt + 1] : undefined;
const found = await findChromium();
if ('missing' in found) {
  console.error(found.missing);
  process.exit(1);
}
const dir = await mkdtemp(join(tmpdir(), 'sightline-report-'));
try {
  if (from === undefined) await writeReport(reportFixture(), dir, { pdf: false });
  const browser = await chromium.launch({ executablePath: found.path });
  try {
    const context = await browser.newContext({ offline: true, viewport: { width: 1200, height: 1500 } });
    await context.route(/^(?!file:)/, (route) => route.abort());
    const page = await context.newPage();
    await page.goto(pathToFileURL(join(from ?? dir, 'index.html')).href);
    await page.screenshot({ path: target, fullPage: full });
  } finally {
    await browser.close();
  }
  console.log(`wrote ${target}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
