/**
 * docs/dashboard-screenshot.png: the dashboard's overview of the NetTraveler
 * example case (examples/nettraveler), in Debian's Chromium.
 *
 *   node --import tsx bench/serve/screenshot.ts [--out docs/dashboard-screenshot.png]
 *
 * The case is made as a user would (what `npm start` does): the example's
 * evidence generated, its intel imported, its asset directory added, the
 * organisation's and the partner's evidence hunted, and the sinkhole's
 * access log hunted with `sinkhole: 'NetTraveler'`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { hunt, importIntel, openStore, parseAssetCsv } from '../../src/index.js';
import { startServer } from '../../src/server/serve.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const OUT_PNG = args.includes('--out') ? args[args.indexOf('--out') + 1]! : join(ROOT, 'docs', 'dashboard-screenshot.png');
const DIR = join(ROOT, 'bench', 'out', 'screenshot');
const CHROMIUM = process.env['SIGHTLINE_CHROMIUM'] ?? '/usr/bin/chromium';
const EX = join(ROOT, 'examples', 'nettraveler');

async function makeCase(db: string): Promise<void> {
  const gen = spawnSync(process.execPath, ['--import', 'tsx', join(EX, 'generate.ts'), DIR], { cwd: ROOT, encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`generate.ts: ${gen.stderr}`);
  const store = await openStore(db);
  try {
    const quiet = { onDiagnostic: () => {} };
    await importIntel(store, [join(EX, 'case', 'intel', 'nettraveler.stix.json'), join(EX, 'case', 'intel', 'red-october.stix.json')], quiet);
    await importIntel(store, [join(EX, 'case', 'intel', 'nettraveler-iocs.txt'), join(EX, 'case', 'intel', 'nettraveler.yar')], { ...quiet, campaign: 'NetTraveler' });
    await store.addAssets(parseAssetCsv(readFileSync(join(DIR, 'assets.csv'), 'utf8'), 'assets.csv').assets);
    await hunt(store, [join(DIR, 'evidence', 'org'), join(DIR, 'evidence', 'partner')], { ...quiet, onSighting: () => {}, workers: 1 });

    await hunt(store, [join(DIR, 'evidence', 'sinkhole-access.log')], { ...quiet, onSighting: () => {}, workers: 1, sinkhole: 'NetTraveler' });
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const db = join(DIR, 'case.db');
  await makeCase(db);
  const web = join(DIR, 'web');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: web, emptyOutDir: true } });
  const server = await startServer({ location: db, host: '127.0.0.1', port: 0, webDir: web, rateLimit: { perSecond: 0 }, uploadDir: join(DIR, 'uploads') });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${server.url}#/overview?campaign=NetTraveler`);
    await page.locator('.world-map a.country').first().waitFor();
    await page.screenshot({ path: OUT_PNG, fullPage: true });
    process.stderr.write(`wrote ${OUT_PNG}\n`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
