/**
 * The text log families: detection from a file's head, and the reader for each.
 * A head that is text in none of them is `text` (read by text/ for the values
 * an analyst would grep for); only a head that really is binary gets null.
 */
import type { LineReader, LineReaderOptions } from './line-reader.js';
import { ZeekTsvReader } from './zeek/zeek-tsv-reader.js';
import { ZeekJsonReader } from './zeek/zeek-json-reader.js';
import { SuricataEveReader } from './suricata/suricata-eve-reader.js';
import { SquidReader } from './squid/squid-reader.js';
import { BindReader } from './bind/bind-reader.js';
import { WindowsDnsReader } from './windows-dns/windows-dns-reader.js';
import { WebAccessReader } from './web-access/web-access-reader.js';
import { DnsmasqReader } from './dnsmasq/dnsmasq-reader.js';
import { TEXT_FORMAT, TextReader } from './text/text-reader.js';
import { WINEVENT_JSON_FORMAT, WINEVENT_XML_FORMAT, WinEventJsonReader, WinEventXmlReader } from './winevent/winevent-reader.js';
import { winEventJsonShape } from './winevent/json-event.js';
import { W3C_FORMAT, W3cReader } from './w3c/w3c-reader.js';
import { looksBinary } from './text/binary-head.js';

export { TEXT_FORMAT };

/** Most bytes of a file's head examined. */
const MAX_DETECT_BYTES = 64 * 1024;
/** Most non-comment lines examined. */
const MAX_DETECT_LINES = 50;
/**
 * Least votes a family needs (unless the head holds a single line): one
 * log-looking line inside an essay, a mail or a CSV export is a quotation,
 * not a log.
 */
const MIN_FAMILY_VOTES = 2;
/**
 * Least share of the examined lines a family needs, as 1/MIN_FAMILY_SHARE_DIVISOR:
 * a quarter. Damage comes in bursts (a crash's zero-filled block, a run of
 * lines with an attacker's bytes), so a real log whose head is half or even
 * two-thirds garbled must still be recognised, while an essay of 50 lines
 * quoting a handful of log lines (under a quarter) is read as text. A log
 * read as text still yields its names, addresses and URLs, so the cost of
 * erring towards text is structure (src, dst, ts), never a silent miss.
 */
const MIN_FAMILY_SHARE_DIVISOR = 4;

/** Text log families the hunt knows (for the "known formats are: …" message). */
export const LOG_FORMATS: readonly string[] = [
  'zeek', 'zeek-json', 'suricata-eve', 'squid', 'bind', 'windows-dns', 'web-access', 'dnsmasq', W3C_FORMAT, WINEVENT_JSON_FORMAT, WINEVENT_XML_FORMAT, TEXT_FORMAT,
];

/**
 * Families whose records span lines (an XML event): a file of one is read
 * front to back by one reader, never split into ranges.
 */
export const MULTI_LINE_FORMATS: readonly string[] = [WINEVENT_XML_FORMAT];

/** The namespace of the Windows event schema, which every exported XML event declares. */
const WINEVENT_XML_NS = 'http://schemas.microsoft.com/win/2004/08/events/event';
/** A head that is Windows events as XML: optional declaration, `<Events>` wrapper or comments, then `<Event` in the event namespace. */
const WINEVENT_XML_HEAD_RE = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<Events(?:\s[^>]*)?>\s*)?<Event\s+xmlns\s*=\s*["']([^"']*)["']/;

const SQUID_RE = /^\d{9,11}\.\d{1,6} +-?\d+ \S+ [A-Z_]+\/\d{1,3} \d+ \S+ \S+/;
const BIND_RE = /\bclient (?:@0x[0-9a-fA-F]+ )?[0-9a-fA-F.:]+(?:%\S+)?#\d+(?: \([^)]*\))?: (?:view [^:]*: )?(?:query|zone transfer|bad zone transfer|transfer|update|notify)/;
const WINDOWS_DNS_RE = /^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4} \d{1,2}:\d{2}:\d{2}(?: ?[AaPp][Mm])? +[0-9A-Fa-f]+ +PACKET +[0-9A-Fa-f]+ +(?:UDP|TCP) +(?:Snd|Rcv) /;
const WINDOWS_DNS_PREAMBLE_RE = /^DNS Server log file creation at |^Message logging key \(for packets/;
/** dnsmasq's syslog lines (`log-facility=FILE` writes the same): BSD or RFC 3339 stamp, optional host, `dnsmasq[pid]: `. */
const DNSMASQ_RE = /^(?:[A-Za-z]{3} {1,2}\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?|\d{4}-\d{2}-\d{2}T\S+) (?:\S+ )?dnsmasq\[\d{1,10}\]: /;
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
  if (winEventJsonShape(r) !== null) return WINEVENT_JSON_FORMAT;
  return null;
}

/** Which family one text line belongs to, or null. */
function detectTextLine(line: string): string | null {
  if (SQUID_RE.test(line)) return 'squid';
  if (WINDOWS_DNS_RE.test(line) || WINDOWS_DNS_PREAMBLE_RE.test(line)) return 'windows-dns';
  if (WEB_ACCESS_RE.test(line)) return 'web-access';
  if (BIND_RE.test(line)) return 'bind';
  if (DNSMASQ_RE.test(line)) return 'dnsmasq';
  return null;
}

/**
 * Detects a log family from the first ≤64 KiB (whole lines) of a file: the
 * family most of its lines belong to (damaged lines are just no votes),
 * `text` for text in no known family, or null for a binary head (a PE, an
 * archive, a capture; see text/binary-head.ts) and for an empty one
 * (nothing to read).
 */
export function detectLogFormat(head: Buffer, path: string): string | null {
  void path; // the content decides; names lie
  const n = Math.min(head.length, MAX_DETECT_BYTES);
  if (n === 0) return null;
  if (looksBinary(head.subarray(0, n))) return null;
  const text = head.toString('utf8', 0, n);
  const xml = WINEVENT_XML_HEAD_RE.exec(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (xml !== null && xml[1] === WINEVENT_XML_NS) return WINEVENT_XML_FORMAT;
  const lines = text.split('\n');
  const votes = new Map<string, number>();
  let examined = 0;
  for (let li = 0; li < lines.length && examined < MAX_DETECT_LINES; li++) {
    let line = lines[li]!;
    if (li === 0 && line.charCodeAt(0) === 0xfeff) line = line.slice(1); // a UTF-8 byte-order mark
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (isBlank(line)) continue;
    if (line.startsWith('#separator ') || line.startsWith('#fields\t')) return 'zeek';
    // W3C extended logs (IIS, Exchange, ProxySG) name their columns in a #Fields directive.
    if (line.startsWith('#Fields:')) return W3C_FORMAT;
    if (line.startsWith('#')) continue;
    examined++;
    const fam = line.startsWith('{') ? detectJsonLine(line) : detectTextLine(line);
    if (fam !== null) votes.set(fam, (votes.get(fam) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestVotes = 0;
  for (const [fam, v] of votes) if (v > bestVotes) { best = fam; bestVotes = v; }
  const enough = bestVotes >= MIN_FAMILY_VOTES || (examined === 1 && bestVotes === 1);
  return best !== null && enough && bestVotes * MIN_FAMILY_SHARE_DIVISOR >= examined ? best : TEXT_FORMAT;
}

/** True for a line of only spaces, tabs and NULs (a zero-filled block left by a crash is no line). */
function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0) return false;
  }
  return true;
}

/**
 * A reader for `family` (one of LOG_FORMATS) reading `path`; `state` comes
 * from another reader's snapshot() (Zeek TSV: the header in force); `opts`
 * says when the file was last written (it dates syslog stamps).
 * Throws for an unknown family (a caller's mistake, not bad input).
 */
export function createLineReader(family: string, path: string, state?: unknown, opts: LineReaderOptions = {}): LineReader {
  switch (family) {
    case 'zeek': return new ZeekTsvReader(path, state);
    case 'zeek-json': return new ZeekJsonReader(path);
    case 'suricata-eve': return new SuricataEveReader(path);
    case 'squid': return new SquidReader(path);
    case 'bind': return new BindReader(path, opts);
    case 'windows-dns': return new WindowsDnsReader(path);
    case 'web-access': return new WebAccessReader(path);
    case 'dnsmasq': return new DnsmasqReader(path, opts);
    case W3C_FORMAT: return new W3cReader(path, state);
    case WINEVENT_JSON_FORMAT: return new WinEventJsonReader(path);
    case WINEVENT_XML_FORMAT: return new WinEventXmlReader(path);
    case TEXT_FORMAT: return new TextReader(path);
    default: throw new Error(`unknown log format ${JSON.stringify(family)}; known formats are: ${LOG_FORMATS.join(', ')}`);
  }
}
