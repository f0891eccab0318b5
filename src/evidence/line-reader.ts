/**
 * What every text-log reader shares: the sink and reader interfaces, the
 * per-line prologue (CR strip, length cap, never-throw guard) and small value
 * helpers (timestamps, addresses, hosts). Pure: no I/O.
 */
import type { Observation, ObservedKind } from '../core/model.js';
import { diag, quoteForDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { MAX_LINE_BYTES } from '../core/limits.js';
import { canonicalIPv6, parseIPv4, parseIPv6 } from '../core/ip.js';

// Readers that scan bytes check addresses with core's parser; kept importable from here.

/** Longest host name or address taken from a record (longer ones are not hosts). */
const MAX_HOST_CHARS = 1024;

/** Receives what a reader finds: observations and diagnostics, in line order. */
export interface ObservationSink {
  observe(o: Observation): void;
  diagnostic(d: Diagnostic): void;
}

/**
 * Tells a reader which values can match before it builds them (the indicator
 * index, seen from below: evidence does not import matching).
 */
export interface ObservationFilter {
  /**
   * False only when no observation of `kind` whose value is the UTF-8 text
   * `b[s, e)` can match; true when it may (or the filter cannot tell).
   */
  mayMatchBytes(kind: ObservedKind, b: Uint8Array, s: number, e: number): boolean;
  /** False only when no observation of `kind` can match, whatever its value (the filter holds nothing of that kind). */
  mayMatchKind?(kind: ObservedKind): boolean;
  /** mayMatchBytes('ip', …) for the dotted quad whose value (parseIPv4Bytes) the caller already has. */
  mayMatchIPv4?(addr: number): boolean;
}

/** A reader for one text log file, fed one physical line at a time. */
export interface LineReader {
  /** Evidence format as stored and shown in sightings (`zeek-dns`, `suricata-eve`, `squid`…). May change after a Zeek header. */
  readonly format: string;
  /** One physical line WITHOUT its terminator (a trailing \r is stripped here); lineNo is 1-based over physical lines. Never throws. */
  readLine(line: Buffer, lineNo: number, sink: ObservationSink): void;
  /** Records read so far. */
  readonly records: number;
  /** Bad records skipped (each reported as a diagnostic) so far. */
  readonly skipped: number;
  /** JSON-serialisable state to resume mid-file in another worker (Zeek TSV: the header in force); null when stateless. */
  snapshot(): unknown;
  /** Readers whose records span lines: the input has ended (a record left open is reported). */
  end?(sink: ObservationSink): void;
  /**
   * Readers that can test values as bytes take a filter and then leave out
   * observations it says cannot match (records, skips and diagnostics are
   * unchanged). Only for a caller that matches observations and nothing else.
   */
  setFilter?(filter: ObservationFilter | null): void;
  /**
   * Readers with a byte-level fast path (Zeek dns.log under a filter): passes
   * over, from the line start `pos`, the whole lines of `b[pos, end)` (`end`
   * just after a `\n`) whose bytes alone show that readLine would find a
   * well-formed record, report nothing and observe nothing the filter may
   * match; each counts as a record, as readLine would count it. Stops at the
   * first line it cannot vouch for (a header, damage, an escape, a value that
   * may match, a line over `maxLine` bytes): the caller reads that one with
   * readLine. Returns where it stopped and how many lines it passed over.
   */
  skipLines?(b: Buffer, pos: number, end: number, maxLine: number): SkippedLines;
}

/** What LineReader.skipLines passed over: `lines` whole lines, up to the line start `pos`. */
export interface SkippedLines {
  pos: number;
  lines: number;
}

/**
 * Base of every reader: strips a trailing CR, skips empty lines, rejects
 * over-long lines and turns any unexpected exception into a diagnostic, then
 * hands the line's content `[0, end)` to `readRecord`.
 */
export abstract class BaseLineReader implements LineReader {
  format: string;
  records = 0;
  skipped = 0;
  protected readonly path: string;
  /** Whether this file's unreadable timestamps were already reported (once per file: one bad clock is one problem). */
  private timestampReported = false;

  constructor(path: string, format: string) {
    this.path = path;
    this.format = format;
  }

  /** Reads one line; see LineReader.readLine. */
  readLine(line: Buffer, lineNo: number, sink: ObservationSink): void {
    let end = line.length;
    if (end > 0 && line[end - 1] === 0x0d) end--;
    if (end === 0) return;
    if (end > MAX_LINE_BYTES) {
      this.reject(sink, lineNo, `line too long (${end} bytes)`);
      return;
    }
    try {
      this.readRecord(line, end, lineNo, sink);
    } catch (e) {
      // A reader bug must not stop the hunt; report it against the line.
      this.reject(sink, lineNo, `unreadable record: ${quoteForDiagnostic(String((e as Error)?.message ?? e))}`);
    }
  }

  /** Parses one non-empty line `line[0, end)`. */
  protected abstract readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void;

  /** Counts a bad record and reports it as `path:line: reason`. */
  protected reject(sink: ObservationSink, lineNo: number, reason: string): void {
    this.skipped++;
    sink.diagnostic(diag('bad-record', this.path, reason, { line: lineNo }));
  }

  /**
   * Reports, once per file, that a record's timestamp was expected but not
   * understood (`stamp`, or null when the record has none at all): its
   * sightings carry no time, which would otherwise go unnoticed. A warning,
   * not a skip: the record is still read.
   */
  protected reportNoTimestamp(sink: ObservationSink, lineNo: number, stamp: string | null): void {
    if (this.timestampReported) return;
    this.timestampReported = true;
    const what = stamp === null ? 'no timestamp on this line' : `timestamp "${quoteForDiagnostic(stamp, 40)}" not understood`;
    sink.diagnostic(diag('no-timestamp', this.path,
      `${what}; sightings from this file carry no time (further lines not reported)`, { line: lineNo }));
  }

  /** Stateless by default. */
  snapshot(): unknown {
    return null;
  }
}

/** Builds an observation (one monomorphic shape, so the hot paths stay fast). */
export function makeObservation(
  field: string, kind: ObservedKind, value: string, ts: number | null,
  src: string | null, dst: string | null, line: number,
): Observation {
  return { field, kind, value, ts, src, dst, line };
}

/** True for bytes 0-9. */
function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/**
 * Epoch seconds with an optional fraction (`1521911720.865716`) in
 * `b[s, e)` → integer epoch ms (fraction truncated to ms), or null.
 */
export function parseEpochBytes(b: Uint8Array, s: number, e: number): number | null {
  if (s >= e || e - s > 40) return null;
  let i = s;
  let secs = 0;
  let digits = 0;
  while (i < e && isDigit(b[i])) { secs = secs * 10 + (b[i]! - 0x30); i++; digits++; }
  if (digits === 0 || digits > 12) return null;
  let ms = 0;
  if (i < e) {
    if (b[i] !== 0x2e) return null;
    i++;
    let scale = 100;
    let fd = 0;
    while (i < e && isDigit(b[i])) {
      if (scale >= 1) ms += (b[i]! - 0x30) * scale;
      scale /= 10; i++; fd++;
    }
    if (i !== e || fd === 0) return null;
  }
  return secs * 1000 + Math.floor(ms);
}

/** Epoch seconds as a JSON number or string → integer epoch ms (via its decimal text, so no float drift), or null. */
export function parseEpochValue(v: unknown): number | null {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) return null;
    const s = String(v);
    if (s.indexOf('e') >= 0) return Math.floor(v * 1000);
    return parseEpochBytes(Buffer.from(s, 'latin1'), 0, s.length);
  }
  if (typeof v === 'string') return parseEpochBytes(Buffer.from(v, 'latin1'), 0, v.length);
  return null;
}

/** Reads `n` digits at `s[i]` as a number, or -1. */
function readDigits(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Days from 1970-01-01 to a civil date (proleptic Gregorian). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** A validated civil date and time (UTC) → epoch ms, or null when out of range. */
export function civilToMs(y: number, mo: number, d: number, h: number, mi: number, sec: number, ms: number): number | null {
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return null;
  return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + sec * 1000 + ms;
}

/**
 * ISO 8601 date-time (`2018-03-24T17:15:20.865716Z`, `2016-01-12T09:31:29.573215+0100`,
 * `+01:00`, no zone = UTC) → integer epoch ms (fraction truncated), or null.
 */
export function parseIsoMs(s: string): number | null {
  if (s.length < 19 || s.length > 40) return null;
  const y = readDigits(s, 0, 4), mo = readDigits(s, 5, 2), d = readDigits(s, 8, 2);
  const h = readDigits(s, 11, 2), mi = readDigits(s, 14, 2), sec = readDigits(s, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return null;
  if (s[4] !== '-' || s[7] !== '-' || (s[10] !== 'T' && s[10] !== ' ') || s[13] !== ':' || s[16] !== ':') return null;
  let i = 19;
  let ms = 0;
  if (s[i] === '.' || s[i] === ',') {
    i++;
    let scale = 100, fd = 0;
    while (i < s.length) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (scale >= 1) ms += c * scale;
      scale /= 10; i++; fd++;
    }
    if (fd === 0) return null;
    ms = Math.floor(ms);
  }
  let offsetMin = 0;
  if (i < s.length) {
    const z = s[i];
    if (z === 'Z' || z === 'z') i++;
    else if (z === '+' || z === '-') {
      const oh = readDigits(s, i + 1, 2);
      let om: number;
      let next: number;
      if (s[i + 3] === ':') { om = readDigits(s, i + 4, 2); next = i + 6; } else { om = readDigits(s, i + 3, 2); next = i + 5; }
      if (oh < 0 || om < 0 || oh > 23 || om > 59) return null;
      offsetMin = (oh * 60 + om) * (z === '-' ? -1 : 1);
      i = next;
    } else return null;
  }
  if (i !== s.length) return null;
  const t = civilToMs(y, mo, d, h, mi, sec, ms);
  return t === null ? null : t - offsetMin * 60000;
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

/** `Oct` (any case) → 10, or 0. */
export function monthNumber(abbrev: string): number {
  return MONTHS[abbrev.toLowerCase()] ?? 0;
}

/** A BSD syslog stamp, `Dec  1 03:23:32` (journalctl: `Dec 01`; fraction allowed), at the start of a line. */
const SYSLOG_TIME_RE = /^([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?= )/;

/** The current UTC year: the default for syslog stamps, which carry none. */
export function currentUtcYear(): number {
  return new Date().getUTCFullYear();
}

/**
 * A BSD syslog stamp at the start of `s` (`Dec  1 03:23:32`) in `year` → its
 * epoch ms (the host's local time, taken as UTC like every zoneless stamp) and
 * length; null when `s` does not start with one or the date is impossible.
 * Syslog writes no year, so the caller says which.
 */
export function parseSyslogTime(s: string, year: number, referenceMs?: number): { ms: number; length: number } | null {
  const m = SYSLOG_TIME_RE.exec(s);
  if (!m) return null;
  const mo = monthNumber(m[1]!);
  if (mo === 0) return null;
  const ms = m[6] === undefined ? 0 : Number(m[6].slice(0, 3).padEnd(3, '0'));
  let t = civilToMs(year, mo, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms);
  // A stamp after the file was last written belongs to the year before (a December line in a log closed in January).
  if (t !== null && referenceMs !== undefined && t > referenceMs + SYSLOG_FUTURE_SLACK_MS) {
    t = civilToMs(year - 1, mo, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms);
  }
  return t === null ? null : { ms: t, length: m[0].length };
}

/** How far past the file's modification time a syslog stamp may lie (clock skew, zones) before it is taken as last year's. */
const SYSLOG_FUTURE_SLACK_MS = 2 * 24 * 3600 * 1000;

/** What a reader may be told about the file it reads. */
export interface LineReaderOptions {
  /** The year bare syslog stamps fall in (default: the year of referenceMs, else the current UTC year). */
  year?: number;
  /** When the file was last written (epoch ms): dates syslog stamps, which carry no year. */
  referenceMs?: number;
}

/** The year and reference time a reader dates syslog stamps with. */
export function syslogClock(opts: LineReaderOptions): { year: number; referenceMs: number | undefined } {
  const year = opts.year ?? (opts.referenceMs !== undefined ? new Date(opts.referenceMs).getUTCFullYear() : currentUtcYear());
  return { year, referenceMs: opts.year === undefined ? opts.referenceMs : undefined };
}

/** True when `s` is an IPv4 or IPv6 address (IPv6 zone allowed; no brackets). */
export function looksLikeIp(s: string): boolean {
  const n = s.length;
  if (n < 2 || n > 60) return false;
  if (s.indexOf(':') >= 0) return parseIPv6(s) !== null;
  const c = s.charCodeAt(0);
  if (c < 48 || c > 57) return false;
  return parseIPv4(s) !== null;
}

/** An address written for src/dst: IPv6 in canonical form, anything else as seen. */
export function canonicalAddr(s: string): string {
  if (s.indexOf(':') < 0) return s;
  return canonicalIPv6(s) ?? s;
}

/** True when `s` can be a host name as seen in a log (no spaces, controls, quotes or URL syntax). */
export function looksLikeHostName(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > MAX_HOST_CHARS) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x22 || c === 0x27 || c === 0x2f || c === 0x3c || c === 0x3e || c === 0x40
      || c === 0x5c || c === 0x3a || c === 0x2c || c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d) return false;
  }
  return true;
}

/**
 * A `Host` value or `host:port` authority → the bare host and its kind
 * (`[v6]:port`, `v4:port`, bare IPv6 accepted), or null when it is no host.
 */
export function splitHost(authority: string): { host: string; kind: 'ip' | 'domain' } | null {
  let h = authority.trim();
  if (h.length === 0 || h.length > MAX_HOST_CHARS) return null;
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    if (close < 0) return null;
    h = h.slice(1, close);
    return looksLikeIp(h) ? { host: h, kind: 'ip' } : null;
  }
  const first = h.indexOf(':');
  if (first >= 0) {
    if (h.indexOf(':', first + 1) >= 0) return looksLikeIp(h) ? { host: h, kind: 'ip' } : null; // bare IPv6
    h = h.slice(0, first);
  }
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h.length === 0) return null;
  if (looksLikeIp(h)) return { host: h, kind: 'ip' };
  return looksLikeHostName(h) ? { host: h, kind: 'domain' } : null;
}

/** True when `s` starts with an http(s) scheme and `://` (a request's absolute-form target). */
export function isAbsoluteHttpUrl(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c !== 0x68 && c !== 0x48) return false;
  const lower = s.slice(0, 8).toLowerCase();
  return lower.startsWith('http://') || lower.startsWith('https://');
}

/** The authority of an absolute URL (`http://user@host:8080/x` → `host:8080`), or null. */
export function urlAuthority(url: string): string | null {
  const p = url.indexOf('://');
  if (p < 0) return null;
  let end = url.length;
  for (let i = p + 3; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23) { end = i; break; }
  }
  const auth = url.slice(p + 3, end);
  const at = auth.lastIndexOf('@');
  return at >= 0 ? auth.slice(at + 1) : auth;
}

/** True when `b[s, e)` contains a control byte other than TAB (binary garbage in a text log). */
export function hasControlBytes(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** Emits one DNS answer entry: an address as `ip`, a name (CNAME/PTR/MX target) as `domain`, TXT and others nothing. */
export function emitDnsAnswer(a: string, ts: number | null, src: string | null, dst: string | null, line: number, sink: ObservationSink): void {
  if (looksLikeIp(a)) sink.observe(makeObservation('dns.answer', 'ip', a, ts, src, dst, line));
  else if (looksLikeHostName(a) && a.indexOf('.') > 0) sink.observe(makeObservation('dns.answer', 'domain', a, ts, src, dst, line));
}


/** Feeds every line of an in-memory text (LF or CRLF) to `reader`, numbering from `firstLine`. For small inputs and tests; the hunt streams. */
export function readBuffer(reader: LineReader, text: Buffer, sink: ObservationSink, firstLine = 1): void {
  let start = 0;
  let lineNo = firstLine;
  while (start < text.length) {
    let nl = text.indexOf(0x0a, start);
    if (nl < 0) nl = text.length;
    reader.readLine(text.subarray(start, nl), lineNo++, sink);
    start = nl + 1;
  }
}

/** A sink that keeps everything, for tests and small inputs. */
export function collectingSink(): ObservationSink & { observations: Observation[]; diagnostics: Diagnostic[] } {
  const observations: Observation[] = [];
  const diagnostics: Diagnostic[] = [];
  return { observations, diagnostics, observe: (o) => { observations.push(o); }, diagnostic: (d) => { diagnostics.push(d); } };
}

/**
 * A JSON.parse failure as a short reason, its attacker-controlled part
 * quoted. Node 22 appends "(line 1 column N)" to V8's message; it is
 * dropped so the reason reads the same on every supported Node.
 */
export function describeJsonError(e: unknown): string {
  const message = String((e as Error)?.message ?? e).replace(/ \(line \d+ column \d+\)$/, '');
  return `broken JSON: ${quoteForDiagnostic(message, 120)}`;
}
