/**
 * Reproducible data for bench/hunt-logs: an intel list of domains and IPv4
 * addresses, and a Zeek dns.log with a known number of planted hits.
 *
 * Noise names end in .com/.org/.info and never contain ".net"; every intel
 * domain ends in ".net". So a fixed-string search for the intel domains
 * (ripgrep, grep) counts exactly the planted lines, and the three tools can
 * be checked against the same number.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { prng, randomHex } from '../prng.js';

export interface Planted { domainLines: number; ipLines: number }

const NOISE_TLDS = ['com', 'org', 'info'];
const WORDS = ['mail', 'www', 'cdn', 'api', 'static', 'img', 'login', 'update', 'news', 'shop', 'portal', 'm', 'ads', 'video', 'auth'];

function label(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(r() * 26));
  return s;
}

export function intelDomain(i: number): string {
  return `c2${i.toString(36)}${'xq'[i % 2]}.net`;
}

export function intelIPv4(i: number): string {
  // 100.64.0.0/10 and up: never produced by the noise generator below (which uses 10/8 and 198.18/15).
  return `100.${64 + ((i >>> 16) & 63)}.${(i >>> 8) & 255}.${i & 255}`;
}

export async function writeIntel(path: string, domains: number, ips: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < domains; i++) if (!out.write(intelDomain(i) + '\n')) await once(out, 'drain');
  for (let i = 0; i < ips; i++) if (!out.write(intelIPv4(i) + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

export async function writeDomainsOnly(path: string, domains: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < domains; i++) if (!out.write(intelDomain(i) + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
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
      query = `${WORDS[i % WORDS.length]}.${intelDomain(Math.floor(r() * domains))}`;
      planted.domainLines++;
    } else {
      query = `${WORDS[Math.floor(r() * WORDS.length)]}.${label(r, 4 + Math.floor(r() * 8))}.${NOISE_TLDS[Math.floor(r() * 3)]}`;
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
