/**
 * The text log families: detection from a file's head, and the reader for each.
 */
import type { LineReader } from './line-reader.js';
import { ZeekTsvReader } from './zeek/zeek-tsv-reader.js';
import { ZeekJsonReader } from './zeek/zeek-json-reader.js';
import { SuricataEveReader } from './suricata/suricata-eve-reader.js';
import { SquidReader } from './squid/squid-reader.js';
import { BindReader } from './bind/bind-reader.js';
import { WindowsDnsReader } from './windows-dns/windows-dns-reader.js';
import { WebAccessReader } from './web-access/web-access-reader.js';
import { TEXT_FORMAT, TextReader } from './text/text-reader.js';

export { TEXT_FORMAT };

/** Most bytes of a file's head examined. */
const MAX_DETECT_BYTES = 64 * 1024;
/** Most non-comment lines examined. */
const MAX_DETECT_LINES = 50;

/** Text log families the hunt knows (for the "known formats are: …" message). */
export const LOG_FORMATS: readonly string[] = ['zeek', 'zeek-json', 'suricata-eve', 'squid', 'bind', 'windows-dns', 'web-access', TEXT_FORMAT];

const SQUID_RE = /^\d{9,11}\.\d{1,6} +-?\d+ \S+ [A-Z_]+\/\d{1,3} \d+ \S+ \S+/;
const BIND_RE = /\bclient (?:@0x[0-9a-fA-F]+ )?[0-9a-fA-F.:]+(?:%\S+)?#\d+(?: \([^)]*\))?: (?:view [^:]*: )?(?:query|zone transfer|bad zone transfer|transfer|update|notify)/;
const WINDOWS_DNS_RE = /^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4} \d{1,2}:\d{2}:\d{2}(?: ?[AaPp][Mm])? +[0-9A-Fa-f]+ +PACKET +[0-9A-Fa-f]+ +(?:UDP|TCP) +(?:Snd|Rcv) /;
const WINDOWS_DNS_PREAMBLE_RE = /^DNS Server log file creation at |^Message logging key \(for packets/;
const WEB_ACCESS_RE = /^(?:\S+ )?\S+ \S+ \S+ \[\d{2}\/[A-Za-z]{3}\/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "/;

/** Which family one JSON line belongs to, or null. */
function detectJsonLine(line: string): string | null {
  let o: unknown;
  try { o = JSON.parse(line); } catch { return null; }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null;
  const r = o as Record<string, unknown>;
  if (typeof r['event_type'] === 'string' && ('timestamp' in r || 'src_ip' in r)) return 'suricata-eve';
  const zeekish = 'uid' in r || 'id.orig_h' in r || 'id_orig_h' in r || 'fuid' in r;
  if ('ts' in r && (zeekish || typeof r['_path'] === 'string')) return 'zeek-json';
  if (zeekish && typeof r['@stream'] === 'string') return 'zeek-json';
  return null;
}

/** Which family one text line belongs to, or null. */
function detectTextLine(line: string): string | null {
  if (SQUID_RE.test(line)) return 'squid';
  if (WINDOWS_DNS_RE.test(line) || WINDOWS_DNS_PREAMBLE_RE.test(line)) return 'windows-dns';
  if (WEB_ACCESS_RE.test(line)) return 'web-access';
  if (BIND_RE.test(line)) return 'bind';
  return null;
}

/**
 * Detects a log family from the first ≤64 KiB (whole lines) of a file: the
 * family most of its first lines belong to, or null (binary, empty, unknown).
 */
export function detectLogFormat(head: Buffer, path: string): string | null {
  void path; // the content decides; names lie
  const n = Math.min(head.length, MAX_DETECT_BYTES);
  if (n === 0) return null;
  // Binary input (a PE, an archive, a capture) is no text log.
  let control = 0;
  for (let i = 0; i < Math.min(n, 4096); i++) {
    const c = head[i]!;
    if (c === 0 || (c < 0x09) || (c > 0x0d && c < 0x20 && c !== 0x1b)) control++;
  }
  if (control > 0) return null;
  const lines = head.toString('utf8', 0, n).split('\n');
  const votes = new Map<string, number>();
  let examined = 0;
  for (const raw of lines) {
    if (examined >= MAX_DETECT_LINES) break;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    if (line.startsWith('#separator ') || line.startsWith('#fields\t')) return 'zeek';
    if (line.startsWith('#')) continue;
    examined++;
    const fam = line.startsWith('{') ? detectJsonLine(line) : detectTextLine(line);
    if (fam !== null) votes.set(fam, (votes.get(fam) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestVotes = 0;
  for (const [fam, v] of votes) if (v > bestVotes) { best = fam; bestVotes = v; }
  // Most lines must agree; a stray match in some other text is not enough.
  return best !== null && bestVotes * 2 >= examined ? best : null;
}

/**
 * A reader for `family` (one of LOG_FORMATS) reading `path`; `state` comes
 * from another reader's snapshot() (Zeek TSV: the header in force).
 * Throws for an unknown family (a caller's mistake, not bad input).
 */
export function createLineReader(family: string, path: string, state?: unknown): LineReader {
  switch (family) {
    case 'zeek': return new ZeekTsvReader(path, state);
    case 'zeek-json': return new ZeekJsonReader(path);
    case 'suricata-eve': return new SuricataEveReader(path);
    case 'squid': return new SquidReader(path);
    case 'bind': return new BindReader(path);
    case 'windows-dns': return new WindowsDnsReader(path);
    case 'web-access': return new WebAccessReader(path);
    case TEXT_FORMAT: return new TextReader(path);
    default: throw new Error(`unknown log format ${JSON.stringify(family)}; known formats are: ${LOG_FORMATS.join(', ')}`);
  }
}
