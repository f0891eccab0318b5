/**
 * docs/dashboard-screenshot.png: the dashboard's overview of the NetTraveler
 * example case (examples/nettraveler), in Debian's Chromium.
 *
 *   node --import tsx bench/serve/screenshot.ts [--out docs/dashboard-screenshot.png]
 *
 * The case is made as a user would: the example's evidence generated, its
 * intel imported, its asset directory added, the organisation's and the
 * partner's evidence hunted. The sinkhole's access log names no host (the
 * sinkhole answered for the C2 name), so this branch's plain hunt cannot
 * tie its requests to the campaign; `hunt --sinkhole` does, and until it
 * is here the script writes what it records straight through the store's
 * EvidenceWriter: one `http.host` sighting of the sinkholed domain per
 * request, from the client, with the beacon's host id, and the crawlers'
 * and scanners' requests counted apart.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { hunt, importIntel, openStore, parseAssetCsv, type SightingInput } from '../../src/index.js';
import { startServer } from '../../src/server/serve.js';
import { CRAWLERS, SCANNERS, SINKHOLED_DOMAIN } from '../../examples/nettraveler/generator/plan.js';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const OUT_PNG = args.includes('--out') ? args[args.indexOf('--out') + 1]! : join(ROOT, 'docs', 'dashboard-screenshot.png');
const DIR = join(ROOT, 'bench', 'out', 'screenshot');
const CHROMIUM = process.env['SIGHTLINE_CHROMIUM'] ?? '/usr/bin/chromium';
const EX = join(ROOT, 'examples', 'nettraveler');
const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

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

    // The sinkhole's log, as hunt --sinkhole records it (see the file's comment).
    const log = join(DIR, 'evidence', 'sinkhole-access.log');
    let id: number | undefined;
    for await (const page of store.huntIndicators({ includeWarninglisted: true, campaign: 'NetTraveler' })) {
      id ??= page.find((h) => h.type === 'domain' && h.value === SINKHOLED_DOMAIN)?.id;
    }
    if (id === undefined) throw new Error(`${SINKHOLED_DOMAIN} is not one of NetTraveler's indicators`);
    const crawlers = new Set(CRAWLERS.map((c) => c.address));
    const scanners = new Set(SCANNERS.map((c) => c.address));
    const rows: SightingInput[] = readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').map((l, i) => {
      const src = l.slice(0, l.indexOf(' '));
      const t = /\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) \+0000\]/.exec(l)!;
      const hostId = /[?&]hostid=([^& ]+)/.exec(l)?.[1];
      const field = crawlers.has(src) ? 'sinkhole.crawler' : scanners.has(src) ? 'sinkhole.scanner' : 'http.host';
      return {
        indicatorId: id!, matched: SINKHOLED_DOMAIN, field, src, dst: null, line: i + 1,
        ts: Date.UTC(Number(t[3]), MONTHS[t[2]!]!, Number(t[1]), Number(t[4]), Number(t[5]), Number(t[6])),
        ...(hostId !== undefined && field === 'http.host' ? { hostId } : {}),
      };
    });
    const w = await store.beginEvidence({ includeWarninglisted: false, gen: await store.currentGeneration() });
    await w.addSightings({ family: 'web-access', format: 'web-access' }, rows);
    const st = statSync(log);
    w.end({ path: log, sha256: '5'.repeat(64), size: st.size, mtimeMs: st.mtimeMs, passes: [{ family: 'web-access', format: 'web-access', lines: rows.length, records: rows.length, skipped: 0 }] });
    await w.commit();
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
