/**
 * What a report names that is no campaign's indicator, told by value: the
 * addresses no campaign can own (private, loopback, documentation ranges),
 * the names reserved for examples, and the publisher's own domains. The
 * shipped warninglists are applied by the importer (src/hunt), which holds
 * them; each reason here is said to the analyst in `--dry-run`.
 */
import type { IndicatorType } from '../../core/model.js';
import { parseIPv4, parseIPv6, registrableDomain } from '../../core/normalize.js';

/** Address ranges no campaign owns, each with the reason an analyst is shown. */
const V4_RANGES: ReadonlyArray<readonly [string, number, string]> = [
  ['0.0.0.0', 8, 'a "this network" address (RFC 791)'],
  ['10.0.0.0', 8, 'a private address (RFC 1918)'],
  ['100.64.0.0', 10, 'a carrier-grade NAT address (RFC 6598)'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local address'],
  ['172.16.0.0', 12, 'a private address (RFC 1918)'],
  ['192.0.2.0', 24, 'a documentation address (RFC 5737)'],
  ['192.168.0.0', 16, 'a private address (RFC 1918)'],
  ['198.18.0.0', 15, 'a benchmarking address (RFC 2544)'],
  ['198.51.100.0', 24, 'a documentation address (RFC 5737)'],
  ['203.0.113.0', 24, 'a documentation address (RFC 5737)'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved or broadcast address'],
];
const V6_RANGES: ReadonlyArray<readonly [string, number, string]> = [
  ['::', 128, 'the unspecified address'],
  ['::1', 128, 'a loopback address'],
  ['fe80::', 10, 'a link-local address'],
  ['fc00::', 7, 'a unique local (private) address (RFC 4193)'],
  ['2001:db8::', 32, 'a documentation address (RFC 3849)'],
  ['3fff::', 20, 'a documentation address (RFC 9637)'],
  ['ff00::', 8, 'a multicast address'],
];

/** Names for examples and tests (RFC 2606, RFC 6761): a report's `evil.example.com` is an illustration. */
const EXAMPLE_DOMAINS = ['example.com', 'example.net', 'example.org', 'example.edu'];
const RESERVED_TLDS = new Set(['example', 'test', 'invalid', 'localhost', 'local']);

function v4Reason(n: number): string | null {
  for (const [net, len, why] of V4_RANGES) {
    const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    if (((n & mask) >>> 0) === parseIPv4(net)) return why;
  }
  return null;
}

function v6Reason(g: number[]): string | null {
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return v4Reason(((g[6]! << 16) | g[7]!) >>> 0);
  }
  for (const [net, len, why] of V6_RANGES) {
    const ng = parseIPv6(net)!;
    let inside = true;
    for (let i = 0; i < 8 && inside; i++) {
      const bits = Math.max(0, Math.min(16, len - i * 16));
      const mask = bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
      inside = (g[i]! & mask) === (ng[i]! & mask);
    }
    if (inside) return why;
  }
  return null;
}

/** The publisher's domains, compared by registrable domain (`www.securelist.com` is `securelist.com`'s). */
export class PublisherDomains {
  private readonly names = new Set<string>();
  add(host: string): void {
    const h = host.toLowerCase().replace(/\.$/, '');
    if (h === '') return;
    this.names.add(registrableDomain(h) ?? h);
  }
  has(host: string): boolean {
    if (this.names.size === 0) return false;
    const h = host.toLowerCase();
    return this.names.has(registrableDomain(h) ?? h);
  }
  list(): string[] {
    return [...this.names].sort();
  }
}

/** Why a value is no indicator of the campaign a report describes, or null when it may be one. */
export function guardReason(type: IndicatorType, value: string, publishers: PublisherDomains): string | null {
  switch (type) {
    case 'ipv4': { const n = parseIPv4(value); return n === null ? null : v4Reason(n); }
    case 'ipv6': { const g = parseIPv6(value); return g === null ? null : v6Reason(g); }
    case 'cidr': {
      const addr = value.slice(0, value.indexOf('/'));
      return value.includes(':') ? guardReason('ipv6', addr, publishers) : guardReason('ipv4', addr, publishers);
    }
    case 'domain': return domainReason(value, publishers);
    case 'email': return domainReason(value.slice(value.lastIndexOf('@') + 1), publishers);
    case 'url': {
      const a = value.indexOf('://') + 3;
      let e = a;
      while (e < value.length && !'/?#'.includes(value[e]!)) e++;
      let host = value.slice(a, e);
      host = host.slice(host.lastIndexOf('@') + 1);
      if (host.startsWith('[')) return guardReason('ipv6', host.slice(1, host.indexOf(']')), publishers);
      const colon = host.lastIndexOf(':');
      if (colon >= 0) host = host.slice(0, colon);
      return parseIPv4(host) !== null ? guardReason('ipv4', host, publishers) : domainReason(host, publishers);
    }
    default: return null;
  }
}

function domainReason(name: string, publishers: PublisherDomains): string | null {
  const tld = name.slice(name.lastIndexOf('.') + 1);
  if (RESERVED_TLDS.has(tld)) return `a reserved name (.${tld}, RFC 6761)`;
  for (const d of EXAMPLE_DOMAINS) if (name === d || name.endsWith('.' + d)) return 'an example domain (RFC 2606)';
  if (publishers.has(name)) return "the publisher's own domain";
  return null;
}
