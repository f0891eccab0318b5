/**
 * bench/stats: a sinkhole's access log for `hunt --sinkhole` (issue
 * "Campaign analytics"), generated reproducibly from a seed: 1,000,000
 * combined-format requests (or --lines N) over two months from 100,000
 * clients (or --clients N) spread over public IPv4 space. Clients beacon
 * like NetTraveler (`GET /nt/nt.php?action=getcmd&hostid=…&hostname=…`,
 * a fixed MSIE 6 user agent); one in twenty is a NAT gateway with several
 * implants behind it (several host ids on one address); about 1% of the
 * requests are search-engine and SEO crawlers; a few come from Censys'
 * published scanning range and with its user agent. Prints what a hunt
 * must count; with --hunt, hunts the log with the built CLI
 * (dist/cli/main.js, `npm run build`) into a fresh case and times it.
 *
 *   node --import tsx bench/stats/make-sinkhole-log.ts [--lines 1000000] [--clients 100000] [--hunt] [--workers N]
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng, randomHex, mb } from '../prng.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const LINES = arg('--lines', 1_000_000);
const CLIENTS = arg('--clients', 100_000);
const WORKERS = arg('--workers', 0);
const SEED = 20130604;
/** Share of requests from crawlers, and requests from scanners (by range, then by user agent). */
const CRAWLER_SHARE = 0.01;
const SCANNER_REQUESTS = 400;
const START_MS = Date.UTC(2013, 4, 1);
const SPAN_MS = 61 * 86400_000;

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const OUT = join(ROOT, 'bench', 'out', 'stats');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

const MSIE = 'Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)';
const CRAWLERS: [string, string][] = [
  ['66.249.66.', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
  ['157.55.39.', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'],
  ['220.181.108.', 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)'],
  ['5.255.253.', 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)'],
  ['54.36.148.', 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)'],
  ['185.191.171.', 'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)'],
];
const CENSYS_UA = 'Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A public IPv4 address: no private, shared, loopback, link-local, multicast or reserved block, nor a listed scanner's /16. */
function publicIPv4(r: () => number): string {
  for (;;) {
    const a = 1 + Math.floor(r() * 223);
    const b = Math.floor(r() * 256);
    if (a === 10 || a === 127 || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b < 32)
      || (a === 192 && (b === 168 || b === 0 || b === 35)) || (a === 198 && (b === 18 || b === 19 || b === 51)) || (a === 203 && b === 0)) continue;
    if ((a === 162 && b === 142) || (a === 167 && (b === 94 || b === 248)) || (a === 185 && b === 194) || (a === 74 && b === 120)) continue;
    return `${a}.${b}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
  }
}

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export interface SinkholeLogFacts { lines: number; beacons: number; crawlers: number; scanners: number; clients: number; hostIds: number; bytes: number }

/** Writes the log; returns what a hunt must count. */
export async function writeSinkholeLog(path: string, lines = LINES, clients = CLIENTS): Promise<SinkholeLogFacts> {
  const r = prng(SEED);
  // Each client: an address and the host ids behind it (NAT gateways: 2–5 implants).
  const addrs: string[] = [];
  const ids: string[][] = [];
  const seen = new Set<string>();
  while (addrs.length < clients) {
    const a = publicIPv4(r);
    if (seen.has(a)) continue;
    seen.add(a);
    addrs.push(a);
    const n = r() < 0.05 ? 2 + Math.floor(r() * 4) : 1;
    ids.push(Array.from({ length: n }, () => randomHex(r, 8).toUpperCase()));
  }
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const facts: SinkholeLogFacts = { lines, beacons: 0, crawlers: 0, scanners: 0, clients: 0, hostIds: 0, bytes: 0 };
  const beaconClients = new Set<number>();
  const beaconIds = new Set<string>();
  const scannerAt = new Set<number>();
  while (scannerAt.size < Math.min(SCANNER_REQUESTS, lines)) scannerAt.add(Math.floor(r() * lines));
  let buf = '';
  for (let i = 0; i < lines; i++) {
    const ts = stamp(START_MS + Math.floor((i / lines) * SPAN_MS));
    let line: string;
    if (scannerAt.has(i)) {
      // Half from Censys' range (whatever they say they are), half with its user agent from anywhere.
      const byRange = i % 2 === 0;
      const ip = byRange ? `162.142.125.${1 + (i % 254)}` : publicIPv4(r);
      line = `${ip} - - [${ts}] "GET / HTTP/1.1" 200 612 "-" "${byRange ? MSIE : CENSYS_UA}"`;
      facts.scanners++;
    } else if (r() < CRAWLER_SHARE) {
      const [net, ua] = CRAWLERS[Math.floor(r() * CRAWLERS.length)]!;
      const path = r() < 0.5 ? '/robots.txt' : '/';
      line = `${net}${1 + Math.floor(r() * 254)} - - [${ts}] "GET ${path} HTTP/1.1" ${path === '/' ? 200 : 404} 162 "-" "${ua}"`;
      facts.crawlers++;
    } else {
      const c = Math.floor(r() * clients);
      const hostIds = ids[c]!;
      const hostId = hostIds[Math.floor(r() * hostIds.length)]!;
      const action = r() < 0.9 ? 'getcmd' : 'getdata';
      line = `${addrs[c]} - - [${ts}] "GET /nt/nt.php?action=${action}&hostid=${hostId}&hostname=PC-${hostId.slice(0, 5)} HTTP/1.1" 200 ${12 + Math.floor(r() * 200)} "-" "${MSIE}"`;
      facts.beacons++;
      beaconClients.add(c);
      beaconIds.add(hostId);
    }
    buf += line + '\n';
    if (buf.length >= 1 << 20) {
      facts.bytes += Buffer.byteLength(buf);
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  facts.bytes += Buffer.byteLength(buf);
  out.end(buf);
  await once(out, 'finish');
  facts.clients = beaconClients.size;
  facts.hostIds = beaconIds.size;
  return facts;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const log = join(OUT, 'sinkhole.log');
  const t0 = process.hrtime.bigint();
  const facts = await writeSinkholeLog(log);
  const genSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`${log}: ${facts.lines.toLocaleString('en')} requests, ${mb(statSync(log).size)} (${genSecs.toFixed(1)} s to write): ` +
    `${facts.beacons.toLocaleString('en')} beacons from ${facts.clients.toLocaleString('en')} clients with ${facts.hostIds.toLocaleString('en')} host ids, ` +
    `${facts.crawlers.toLocaleString('en')} crawler and ${facts.scanners} scanner requests\n`);
  if (!args.includes('--hunt')) return;
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build first`);
  const db = join(OUT, 'sinkhole.db');
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(db + suffix, { force: true });
  rmSync(`${db}-index`, { recursive: true, force: true });
  const argv = [CLI, '--db', db, 'hunt', '--json', '--sinkhole', 'NetTraveler', ...(WORKERS ? ['--workers', String(WORKERS)] : []), log];
  const useTime = existsSync('/usr/bin/time');
  const h0 = process.hrtime.bigint();
  const run = useTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
    : spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const secs = Number(process.hrtime.bigint() - h0) / 1e9;
  const lines = run.stderr.trim().split('\n');
  const rss = useTime && /^\d+$/.test(lines.at(-1) ?? '') ? Number(lines.pop()) * 1024 : null;
  const summary = lines.at(-1) ?? '';
  const want = `${facts.beacons} beacon(s); ${facts.crawlers} crawler and ${facts.scanners} scanner request(s)`;
  const ok = run.status === 0 && summary.includes(want);
  process.stdout.write(`sightline hunt --sinkhole --json > /dev/null: ${secs.toFixed(2)} s (${(facts.lines / secs / 1000).toFixed(0)}k requests/s, ` +
    `${(statSync(log).size / secs / 1e6).toFixed(0)} MB/s)${rss !== null ? `, peak RSS ${mb(rss)}` : ''}; ` +
    `${ok ? 'counts ok' : `COUNTS WRONG (exit ${run.status}): ${summary}`}\n`);
  if (!ok) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
