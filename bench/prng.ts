/** A small seeded PRNG (mulberry32) so benchmark data is the same on every run: the one the authorship fit's bootstrap uses. */
export { seededRandom as prng } from '../src/analytics/authorship.js';

const SYL = ['ra', 'vi', 'mail', 'net', 'sec', 'upd', 'ru', 'kz', 'mn', 'soft', 'info', 'news', 'gov', 'bank', 'cloud', 'doc', 'x', 'q', 'lo', 'tr'];
const TLDS = ['com', 'net', 'org', 'info', 'ru', 'cn', 'kz', 'biz', 'in', 'de'];

/** A random, realistic-looking domain name. */
export function randomDomain(r: () => number, i: number): string {
  const n = 2 + Math.floor(r() * 3);
  let label = '';
  for (let k = 0; k < n; k++) label += SYL[Math.floor(r() * SYL.length)];
  return `${label}${i.toString(36)}.${TLDS[Math.floor(r() * TLDS.length)]}`;
}

export function randomIPv4(r: () => number): string {
  return `${1 + Math.floor(r() * 222)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
}

export function randomHex(r: () => number, len: number): string {
  let s = '';
  while (s.length < len) s += Math.floor(r() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, len);
}

/** Peak resident set size of this process so far, in bytes. */
export function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** The number after `--name` on the command line, or `dflt`. */
export function numberArg(name: string, dflt: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}
