/**
 * Addresses as the enrichment look-ups want them, read by core/ip.ts (the
 * project's one IP parser): an IPv4 address as an unsigned 32-bit number,
 * an IPv6 address as four big-endian 32-bit words. An IPv4-mapped IPv6
 * address (`::ffff:192.0.2.1`) is its IPv4 address, as in matching.
 *
 * Special-purpose addresses (IANA's IPv4 and IPv6 Special-Purpose Address
 * Registries, RFC 6890 and its updates) are in no country: private
 * networks, loopback, link-local, shared address space (CGN), documentation
 * and benchmarking ranges, multicast, reserved space, and the IPv6
 * transition prefixes that carry another address inside (Teredo, 6to4,
 * NAT64). `isPublicAddress` says no for them, so a private source host is
 * never counted in a country.
 */
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6At } from '../core/ip.js';

/** A parsed address: `v4` for IPv4 (and IPv4-mapped IPv6), `v6` (4 big-endian words) otherwise. */
export type ParsedAddress =
  | { family: 4; v4: number }
  | { family: 6; v6: Uint32Array };

const groups = new Uint16Array(8);

/**
 * Reads an address (white space around it ignored; an IPv6 zone dropped;
 * `[` `]` around IPv6 allowed), or null when `s` is no address.
 */
export function parseAddress(s: string): ParsedAddress | null {
  let t = s.trim();
  if (t.indexOf(':') < 0) {
    const n = parseIPv4(t);
    return n === null ? null : { family: 4, v4: n };
  }
  if (t.length >= 2 && t.charCodeAt(0) === 0x5b && t.charCodeAt(t.length - 1) === 0x5d) t = t.slice(1, -1);
  if (!parseIPv6At(t, 0, t.length, groups)) return null;
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    return { family: 4, v4: ((groups[6]! << 16) | groups[7]!) >>> 0 };
  }
  const v6 = new Uint32Array(4);
  for (let w = 0; w < 4; w++) v6[w] = ((groups[2 * w]! << 16) | groups[2 * w + 1]!) >>> 0;
  return { family: 6, v6 };
}

/** The canonical text of a parsed address (dotted IPv4; RFC 5952 IPv6). */
export function addressText(a: ParsedAddress): string {
  if (a.family === 4) return formatIPv4(a.v4);
  const g = new Uint16Array(8);
  for (let w = 0; w < 4; w++) { g[2 * w] = a.v6[w]! >>> 16; g[2 * w + 1] = a.v6[w]! & 0xffff; }
  return formatIPv6(g);
}

/** IPv4 networks in no country: [network, prefix length]. */
const SPECIAL_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8],        // "this network" (RFC 791)
  ['10.0.0.0', 8],       // private (RFC 1918)
  ['100.64.0.0', 10],    // shared address space, carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8],      // loopback
  ['169.254.0.0', 16],   // link-local (RFC 3927)
  ['172.16.0.0', 12],    // private (RFC 1918)
  ['192.0.0.0', 24],     // IETF protocol assignments (RFC 6890)
  ['192.0.2.0', 24],     // documentation TEST-NET-1 (RFC 5737)
  ['192.88.99.0', 24],   // 6to4 relay anycast, deprecated (RFC 7526)
  ['192.168.0.0', 16],   // private (RFC 1918)
  ['198.18.0.0', 15],    // benchmarking (RFC 2544)
  ['198.51.100.0', 24],  // documentation TEST-NET-2 (RFC 5737)
  ['203.0.113.0', 24],   // documentation TEST-NET-3 (RFC 5737)
  ['224.0.0.0', 4],      // multicast
  ['240.0.0.0', 4],      // reserved, and the limited broadcast 255.255.255.255
];

/**
 * IPv6 networks in no country, inside global unicast 2000::/3 (everything
 * outside it — `::`, `::1`, `64:ff9b::/96`, `100::/64`, `fc00::/7`,
 * `fe80::/10`, `ff00::/8` — is special anyway).
 */
const SPECIAL_V6: ReadonlyArray<readonly [string, number]> = [
  ['2001::', 23],        // IETF protocol assignments: Teredo 2001::/32, benchmarking, ORCHID (RFC 2928)
  ['2001:db8::', 32],    // documentation (RFC 3849)
  ['2002::', 16],        // 6to4: an IPv4 address inside (RFC 3056)
  ['3fff::', 20],        // documentation (RFC 9637)
];

interface Net4 { net: number; mask: number }
interface Net6 { net: Uint32Array; mask: Uint32Array }

let special4: Net4[] | null = null;
let special6: Net6[] | null = null;

function maskOf(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

function buildSpecial(): void {
  special4 = SPECIAL_V4.map(([a, len]) => {
    const mask = maskOf(len);
    return { net: (parseIPv4(a)! & mask) >>> 0, mask };
  });
  special6 = SPECIAL_V6.map(([a, len]) => {
    const p = parseAddress(a);
    if (!p || p.family !== 6) throw new Error(`enrich: bad special-purpose network ${a}`);
    const mask = Uint32Array.from([0, 1, 2, 3], (w) => maskOf(len - 32 * w));
    return { net: p.v6.map((x, w) => (x & mask[w]!) >>> 0), mask };
  });
}

/** Whether an IPv4 address (unsigned 32-bit) is public: in none of the special-purpose networks. */
export function isPublicIPv4(n: number): boolean {
  if (special4 === null) buildSpecial();
  const nets = special4!;
  for (let i = 0; i < nets.length; i++) {
    const s = nets[i]!;
    if (((n & s.mask) >>> 0) === s.net) return false;
  }
  return true;
}

/** Whether an IPv6 address (4 words) is public: global unicast (2000::/3) and in none of the special-purpose networks. */
export function isPublicIPv6(w: Uint32Array): boolean {
  if ((w[0]! >>> 29) !== 1) return false;
  if (special6 === null) buildSpecial();
  for (const s of special6!) {
    let inside = true;
    for (let k = 0; k < 4 && inside; k++) inside = ((w[k]! & s.mask[k]!) >>> 0) === s.net[k];
    if (inside) return false;
  }
  return true;
}

/** Whether a parsed address is public (see the file comment). */
export function isPublicAddress(a: ParsedAddress): boolean {
  return a.family === 4 ? isPublicIPv4(a.v4) : isPublicIPv6(a.v6);
}
