/**
 * bench/hunt-logs (issue 3): generates, reproducibly, a Zeek dns.log of
 * 1,000,000 lines (or --lines N) and an intel list of 100,000 random-looking
 * domains and 20,000 IPv4 addresses with a known number of planted hits;
 * imports the intel; then times, in the same run and interleaved (one of
 * each per repetition, so a busy moment on a shared machine hits them all),
 * `sightline hunt`, `cut -f10 file > /dev/null` (printing the query column:
 * the floor of any reader), `rg -F -c -f domains.txt file` and
 * `grep -F -c -f`; checks that sightline, rg and grep find every planted
 * hit, and prints the ratios (best of N and the range over repetitions).
 * Needs `npm run build` (it times the real command, dist/cli/main.js) and
 * Debian's ripgrep.
 *
 *   node --import tsx bench/hunt-logs/run.ts [--lines 1000000] [--repeat 3] [--index-n 10000000]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDnsLog, writeIntel, writeDomainsOnly } from './generate.js';
import { mb } from '../prng.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const LINES = arg('--lines', 1_000_000);
const REPEAT = arg('--repeat', 3);
const INDEX_N = arg('--index-n', 10_000_000);
const DOMAINS = 100_000;
const IPS = 20_000;
const EVERY = 1000;
/** Lines of the small log timed for the fixed cost. */
const HEAD_LINES = 28;

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const OUT = join(ROOT, 'bench', 'out', 'hunt-logs');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

interface Timed { secs: number; stdout: string; status: number | null; rssKb: number | null }

/** Runs a command, timing it; with `discard`, its stdout goes to /dev/null (as `> /dev/null` would). */
function timed(cmd: string, argv: string[], discard = false): Timed {
  const useTime = existsSync('/usr/bin/time');
  const stdio: ['ignore', 'ignore' | 'pipe', 'pipe'] = ['ignore', discard ? 'ignore' : 'pipe', 'pipe'];
  const t0 = process.hrtime.bigint();
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...argv], { encoding: 'utf8', maxBuffer: 1 << 30, stdio })
    : spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 30, stdio });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const last = useTime ? r.stderr.trim().split('\n').pop() ?? '' : '';
  return { secs, stdout: r.stdout ?? '', status: r.status, rssKb: /^\d+$/.test(last) ? Number(last) : null };
}

function best<T extends { secs: number }>(runs: T[]): T {
  return runs.reduce((a, b) => (b.secs < a.secs ? b : a));
}

/** `min–max s` over the runs. */
function range(runs: { secs: number }[]): string {
  const s = runs.map((r) => r.secs);
  return `${Math.min(...s).toFixed(3)}–${Math.max(...s).toFixed(3)} s`;
}

/** The range of other/sightline over repetitions (each pair timed back to back). */
function ratioRange(other: { secs: number }[], mine: { secs: number }[]): string {
  const q = other.map((o, i) => o.secs / mine[i]!.secs);
  return `${Math.min(...q).toFixed(2)}–${Math.max(...q).toFixed(2)}×`;
}

if (!existsSync(CLI)) {
  console.error('dist/cli/main.js is missing: run `npm run build` first');
  process.exit(1);
}
mkdirSync(OUT, { recursive: true });
const log = join(OUT, 'dns.log');
const intel = join(OUT, 'intel.txt');
const patterns = join(OUT, 'domains.txt');
const db = join(OUT, 'case.db');

console.log(`generating a ${LINES.toLocaleString('en')}-line Zeek dns.log, ${DOMAINS.toLocaleString('en')} domains + ${IPS.toLocaleString('en')} IPv4 of intel…`);
const planted = await writeDnsLog(log, LINES, DOMAINS, IPS, EVERY);
await writeIntel(intel, DOMAINS, IPS);
await writeDomainsOnly(patterns, DOMAINS);
const size = statSync(log).size;
// The same log cut to its header and first records: what a hunt costs before its first line (start-up, loading the case, building the index).
const head = join(OUT, 'head.log');
writeFileSync(head, readFileSync(log).subarray(0, 64 * 1024).toString('latin1').split('\n').slice(0, HEAD_LINES).join('\n') + '\n', 'latin1');
console.log(`dns.log: ${mb(size)}; planted: ${planted.domainLines} lines querying an intel domain, ${planted.ipLines} lines answering an intel IPv4`);

for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
const imp = spawnSync(process.execPath, [CLI, '--db', db, 'intel', 'import', '--campaign', 'Bench', intel], { encoding: 'utf8' });
if (imp.status !== 0) {
  console.error(imp.stderr);
  process.exit(1);
}

const hunts: Timed[] = [];
const fixed: Timed[] = [];
const cuts: Timed[] = [];
const rgRuns: Timed[] = [];
const grepRuns: Timed[] = [];
// A case as an analyst has it: the index kept beside it once a hunt has run since the last import
// (a copied case file is a new case to the index cache, so each fresh copy is warmed with a tiny hunt first, untimed).
const warm = join(OUT, 'warm.log');
let warmed = 0;
const freshCase = (): void => {
  for (const s of ['', '-wal', '-shm']) rmSync(`${db}.run${s}`, { force: true });
  rmSync(`${db}.run-index`, { recursive: true, force: true });
  spawnSync('cp', [db, `${db}.run`]);
  writeFileSync(warm, `#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n1370044800.0\tW${warmed++}\t10.0.0.1\t1\t10.0.0.2\t53\tudp\twarm.example\t-\n`);
  spawnSync(process.execPath, [CLI, '--db', `${db}.run`, 'hunt', warm]);
};
for (let i = 0; i < REPEAT; i++) {
  // A fresh case each time, so the file is not "already hunted".
  freshCase();
  hunts.push(timed(process.execPath, [CLI, '--db', `${db}.run`, 'hunt', '--json', log]));
  freshCase();
  fixed.push(timed(process.execPath, [CLI, '--db', `${db}.run`, 'hunt', '--json', head]));
  cuts.push(timed('cut', ['-f10', log], true));
  rgRuns.push(timed('rg', ['-F', '-c', '-f', patterns, log]));
  grepRuns.push(timed('grep', ['-F', '-c', '-f', patterns, log]));
}
const h = best(hunts);
let domainHits = 0;
let ipHits = 0;
for (const line of h.stdout.split('\n')) {
  if (!line) continue;
  const s = JSON.parse(line) as { field: string };
  if (s.field === 'dns.query') domainHits++;
  else if (s.field === 'dns.answer') ipHits++;
}
const cut = best(cuts);
const rg = best(rgRuns);
const grep = best(grepRuns);
const rgCount = Number(rg.stdout.trim());
const grepCount = Number(grep.stdout.trim());

const rate = (s: number) => `${(size / s / 1e6).toFixed(0)} MB/s`;
const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
console.log(`\n${'tool'.padEnd(20)}${'best of ' + REPEAT}`.padEnd(40) + 'throughput    peak RSS     found');
console.log(`${'sightline hunt'.padEnd(20)}${h.secs.toFixed(3)} s`.padEnd(40) + `${rate(h.secs).padEnd(14)}${h.rssKb ? mb(h.rssKb * 1024) : '?'}`.padEnd(27) +
  `${domainHits}/${planted.domainLines} domain, ${ipHits}/${planted.ipLines} IPv4 ${ok(domainHits === planted.domainLines && ipHits === planted.ipLines)}`);
console.log(`${'cut -f10 >/dev/null'.padEnd(20)}${cut.secs.toFixed(3)} s`.padEnd(40) + `${rate(cut.secs).padEnd(14)}${cut.rssKb ? mb(cut.rssKb * 1024) : '?'}`);
console.log(`${'rg -F -c -f'.padEnd(20)}${rg.secs.toFixed(3)} s`.padEnd(40) + `${rate(rg.secs).padEnd(14)}${rg.rssKb ? mb(rg.rssKb * 1024) : '?'}`.padEnd(27) +
  `${rgCount}/${planted.domainLines} domain ${ok(rgCount === planted.domainLines)}`);
console.log(`${'grep -F -c -f'.padEnd(20)}${grep.secs.toFixed(3)} s`.padEnd(40) + `${rate(grep.secs).padEnd(14)}${grep.rssKb ? mb(grep.rssKb * 1024) : '?'}`.padEnd(27) +
  `${grepCount}/${planted.domainLines} domain ${ok(grepCount === planted.domainLines)}`);
console.log(`\nranges over ${REPEAT} runs: sightline ${range(hunts)}, cut ${range(cuts)}, rg ${range(rgRuns)}, grep ${range(grepRuns)}`);
console.log(`ratio (best of ${REPEAT}; range over back-to-back pairs): sightline is ${(cut.secs / h.secs).toFixed(2)}× cut -f10 (${ratioRange(cuts, hunts)}; goal ≥ 1), `
  + `${(rg.secs / h.secs).toFixed(2)}× ripgrep (${ratioRange(rgRuns, hunts)}; goal ≥ 10), ${(grep.secs / h.secs).toFixed(2)}× grep (${ratioRange(grepRuns, hunts)})`);
const f = best(fixed);
console.log(`fixed cost (the same hunt of a ${HEAD_LINES}-line head of the log): ${f.secs.toFixed(3)} s best, ${range(fixed)}; `
  + `the rest, ${(h.secs - f.secs).toFixed(3)} s, is ${(cut.secs / (h.secs - f.secs)).toFixed(2)}× cut -f10 and ${(rg.secs / (h.secs - f.secs)).toFixed(2)}× ripgrep`);
console.log('(wall time, whole command: sightline\'s includes start-up, loading the case and storing sightings; the machine may be shared)');

if (INDEX_N > 0) {
  const script = join(ROOT, 'bench', 'index-memory', 'run.ts');
  if (existsSync(script)) {
    console.log(`\nindex memory for ${INDEX_N.toLocaleString('en')} domain indicators:`);
    spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', script, '--n', String(INDEX_N)], { stdio: 'inherit', cwd: ROOT });
  }
}
