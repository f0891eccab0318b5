/**
 * bench/serve: the API under load on a case of 1,000,000 sightings. Builds
 * the case (seeded, straight through the store's EvidenceWriter; kept in
 * bench/out/serve and reused with --reuse), starts `sightline serve` on
 * 127.0.0.1 in its own process (rate limit off), and runs autocannon with
 * 50 concurrent connections against: the overview's requests (whoami,
 * campaigns, a campaign's statistics — what the dashboard's first screen
 * asks), a victim's sightings page, a week's sightings page, an
 * indicator's sightings page, a country's victims page, and an unfiltered
 * sightings page at a random cursor. Prints requests/s and p50/p99
 * latency for each, the server's own time (Server-Timing) and its CPU time
 * a request (all its threads, from /proc; `-` where there is none). Goal
 * (issue "The dashboard and API"): p99 under 100 ms on 1,000,000 sightings.
 *
 *   node --import tsx bench/serve/run.ts [--sightings 1000000] [--victims 50000] [--duration 5] [--connections 50] [--reuse]
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { prng } from '../prng.js';
import { makeBenchCase, type BenchCase } from './make-case.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SIGHTINGS = arg('--sightings', 1_000_000);
const VICTIMS = arg('--victims', 50_000);
const DURATION = arg('--duration', 5);
const CONNECTIONS = arg('--connections', 50);
const REUSE = args.includes('--reuse');
const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const OUT = join(ROOT, 'bench', 'out', 'serve');
const DB = join(OUT, `case-${SIGHTINGS}-${VICTIMS}.db`);
const META = `${DB}.json`;

async function theCase(): Promise<BenchCase> {
  mkdirSync(OUT, { recursive: true });
  if (REUSE && existsSync(DB) && existsSync(META)) {
    process.stderr.write(`reusing ${DB}\n`);
    return JSON.parse(readFileSync(META, 'utf8')) as BenchCase;
  }
  for (const s of ['', '-wal', '-shm', '.json']) rmSync(DB + s, { force: true });
  rmSync(`${DB}-index`, { recursive: true, force: true });
  const t0 = performance.now();
  const c = await makeBenchCase(DB, { sightings: SIGHTINGS, victims: VICTIMS });
  process.stderr.write(`built ${DB}: ${SIGHTINGS.toLocaleString('en')} sightings from ${VICTIMS.toLocaleString('en')} victims in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  writeFileSync(META, JSON.stringify(c));
  return c;
}

/**
 * The CPU time a process and its children have used (`serve` forks the
 * server), all their threads, in ms (Linux: /proc), or null where it cannot
 * be read. Per request it is the server's whole cost (HTTP, JSON, SQLite),
 * which on a shared machine varies less than latency does.
 */
function cpuMs(pid: number): number | null {
  try {
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    let ticks = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try { stat = readFileSync(`/proc/${entry}/stat`, 'utf8'); } catch { continue; }
      // After the command's closing parenthesis: state, ppid, ..., utime (12th), stime (13th).
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      if (Number(entry) === pid || Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
    }
    return (ticks * 1000) / clockTicks;
  } catch {
    return null;
  }
}
let clockTicks: number | undefined;

/** Starts `sightline serve` on a free loopback port; resolves with its URL, its process id and a stop function. */
function startServe(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), '--db', DB, 'serve', '--port', '0', '--rate-limit', '0',
    '--web-dir', join(OUT, 'no-web')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    p.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving .* at (http:\/\/\S+\/)/.exec(err);
      if (m) {
        resolve({
          url: m[1]!.replace(/\/$/, ''),
          pid: p.pid!,
          stop: () => new Promise((done) => { p.once('exit', () => done()); p.kill('SIGTERM'); }),
        });
      }
    });
    p.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

async function timeOnce(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return performance.now() - t0;
}

interface Scenario { name: string; paths: () => string }

async function main(): Promise<void> {
  const c = await theCase();
  const server = await startServe();
  const r = prng(11);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  try {
    const cold = await timeOnce(`${server.url}/api/campaigns/NetTraveler/stats`);
    const warm = await timeOnce(`${server.url}/api/campaigns/NetTraveler/stats`);
    const stats = await (await fetch(`${server.url}/api/campaigns/NetTraveler/stats`)).json() as { victims: { count: number; byCountry: { code: string }[] } };
    process.stderr.write(`NetTraveler: ${stats.victims.count.toLocaleString('en')} victims; statistics computed in ${cold.toFixed(0)} ms, then served from the cache in ${warm.toFixed(1)} ms\n`);
    const countries = stats.victims.byCountry.slice(0, 10).map((x) => x.code);
    const busy = c.victims.slice(0, 2000);
    // As the dashboard's overview asks: its statistics cut to the lists it shows (?top=10).
    const overview = ['/api/whoami', '/api/campaigns', '/api/campaigns/NetTraveler/stats?top=10'];
    let o = 0;
    const week = () => {
      const t = Date.UTC(2012, 0, 1) + Math.floor(r() * 100) * 7 * 86_400_000;
      return `since=${new Date(t).toISOString().slice(0, 10)}&until=${new Date(t + 6 * 86_400_000).toISOString().slice(0, 10)}`;
    };
    const scenarios: Scenario[] = [
      { name: 'overview (whoami, campaigns, stats)', paths: () => overview[o++ % overview.length]! },
      { name: "a victim's sightings, 100 a page", paths: () => `/api/sightings?campaign=NetTraveler&src=${pick(busy)}&limit=100` },
      { name: "a week's sightings, 100 a page", paths: () => `/api/sightings?campaign=NetTraveler&${week()}&order=time&limit=100` },
      { name: "an indicator's sightings, 100 a page", paths: () => `/api/sightings?indicator=domain:${pick(c.domains)}&limit=100` },
      { name: "a country's victims, 100 a page", paths: () => `/api/victims?campaign=NetTraveler&country=${pick(countries)}&limit=100&offset=${Math.floor(r() * 5) * 100}` },
      { name: 'all sightings at a random cursor, 100 a page', paths: () => `/api/sightings?limit=100&cursor=${Math.floor(r() * SIGHTINGS)}` },
    ];
    const rows: string[][] = [];
    const head = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'server p50', 'server p99', 'CPU/req ms', 'errors'];
    for (const s of scenarios) {
      // Warm: the first request of a kind reads what later ones find cached (the campaigns' list, a compressed body, statements).
      for (let i = 0; i < 20; i++) await timeOnce(`${server.url}${s.paths()}`);
      // The server's own time per request (its Server-Timing header), apart from the time requests wait their turn.
      const own: number[] = [];
      const cpu0 = cpuMs(server.pid);
      const result: Result = await autocannon({
        // As a browser asks: the statistics are sent compressed (once per state of the case), pages as they are.
        url: server.url, connections: CONNECTIONS, duration: DURATION, headers: { 'Accept-Encoding': 'gzip, deflate, br' },
        requests: [{
          setupRequest: (req) => ({ ...req, path: s.paths() }),
          onResponse: (_status, _body, _ctx, headers) => { const m = /dur=([\d.]+)/.exec(headers['server-timing'] ?? ''); if (m) own.push(Number(m[1])); },
        }],
      });
      const cpu1 = cpuMs(server.pid);
      const perRequest = cpu0 === null || cpu1 === null || result.requests.total === 0 ? '-' : ((cpu1 - cpu0) / result.requests.total).toFixed(2);
      own.sort((a, b) => a - b);
      const q = (p: number) => (own.length ? own[Math.min(own.length - 1, Math.floor(own.length * p))]!.toFixed(1) : '-');
      const bad = result.errors + result.timeouts + result.non2xx;
      rows.push([s.name, result.requests.average.toFixed(0), String(result.latency.p50), String(result.latency.p99), String(result.latency.max), q(0.5), q(0.99), perRequest, String(bad)]);
      process.stderr.write(`${s.name}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; server ${q(0.5)}/${q(0.99)} ms, CPU ${perRequest} ms a request${bad ? `, ${bad} errors` : ''}\n`);
    }
    const widths = head.map((_, i) => Math.max(...[head, ...rows].map((row) => row[i]!.length)));
    const line = (row: string[]) => row.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
    process.stdout.write(`\n${SIGHTINGS.toLocaleString('en')} sightings, ${VICTIMS.toLocaleString('en')} victims; ${CONNECTIONS} connections, ${DURATION} s each; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
    process.stdout.write([line(head), ...rows.map(line)].join('\n') + '\n');
  } finally {
    await server.stop();
  }
}

await main();
