/**
 * Web server access logs: common/combined
 * (`1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /a?b HTTP/1.1" 200 2326 "ref" "UA"`)
 * and vhost_combined (`host:port 1.2.3.4 - - [..] "GET …" …`). The client is
 * src (`conn.orig_h` when an address); the virtual host gives `http.host` and,
 * with the target, `http.url` (port 443 → https). Absolute-form targets are used as is.
 * A record whose `[date]` is not understood is still read, without time; the
 * first is reported (`no-timestamp`).
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

/** The quoted request at `s[i]` (`"…"`, `\"` escaped) → its text, or null. */
function readQuoted(s: string, i: number): string | null {
  if (s.charCodeAt(i) !== 0x22) return null;
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 0x5c) { j += 2; continue; }
    if (c === 0x22) return s.slice(i + 1, j);
    j++;
  }
  return null;
}

/** Reads web server access logs. */
export class WebAccessReader extends BaseLineReader {
  constructor(path: string) {
    super(path, 'web-access');
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    if (line[0] === 0x23) return;
    const text = hasControlBytes(line, 0, end) ? '' : line.toString('utf8', 0, end);
    const open = text.indexOf(' [');
    const close = open < 0 ? -1 : text.indexOf('] ', open);
    if (open <= 0 || open > MAX_PREFIX_CHARS || close < 0) { this.reject(sink, lineNo, 'not a web access record'); return; }
    const prefix = text.slice(0, open).split(' ');
    if (prefix.length !== 3 && prefix.length !== 4) {
      this.reject(sink, lineNo, `not a web access record: ${quoteForDiagnostic(text.slice(0, open), 60)}`);
      return;
    }
    const request = readQuoted(text, close + 2);
    if (request === null) { this.reject(sink, lineNo, 'not a web access record'); return; }
    // A record whose date is damaged still names a client and a request: read
    // it, and say (once) that its sightings carry no time.
    const stamp = text.slice(open + 2, close);
    const ts = parseAccessLogTime(stamp);
    if (ts === null) this.reportNoTimestamp(sink, lineNo, stamp);
    this.records++;
    const vhostField = prefix.length === 4 ? prefix[0]! : null;
    const client = prefix.length === 4 ? prefix[1]! : prefix[0]!;
    const src = canonicalAddr(client);
    const vhost = vhostField === null ? null : splitHost(vhostField);
    const dst = vhost ? vhost.host : null;
    const [method, target] = request.split(' ');
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
    if (looksLikeIp(client)) sink.observe(makeObservation('conn.orig_h', 'ip', src, ts, src, dst, lineNo));
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
