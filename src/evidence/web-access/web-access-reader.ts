/**
 * Web server access logs: common/combined
 * (`1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a?b HTTP/1.1" 200 2326 "ref" "UA"`)
 * and vhost_combined (`host:port 1.2.3.4 - - [..] "GET …" …`). The client is
 * src (`conn.orig_h` when an address); the virtual host gives `http.host` and,
 * with the target, `http.url` (port 443 → https). Absolute-form targets are used as is.
 * A record whose `[date]` is not understood is still read, without time; the
 * first is reported (`no-timestamp`). parseAccessRecord is the per-record
 * parse, shared with WebAccessRecordReader (records, not observations: a
 * sinkhole hunt's reader).
 */
import { quoteForDiagnostic } from '../../core/diagnostic.js';
import {
  BaseLineReader, canonicalAddr, civilToMs, hasControlBytes, isAbsoluteHttpUrl, looksLikeIp, makeObservation, monthNumber,
  splitHost, urlAuthority, type ObservationSink,
} from '../line-reader.js';

/** Longest prefix (vhost, client, ident, user) before the `[date]`. */
const MAX_PREFIX_CHARS = 2048;

const DATE_RE = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** `10/Oct/2000:13:55:36 -0700` → epoch ms, or null. */
export function parseAccessLogTime(s: string): number | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const mo = monthNumber(m[2]!);
  if (mo === 0) return null;
  const t = civilToMs(Number(m[3]), mo, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), 0);
  if (t === null) return null;
  const off = (Number(m[8]) * 60 + Number(m[9])) * (m[7] === '-' ? -1 : 1);
  return t - off * 60000;
}

/** The quoted field at `s[i]` (`"…"`, `\"` escaped) → its text and the index just past its closing quote, or null. */
function readQuoted(s: string, i: number): { text: string; end: number } | null {
  if (s.charCodeAt(i) !== 0x22) return null;
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 0x5c) { j += 2; continue; }
    if (c === 0x22) return { text: s.slice(i + 1, j), end: j + 1 };
    j++;
  }
  return null;
}

/**
 * One access log record, parsed (parseAccessRecord): what the reader makes
 * its observations of, and what a sinkhole hunt counts a beacon by.
 */
export interface AccessRecord {
  /** The vhost_combined virtual host field as written (`host:port`); null in common and combined records. */
  vhostField: string | null;
  /** The virtual host's host, when the vhost field names one. */
  vhost: { host: string; kind: 'ip' | 'domain' } | null;
  /** The client field as written. */
  client: string;
  /** The client as src (IPv6 in canonical form, anything else as written). */
  src: string;
  /** The text between `[` and `]`, and it as epoch ms (null when not understood). */
  stamp: string;
  ts: number | null;
  /** The request line's first two words (`GET`, `/a?b`); `target` undefined when it has one word (`"-"`). */
  method: string;
  target: string | undefined;
  /** The last quoted field after the request, with its escapes as logged (combined formats), when asked for; else null. */
  userAgent: string | null;
}

/**
 * Parses one line `line[0, end)` (no terminator, no `#` comment) into a
 * record, or says why it is none. `withUserAgent` also reads the user agent
 * (a normal hunt has no use for it).
 */
export function parseAccessRecord(line: Buffer, end: number, withUserAgent = false): AccessRecord | { reason: string } {
  const text = hasControlBytes(line, 0, end) ? '' : line.toString('utf8', 0, end);
  const open = text.indexOf(' [');
  const close = open < 0 ? -1 : text.indexOf('] ', open);
  if (open <= 0 || open > MAX_PREFIX_CHARS || close < 0) return { reason: 'not a web access record' };
  const prefix = text.slice(0, open).split(' ');
  if (prefix.length !== 3 && prefix.length !== 4) return { reason: `not a web access record: ${quoteForDiagnostic(text.slice(0, open), 60)}` };
  const request = readQuoted(text, close + 2);
  if (request === null) return { reason: 'not a web access record' };
  const stamp = text.slice(open + 2, close);
  const vhostField = prefix.length === 4 ? prefix[0]! : null;
  const client = prefix.length === 4 ? prefix[1]! : prefix[0]!;
  const [method, target] = request.text.split(' ');
  return {
    vhostField, vhost: vhostField === null ? null : splitHost(vhostField), client, src: canonicalAddr(client),
    stamp, ts: parseAccessLogTime(stamp), method: method!, target, userAgent: withUserAgent ? lastQuoted(text, request.end) : null,
  };
}

/** The last of the quoted fields after `from` (combined: `status bytes "referer" "user agent"`), or null when there is none. */
function lastQuoted(text: string, from: number): string | null {
  let last: string | null = null;
  let i = text.indexOf('"', from);
  while (i >= 0) {
    const q = readQuoted(text, i);
    if (q === null) break;
    last = q.text;
    i = text.indexOf('"', q.end);
  }
  return last;
}

/**
 * The URL a record requested, as the reader's `http.url` gives it: an
 * absolute-form target as is; a path with the virtual host
 * (`http://host[:port]<target>`, port 443 → https); otherwise null.
 */
export function accessRecordUrl(r: AccessRecord): string | null {
  const { target } = r;
  if (target === undefined || r.method === 'CONNECT') return null;
  if (isAbsoluteHttpUrl(target)) return target;
  if (r.vhost && r.vhostField !== null && target.charCodeAt(0) === 0x2f) return buildUrl(r.vhostField, r.vhost.host, target);
  return null;
}

/** Reads web server access logs. */
export class WebAccessReader extends BaseLineReader {
  constructor(path: string) {
    super(path, 'web-access');
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    const r = this.parseRecord(line, end, lineNo, sink, false);
    if (r === null) return;
    const { ts, src, vhost, vhostField, method, target } = r;
    const dst = vhost ? vhost.host : null;
    if (method === 'CONNECT' && target !== undefined) {
      const h = splitHost(target);
      if (h) sink.observe(makeObservation('http.host', h.kind, h.host, ts, src, dst, lineNo));
    } else if (target !== undefined && isAbsoluteHttpUrl(target)) {
      const auth = urlAuthority(target);
      const h = vhost ?? (auth === null ? null : splitHost(auth));
      if (h) sink.observe(makeObservation('http.host', h.kind, h.host, ts, src, dst, lineNo));
      sink.observe(makeObservation('http.url', 'url', target, ts, src, dst, lineNo));
    } else if (vhost && vhostField !== null) {
      sink.observe(makeObservation('http.host', vhost.kind, vhost.host, ts, src, dst, lineNo));
      if (target !== undefined && target.charCodeAt(0) === 0x2f) {
        sink.observe(makeObservation('http.url', 'url', buildUrl(vhostField, vhost.host, target), ts, src, dst, lineNo));
      }
    }
    if (looksLikeIp(r.client)) sink.observe(makeObservation('conn.orig_h', 'ip', src, ts, src, dst, lineNo));
  }

  /**
   * Parses a line into a record, counting it; null (after a diagnostic) when
   * it is none, or for a `#` comment. A record whose date is damaged still
   * names a client and a request: it is read, and (once) said to carry no time.
   */
  protected parseRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink, withUserAgent: boolean): AccessRecord | null {
    if (line[0] === 0x23) return null;
    const r = parseAccessRecord(line, end, withUserAgent);
    if ('reason' in r) { this.reject(sink, lineNo, r.reason); return null; }
    if (r.ts === null) this.reportNoTimestamp(sink, lineNo, r.stamp);
    this.records++;
    return r;
  }
}

/**
 * Reads web server access logs into records rather than observations (a
 * sinkhole hunt counts every request): each record goes to `onRecord` with
 * its user agent; bad lines are diagnostics as in WebAccessReader.
 */
export class WebAccessRecordReader extends WebAccessReader {
  constructor(path: string, private readonly onRecord: (r: AccessRecord, lineNo: number) => void) {
    super(path);
  }

  protected override readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    const r = this.parseRecord(line, end, lineNo, sink, true);
    if (r !== null) this.onRecord(r, lineNo);
  }
}

/** `http://host[:port]<target>` from a vhost field (`host:443` → https, default ports dropped). */
function buildUrl(vhostField: string, host: string, target: string): string {
  const m = /:(\d{1,5})$/.exec(vhostField);
  const port = m && !(host.indexOf(':') >= 0 && !vhostField.startsWith('[')) ? m[1]! : '';
  const scheme = port === '443' ? 'https' : 'http';
  const h = host.indexOf(':') >= 0 ? `[${host}]` : host;
  const p = port === '' || port === '80' || port === '443' ? '' : `:${port}`;
  return `${scheme}://${h}${p}${target}`;
}
