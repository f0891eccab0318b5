/**
 * bench/stats (issue "Campaign analytics"): a sinkhole log of 1,000,000
 * requests from 100,000 clients (make-sinkhole-log.ts, seeded), hunted with
 * `hunt --sinkhole`; then `campaign stats` over that case, timed against the
 * analyst's one-liner that only counts the raw log's distinct clients:
 *
 *   cut -d' ' -f1 sinkhole.log | sort -u | wc -l
 *
 * measured in the same run, each in a fresh process, best of --repeat.
 * Goal: campaign stats takes no longer than the one-liner (ratio ≥ 1).
 *
 * With --report, also writes the campaign's report of that case (issue "The
 * report": under 15 s for a million sightings and a hundred thousand
 * victims, index.html under 10 MB), without and with the PDF, and prints its
 * time against `campaign stats` alone.
 *
 *   npm run build && node --import tsx bench/stats/run.ts [--repeat 5] [--rehunt] [--report]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSinkholeLog } from './make-sinkhole-log.js';
import { mb } from '../prng.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const REPEAT = arg('--repeat', 5);
const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const OUT = join(ROOT, 'bench', 'out', 'stats');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build first`);
mkdirSync(OUT, { recursive: true });
const log = join(OUT, 'sinkhole.log');
const db = join(OUT, 'stats.db');

const secs = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
const facts = await writeSinkholeLog(log);
process.stdout.write(`${log}: ${facts.lines.toLocaleString('en')} requests (${mb(statSync(log).size)}), ${facts.clients.toLocaleString('en')} beaconing clients, ` +
  `${facts.hostIds.toLocaleString('en')} host ids, ${facts.crawlers.toLocaleString('en')} crawler and ${facts.scanners} scanner requests\n`);

if (args.includes('--rehunt') || !existsSync(db)) {
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  rmSync(`${db}-index`, { recursive: true, force: true });
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CLI, '--db', db, 'hunt', '--sinkhole', 'NetTraveler', log], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hunt failed (exit ${r.status}): ${r.stderr}`);
  process.stdout.write(`hunt --sinkhole: ${secs(t0).toFixed(1)} s\n`);
}

function best(label: string, fn: () => string): { s: number; out: string } {
  let s = Infinity;
  let out = '';
  for (let i = 0; i < REPEAT; i++) {
    const t0 = process.hrtime.bigint();
    out = fn();
    s = Math.min(s, secs(t0));
  }
  process.stdout.write(`${label}: best of ${REPEAT} ${s.toFixed(3)} s\n`);
  return { s, out };
}

const oneLiner = best(`cut -d' ' -f1 | sort -u | wc -l`, () => {
  const r = spawnSync('sh', ['-c', `cut -d' ' -f1 '${log}' | sort -u | wc -l`], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  return r.stdout.trim();
});
const stats = best('sightline campaign stats --json', () => {
  const r = spawnSync(process.execPath, [CLI, '--db', db, 'campaign', 'stats', '--campaign', 'NetTraveler', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`campaign stats failed: ${r.stderr}`);
  return r.stdout;
});
const s = JSON.parse(stats.out) as { victims: { count: number; hostIds: number | null; countries: number }; excluded: { crawlers: number; scanners: number } };
process.stdout.write(`one-liner: ${oneLiner.out} distinct clients (crawlers and scanners included); campaign stats: ${s.victims.count} victims, ` +
  `${s.victims.hostIds} host ids, ${s.victims.countries} countries, ${s.excluded.crawlers} crawlers and ${s.excluded.scanners} scanners apart\n`);
process.stdout.write(`ratio (one-liner time / campaign stats time): ${(oneLiner.s / stats.s).toFixed(2)}× (goal ≥ 1×)\n`);
if (s.victims.count !== facts.clients) {
  process.stdout.write(`VICTIM COUNT WRONG: ${s.victims.count}, the log has ${facts.clients} beaconing clients\n`);
  process.exitCode = 1;
}

if (args.includes('--report')) {
  for (const pdf of [false, true]) {
    const dir = join(OUT, pdf ? 'report-pdf' : 'report');
    rmSync(dir, { recursive: true, force: true });
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, CLI, '--db', db, 'report', '--campaign', 'NetTraveler', '--out', dir,
      ...(pdf ? [] : ['--no-pdf'])], { encoding: 'utf8' });
    const took = secs(t0);
    if (r.status !== 0) throw new Error(`report failed (exit ${r.status}): ${r.stderr}`);
    const rss = Number(r.stderr.trim().split('\n').at(-1)) * 1024;
    const html = statSync(join(dir, 'index.html')).size;
    process.stdout.write(`sightline report${pdf ? '' : ' --no-pdf'}: ${took.toFixed(1)} s (goal < 15 s), index.html ${mb(html)} (goal < 10 MB), ` +
      `peak RSS ${mb(rss)}; ${(took / stats.s).toFixed(1)}× the time of campaign stats alone${pdf && !existsSync(join(dir, 'report.pdf')) ? ' (no PDF: no Chromium)' : ''}\n`);
  }
}
