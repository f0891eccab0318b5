/**
 * bench/large-intel: what a hunt of a small file costs when the case holds
 * a great deal of intel. Makes a case with N indicators (half domains, a
 * quarter IPv4, a fifth sha256, the rest URLs, seeded), then times the real
 * command `sightline hunt small.log` (a 200-line Zeek dns.log, 10 lines of
 * which hit) in a fresh process per run, measuring wall time and peak RSS
 * with /usr/bin/time:
 *
 * - "build": the case's index folder removed first, so the hunt builds the
 *   index from the store and writes it (what every hunt cost before the
 *   index was kept; the baseline);
 * - "load": the index file is there, so the hunt reads it.
 *
 * Each run hunts a new log (its own path and content), so no run is skipped
 * as already hunted. Goals (issue "Large intel"): with 1,000,000 indicators
 * a hunt starts in under 0.5 s and 200 MB RSS; with 10,000,000 it fits in 1 GB.
 *
 *   npm run build
 *   node --import tsx bench/large-intel/run.ts [--n 1000000] [--via import|sql] [--reps 3] [--cli dist/cli/main.js]
 *
 * `--via import` (the default up to 1,000,000) makes the case with the real
 * `intel import` of a generated IOC list; `--via sql` inserts rows straight
 * into a case with the real schema (for 10,000,000, which would take
 * minutes to import). A case already made for the same N and route is reused.
 */
import { createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { openStore, importIntel } from '../../src/index.js';
import { prng, randomDomain, randomIPv4, randomHex } from '../prng.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : dflt;
};
const N = Number(arg('--n', '1000000'));
const VIA = arg('--via', N <= 1_000_000 ? 'import' : 'sql');
const REPS = Number(arg('--reps', '3'));
/** Lines of the hunted log, and how many of them name an indicator. */
const LOG_LINES = 200;
const LOG_HITS = 10;
/** Rows per transaction when inserting directly. */
const SQL_BATCH = 100_000;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out', 'large-intel');
/** `--cli PATH` times another build (an older commit's, for the figures before the index was kept). */
const CLI = arg('--cli', join(ROOT, 'dist', 'cli', 'main.js'));

/** The i-th indicator of the seeded stream, as (type, value). */
function* indicators(n: number): Generator<[string, string]> {
  const r = prng(7);
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.5) yield ['domain', randomDomain(r, i)];
    else if (k < 0.75) yield ['ipv4', randomIPv4(r)];
    else if (k < 0.95) yield ['sha256', randomHex(r, 64)];
    else yield ['url', `http://${randomDomain(r, i)}/gate.php?id=${i}`];
  }
}

/** The first LOG_HITS domains of the stream: the log's hits. */
function hitDomains(): string[] {
  const out: string[] = [];
  for (const [t, v] of indicators(N)) if (t === 'domain' && out.push(v) === LOG_HITS) break;
  return out;
}

async function makeByImport(db: string): Promise<void> {
  const list = join(OUT, `iocs-${N}.txt`);
  const out = createWriteStream(list);
  for (const [, v] of indicators(N)) if (!out.write(`${v}\n`)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  const store = await openStore(db);
  const t0 = performance.now();
  const r = await importIntel(store, [list], { campaign: 'Bench', onDiagnostic() {} });
  await store.close();
  console.log(`case made by intel import: ${r.added.toLocaleString('en')} indicators in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function makeBySql(db: string): Promise<void> {
  // The real schema (migrations), then rows inserted straight into it, one import generation.
  await (await openStore(db)).close();
  const sql = new BetterSqlite3(db);
  sql.pragma('journal_mode = WAL');
  sql.pragma('synchronous = OFF');
  sql.pragma('cache_size = -262144');
  const campaign = Number(sql.prepare("INSERT INTO campaign(name) VALUES ('Bench')").run().lastInsertRowid);
  const source = Number(sql.prepare("INSERT INTO source(name) VALUES ('bench')").run().lastInsertRowid);
  const ins = sql.prepare('INSERT OR IGNORE INTO indicator(type, value) VALUES (?, ?)');
  const ref = sql.prepare('INSERT INTO indicator_ref(indicator_id, campaign_id, source_id, gen) VALUES (?, ?, ?, 1)');
  const t0 = performance.now();
  let batch: [string, string][] = [];
  let added = 0;
  const flush = sql.transaction((rows: [string, string][]) => {
    for (const [t, v] of rows) {
      const r = ins.run(t, v);
      if (r.changes === 1) { ref.run(Number(r.lastInsertRowid), campaign, source); added++; }
    }
  });
  for (const e of indicators(N)) {
    batch.push(e);
    if (batch.length === SQL_BATCH) { flush(batch); batch = []; }
  }
  flush(batch);
  sql.pragma('wal_checkpoint(TRUNCATE)');
  sql.close();
  console.log(`case made by direct insert: ${added.toLocaleString('en')} indicators in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** A new 200-line dns.log for run `k` (its own path and content). */
function writeLog(k: number, hits: string[]): string {
  const lines = ['#separator \\x09', '#path\tdns', '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers'];
  for (let i = 0; i < LOG_LINES; i++) {
    const q = i % (LOG_LINES / LOG_HITS) === 0 ? `www.${hits[(i / (LOG_LINES / LOG_HITS)) % hits.length]!}` : `benign${i}-${process.pid}-${k}.example`;
    lines.push(`${1370044800 + i}.000000\tC${i}\t10.0.${k % 256}.${i % 256}\t5353\t10.0.0.53\t53\tudp\t${q}\t-`);
  }
  const p = join(OUT, 'logs', `small-${process.pid}-${k}.log`);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

/** One `sightline hunt` in a fresh process: wall seconds, peak RSS (KiB) and the sightings it printed. */
function huntOnce(db: string, log: string): { secs: number; rssKiB: number; sightings: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '@@%e %M', process.execPath, CLI, '--db', db, 'hunt', log, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /@@([\d.]+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`hunt failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return { secs: Number(m[1]), rssKiB: Number(m[2]), sightings: r.stdout.split('\n').filter((l) => l.startsWith('{')).length };
}

const range = (xs: number[], f: (x: number) => string): string => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;

async function main(): Promise<void> {
  if (!existsSync(CLI)) throw new Error('run `npm run build` first: the benchmark times dist/cli/main.js');
  mkdirSync(join(OUT, 'logs'), { recursive: true });
  const db = join(OUT, `case-${N}-${VIA}.db`);
  if (!existsSync(db)) {
    console.log(`making a case with ${N.toLocaleString('en')} indicators (${VIA}) in ${db}`);
    if (VIA === 'import') await makeByImport(db); else await makeBySql(db);
  } else {
    console.log(`reusing ${db}`);
  }
  const hits = hitDomains();
  const results: Record<'build' | 'load', { secs: number[]; rss: number[] }> = { build: { secs: [], rss: [] }, load: { secs: [], rss: [] } };
  let k = 0;
  for (let rep = 0; rep < REPS; rep++) {
    rmSync(`${db}-index`, { recursive: true, force: true });
    for (const mode of ['build', 'load'] as const) {
      const r = huntOnce(db, writeLog(k++, hits));
      if (r.sightings !== LOG_HITS) throw new Error(`${mode}: ${r.sightings} sightings, expected ${LOG_HITS}`);
      results[mode].secs.push(r.secs);
      results[mode].rss.push(r.rssKiB * 1024);
      console.log(`rep ${rep + 1} ${mode}: ${r.secs.toFixed(2)} s, peak RSS ${(r.rssKiB / 1024).toFixed(0)} MiB, ${r.sightings} sightings`);
    }
  }
  for (const mode of ['build', 'load'] as const) {
    const { secs, rss } = results[mode];
    console.log(`${N.toLocaleString('en')} indicators, ${mode}: ${range(secs, (s) => s.toFixed(2))} s, peak RSS ${range(rss, (b) => (b / 1048576).toFixed(0))} MiB over ${REPS} runs`);
  }
  rmSync(join(OUT, 'logs'), { recursive: true, force: true });
}

await main();
