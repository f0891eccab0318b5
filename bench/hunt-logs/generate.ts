/**
 * Reproducible data for bench/hunt-logs: an intel list of domains and IPv4
 * addresses, and a Zeek dns.log with a known number of planted hits.
 *
 * Intel domains look like a real feed's (DGA-ish and throw-away C2 names):
 * one random second-level label of 7–16 letters and digits, holding at least
 * one digit and one letter, under one of many TLDs, drawn from a seeded PRNG.
 * Noise queries use the same TLDs, but their labels are letters only, so no
 * noise line contains an intel domain, even as a substring: a fixed-string
 * search for the intel domains (ripgrep, grep) counts exactly the planted
 * lines, and every tool can be checked against the same number.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { prng, randomHex } from '../prng.js';

export interface Planted { domainLines: number; ipLines: number }

/** TLDs of both intel and noise names (as in real feeds: the common ones and the cheap ones). */
const TLDS = ['com', 'net', 'org', 'info', 'ru', 'cn', 'top', 'xyz', 'biz', 'online', 'site', 'club', 'io', 'de', 'kz', 'mn', 'su', 'pw'];
const WORDS = ['mail', 'www', 'cdn', 'api', 'static', 'img', 'login', 'update', 'news', 'shop', 'portal', 'm', 'ads', 'video', 'auth'];
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Seed of the intel list (the log has its own). */
const INTEL_SEED = 20130601;

function label(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(r() * 26));
  return s;
}

/** A random label of letters and digits with at least one of each (so never a noise label). */
function intelLabel(r: () => number): string {
  const n = 7 + Math.floor(r() * 10);
  for (;;) {
    let s = '';
    for (let i = 0; i < n; i++) s += ALNUM[Math.floor(r() * ALNUM.length)];
    if (/[0-9]/.test(s) && /[a-z]/.test(s)) return s;
  }
}

let intelCache: string[] = [];

/** The first `n` intel domains: distinct, random-looking, the same on every run. */
export function intelDomains(n: number): string[] {
  if (intelCache.length >= n) return intelCache.slice(0, n);
  const r = prng(INTEL_SEED);
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < n) {
    const d = `${intelLabel(r)}.${TLDS[Math.floor(r() * TLDS.length)]}`;
    if (seen.has(d)) continue;
    seen.add(d);
    out.push(d);
  }
  intelCache = out;
  return out.slice();
}

export function intelIPv4(i: number): string {
  // 100.64.0.0/10 and up: never produced by the noise generator below (which uses 10/8 and 198.18/15).
  return `100.${64 + ((i >>> 16) & 63)}.${(i >>> 8) & 255}.${i & 255}`;
}

async function writeLines(path: string, lines: string[]): Promise<void> {
  const out = createWriteStream(path);
  for (const l of lines) if (!out.write(l + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

export async function writeIntel(path: string, domains: number, ips: number): Promise<void> {
  const ipLines: string[] = [];
  for (let i = 0; i < ips; i++) ipLines.push(intelIPv4(i));
  await writeLines(path, [...intelDomains(domains), ...ipLines]);
}

export async function writeDomainsOnly(path: string, domains: number): Promise<void> {
  await writeLines(path, intelDomains(domains));
}

const HEADER = [
  '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tdns', '#open\t2013-06-01-00-00-00',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool',
].join('\n') + '\n';

/**
 * Writes `lines` records; every `every`-th record queries a subdomain of an
 * intel domain, every `every`-th record (offset by half) gets an intel IPv4
 * in its answers.
 */
export async function writeDnsLog(path: string, lines: number, domains: number, ips: number, every: number): Promise<Planted> {
  const intel = intelDomains(domains);
  const r = prng(11);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  out.write(HEADER);
  const planted: Planted = { domainLines: 0, ipLines: 0 };
  let ts = 1370044800;
  let batch = '';
  for (let i = 0; i < lines; i++) {
    ts += r() * 0.05;
    const src = `10.${(i >>> 12) & 15}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
    let query: string;
    let answer = `198.${18 + Math.floor(r() * 2)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
    if (i % every === 0) {
      query = `${WORDS[i % WORDS.length]}.${intel[Math.floor(r() * domains)]}`;
      planted.domainLines++;
    } else {
      query = `${WORDS[Math.floor(r() * WORDS.length)]}.${label(r, 4 + Math.floor(r() * 8))}.${TLDS[Math.floor(r() * TLDS.length)]}`;
      if (i % every === Math.floor(every / 2)) {
        answer = intelIPv4(Math.floor(r() * ips));
        planted.ipLines++;
      }
    }
    batch += `${ts.toFixed(6)}\tC${randomHex(r, 16)}\t${src}\t${1024 + Math.floor(r() * 60000)}\t10.0.0.53\t53\tudp\t${Math.floor(r() * 65536)}\t0.0${Math.floor(r() * 90 + 10)}\t${query}\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t${answer}\t300.000000\tF\n`;
    if (batch.length > 1 << 16) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.write(batch);
  out.write('#close\t2013-06-02-00-00-00\n');
  out.end();
  await once(out, 'finish');
  return planted;
}
