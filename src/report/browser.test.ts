/**
 * The report in a real browser: Debian's Chromium through playwright-core,
 * offline. Skipped, saying why, when no Chromium is installed (CI installs
 * Debian's chromium).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { findChromium } from './pdf.js';
import { writeReport } from './write-report.js';
import { XSS_DOMAIN, XSS_ORGANISATION, XSS_PROBE, reportFixture } from './testing/fixture.js';

const FIGURES = ['fig-map', 'fig-sectors', 'fig-timeline', 'fig-builds', 'fig-hours', 'fig-overlap'];
const found = await findChromium();
const skip = 'missing' in found ? `${found.missing} (the browser test needs it)` : false;

let root: string;
let browser: Browser | null = null;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'sightline-browser-'));
  if (!('missing' in found)) browser = await chromium.launch({ executablePath: found.path });
});
after(async () => {
  await browser?.close();
  await rm(root, { recursive: true, force: true });
});

test('the page loads from file:// with no request but its own, no console error, every figure shown, the probe as text', { skip }, async () => {
  const dir = join(root, 'page');
  await writeReport(reportFixture(), dir, { pdf: false });
  const url = pathToFileURL(join(dir, 'index.html')).href;
  const context = await browser!.newContext({ offline: true, viewport: { width: 1200, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  const dialogs: string[] = [];
  await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.goto(url, { waitUntil: 'load' });

  assert.deepEqual(requests, [url], 'the page itself and nothing else');
  assert.deepEqual(errors, []);
  for (const id of FIGURES) {
    const svg = page.locator(`#${id} svg`);
    assert.equal(await svg.count(), 1, id);
    assert.ok(await svg.isVisible(), `${id} visible`);
    const box = await svg.boundingBox();
    assert.ok(box && box.width > 300 && box.height > 100, `${id} has a size`);
  }
  assert.equal(await page.locator('img').count(), 0, 'the probe made no element');
  assert.equal(await page.locator('script').count(), 0);
  const text = await page.locator('body').innerText();
  assert.ok(text.includes(XSS_DOMAIN), 'the domain reads as text');
  assert.ok(text.includes(XSS_ORGANISATION), 'the organisation reads as text');
  assert.deepEqual(dialogs, [], `no dialog (${XSS_PROBE})`);
  const mapTitles = await page.locator('#fig-map title').allTextContents();
  assert.ok(mapTitles.includes('Mongolia: 4 victims'));

  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('nav').isVisible(), false, 'no nav on paper');
  for (const id of FIGURES) assert.ok(await page.locator(`#${id} svg`).isVisible(), `${id} printed`);
  await context.close();
});

test('writeReport prints report.pdf offline', { skip }, async () => {
  const dir = join(root, 'pdf');
  const out = await writeReport(reportFixture(), dir, { pdf: true, chromium: found && 'path' in found ? found.path : undefined });
  assert.deepEqual(out.pdf, { written: true, file: 'report.pdf' });
  assert.ok(out.files.includes('report.pdf'));
  const pdf = await readFile(join(dir, 'report.pdf'));
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pdf.length > 20_000);
  assert.ok(!(await readdir(dir)).some((f) => f.includes('.part-')), 'no temporary file left');
});

test('without Chromium the rest is still written and the outcome says why', async () => {
  const dir = join(root, 'nochrome');
  const out = await writeReport(reportFixture(), dir, { pdf: true, chromium: join(root, 'no-such-chromium') });
  assert.deepEqual(out.pdf, { written: false, reason: `no Chromium at ${join(root, 'no-such-chromium')}` });
  assert.ok(out.files.includes('index.html') && out.files.includes('bundle.stix.json'));
  assert.ok(!(await readdir(dir)).includes('report.pdf'));
  const again = await writeReport(reportFixture(), join(root, 'pdf'), { pdf: false });
  assert.ok(again.notes.some((n) => n.startsWith('removed the report.pdf of an earlier run')) || skip !== false, 'a stale PDF is not left beside a new page');
  const missing = await findChromium(undefined, { SIGHTLINE_CHROMIUM: join(root, 'nope') });
  assert.deepEqual(missing, { missing: `no Chromium at ${join(root, 'nope')} (SIGHTLINE_CHROMIUM)` });
});
