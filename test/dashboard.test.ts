/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core)
 * against a real `sightline serve` on 127.0.0.1 and a free port: the
 * overview, a drill-down from a country on the map to its victims, a
 * victim's sightings and a sighting's evidence line; an upload whose
 * sightings appear; and XSS probes (a domain, a sample's file name, a
 * victim's organisation) that stay text. No console error, no dialog, no
 * request outside the server's origin. Skipped, saying why, without Chromium
 * ($SIGHTLINE_CHROMIUM, else /usr/bin/chromium).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { openStore } from '../src/index.js';
import { FIXTURE, XSS, seedCase } from '../src/server/testing/fixture.js';
import { ROOT, startSightline } from './cli.js';

const CHROMIUM = process.env['SIGHTLINE_CHROMIUM'] ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (set SIGHTLINE_CHROMIUM to run the dashboard's browser test)`;

let dir: string;
let server: ChildProcess | null = null;
let url: string;
let browser: Browser | null = null;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'sightline-dashboard-'));
  const web = join(dir, 'web');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: web, emptyOutDir: true } });
  const store = await openStore(join(dir, 'case.db'));
  await seedCase(store, { dir });
  await store.close();
  const p = startSightline(['--db', join(dir, 'case.db'), 'serve', '--host', '127.0.0.1', '--port', '0', '--web-dir', web,
    '--upload-dir', join(dir, 'uploads'), '--rate-limit', '0']);
  server = p;
  url = await new Promise<string>((resolve, reject) => {
    let err = '';
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving .* at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(err);
      if (m) resolve(m[1]!);
    });
    p.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
});

after(async () => {
  await browser?.close();
  if (server) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A page that records what must not happen: console errors, page errors, dialogs, requests to another origin, elements the probes could create. */
async function watchedPage(): Promise<{ page: Page; problems: string[] }> {
  const context = await browser!.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  const origin = new URL(url).origin;
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => { problems.push(`dialog: ${d.message()}`); void d.dismiss(); });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('data:') && new URL(u).origin !== origin) problems.push(`request outside the origin: ${u}`);
  });
  return { page, problems };
}

const rows = (page: Page) => page.locator('main tbody tr');

/** Waits for a client-side route (the URL's hash) to begin with `prefix`. */
const hashStarts = (page: Page, prefix: string) => page.waitForFunction(`location.hash.startsWith(${JSON.stringify(prefix)})`);

test('overview, then a country on the map → its victims → a victim\'s sightings → the evidence line', { skip }, async () => {
  const { page, problems } = await watchedPage();
  await page.goto(url);
  await page.locator('.headlines').waitFor();
  assert.equal(await page.locator('main h1').textContent(), 'NetTraveler');
  assert.equal(await page.locator('.headline').first().locator('.headline-value').textContent(), String(FIXTURE.ntVictims));
  assert.equal(await page.locator('.world-map a.country').count(), 3, 'three countries with victims are links');

  await page.locator('.world-map a[data-code="MN"]').click();
  await hashStarts(page, '#/victims?');
  assert.match(new URL(page.url()).hash, /country=MN/);
  await rows(page).first().waitFor();
  assert.equal(await rows(page).count(), 7);
  assert.match(await page.locator('.filters').textContent() ?? '', /country: MN/);

  const victim = (await rows(page).first().locator('td a.mono').textContent())!;
  const count = Number(await rows(page).first().locator('td.num').textContent());
  await rows(page).first().locator('td a.mono').click();
  await hashStarts(page, '#/sightings?');
  await rows(page).first().waitFor();
  assert.equal(await rows(page).count(), count, `the ${count} sightings of ${victim} in NetTraveler, as its row said`);
  assert.ok((await rows(page).allTextContents()).every((t) => t.includes(victim)));

  const where = rows(page).nth(2).locator('a.where');
  const shown = (await where.textContent())!;
  assert.match(shown, /logs\/dns\.log:\d+$/);
  const line = Number(shown.slice(shown.lastIndexOf(':') + 1));
  await where.click();
  await hashStarts(page, '#/evidence?');
  await page.locator('pre.lines .line.at').waitFor();
  assert.ok((await page.locator('main h1').textContent())!.endsWith(`logs/dns.log:${line}`));
  const at = (await page.locator('pre.lines .line.at').textContent())!;
  assert.ok(at.startsWith(String(line)), at);
  assert.ok(at.includes(victim) && at.includes('nt.example'), `the evidence line itself: ${at}`);
  assert.equal(await page.locator('tr.highlight').count(), 1, 'the sighting followed is picked out');
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('an uploaded log is hunted, its progress shown, and its sightings appear', { skip }, async () => {
  const { page, problems } = await watchedPage();
  await page.goto(`${url}#/upload`);
  const form = page.locator('form[data-kind="hunts"]');
  await form.waitFor();
  const log = Array.from({ length: 25 }, (_, i) => `${1367571000 + i}.101    212 10.0.1.${(i % 5) + 1} TCP_MISS/200 4211 GET http://www.nt.example/x/${i} - HIER_DIRECT/198.51.100.61 text/html`).join('\n') + '\n';
  await form.locator('input[type=file]').setInputFiles({ name: 'proxy.log', mimeType: 'text/plain', buffer: Buffer.from(log) });
  await form.locator('button[type=submit]').click();
  await form.locator('.job-result').waitFor({ timeout: 60_000 });
  assert.match((await form.locator('.job-result').textContent())!, /25 sighting\(s\) stored/);
  assert.equal(await form.locator('.job-state').textContent(), 'done');
  assert.equal(await form.locator('progress').getAttribute('value'), '1');
  await form.locator('.job-result a').click();
  await hashStarts(page, '#/sightings?evidence=');
  await rows(page).first().waitFor();
  assert.equal(await rows(page).count(), 25);
  assert.match((await rows(page).first().locator('a.where').textContent())!, /proxy\.log:1$/);
  assert.deepEqual(problems, []);
  await page.context().close();
});

test('XSS probes in a domain, a sample\'s file name and a victim\'s organisation stay text', { skip }, async () => {
  const { page, problems } = await watchedPage();
  const visits: [string, string][] = [
    ['', XSS.organisation],
    [`#/victims?campaign=NetTraveler&country=KZ`, XSS.organisation],
    [`#/sightings?src=10.0.3.5`, XSS.domain],
    [`#/samples?campaign=NetTraveler`, XSS.sampleName],
    [`#/indicators?campaign=NetTraveler`, XSS.domain],
    [`#/search?q=${encodeURIComponent(XSS.domain)}`, XSS.domain],
    [`#/evidence`, XSS.sampleName],
  ];
  for (const [hash, probe] of visits) {
    await page.goto(`${url}${hash}`);
    await page.locator('main').getByText(probe).first().waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('img').count(), 0, `${hash}: no element made from a probe`);
    assert.equal(await page.locator('[onerror]').count(), 0, hash);
  }
  assert.deepEqual(problems, [], 'no dialog, no console error');
  await page.context().close();
});
