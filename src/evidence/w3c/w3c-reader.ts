/**
 * W3C extended log files (https://www.w3.org/TR/WD-logfile.html) as
 * Microsoft IIS (and Exchange's IIS logs) and Blue Coat / Symantec ProxySG
 * write them. The `#Fields:` directive names the columns and may change
 * mid-file (as in Zeek: the state ranges carry); `#Software:`, `#Version:`,
 * `#Date:`, `#Remark:` and other directives are read over. Fields are
 * separated by spaces or tabs; a field in double quotes may hold spaces (a
 * doubled quote inside is one quote; ProxySG quotes user agents); `-` is an
 * empty field. IIS writes spaces inside a value as `+`: values are kept as
 * written.
 *
 * Observations, as the other web readers give them: `http.host` (`cs-host`),
 * `http.url` (scheme from `cs-uri-scheme`, else the port: 443 is https; host
 * from `cs-host`; port `cs-uri-port` or `s-port`; path `cs-uri-stem` or
 * `cs-uri-path`; query `cs-uri-query`; or an absolute `cs-uri`), and both
 * ends: `conn.orig_h` the client (`c-ip`), `conn.resp_h` the server — IIS's
 * own address (`s-ip`), or a proxy's upstream (`r-ip`, `s-supplier-ip`; a
 * proxy's `s-ip` is the proxy itself, not an end). `src` is the client,
 * `dst` the host requested (or the server's address). Time: `date` and
 * `time` (UTC, as IIS and ProxySG write them), or `date-time`.
 */
import {
  BaseLineReader, canonicalAddr, hasControlBytes, isAbsoluteHttpUrl, looksLikeIp, makeObservation, parseIsoMs, splitHost, urlAuthority,
  type ObservationSink,
} from '../line-reader.js';

/** Evidence format of W3C extended logs. */
export const W3C_FORMAT = 'w3c';
/** Most columns a `#Fields:` directive may name (IIS has about 20, ProxySG's main format 25). */
const MAX_W3C_FIELDS = 256;

/** The state a range of a W3C log starts in: the columns in force. */
export interface W3cState {
  fields: string[] | null;
}

/** Column positions of the fields this reader uses (-1: not logged). */
interface Columns {
  date: number; time: number; dateTime: number; clientIp: number; serverIp: number; upstreamIp: number; serverPort: number;
  method: number; scheme: number; host: number; uriPort: number; stem: number; path: number; query: number; uri: number;
}

function columnsOf(fields: readonly string[]): Columns {
  const at = (...names: string[]) => {
    for (const n of names) {
      const i = fields.indexOf(n);
      if (i >= 0) return i;
    }
    return -1;
  };
  const proxy = fields.includes('s-action') || fields.includes('cs-uri-scheme') || fields.includes('s-hierarchy');
  return {
    date: at('date'), time: at('time'), dateTime: at('date-time'), clientIp: at('c-ip'),
    // A proxy's s-ip is its own address, not an end of the request.
    serverIp: proxy ? -1 : at('s-ip'), upstreamIp: at('r-ip', 's-supplier-ip'), serverPort: at('s-port'),
    method: at('cs-method'), scheme: at('cs-uri-scheme'), host: at('cs-host', 'cs(host)'), uriPort: at('cs-uri-port', 'r-port'),
    stem: at('cs-uri-stem'), path: at('cs-uri-path'), query: at('cs-uri-query'), uri: at('cs-uri'),
  };
}

/**
 * Splits a W3C record into fields: runs of spaces or tabs separate them; a
 * field that starts with `"` runs to the next lone `"` (`""` is a quote).
 * Null when a quote is left open.
 */
export function splitW3cFields(s: string, max: number): string[] | null {
  const out: string[] = [];
  const n = s.length;
  let i = 0;
  while (i < n && out.length < max) {
    while (i < n && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x09)) i++;
    if (i >= n) break;
    if (s.charCodeAt(i) === 0x22) {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = s.indexOf('"', j);
        if (q < 0) return null;
        v += s.slice(j, q);
        if (s.charCodeAt(q + 1) === 0x22) { v += '"'; j = q + 2; continue; }
        i = q + 1;
        break;
      }
      out.push(v);
    } else {
      let j = i;
      while (j < n && s.charCodeAt(j) !== 0x20 && s.charCodeAt(j) !== 0x09) j++;
      out.push(s.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** A field's value, or null when it is absent or `-`. */
function field(f: readonly string[], i: number): string | null {
  if (i < 0) return null;
  const v = f[i];
  return v === undefined || v === '' || v === '-' ? null : v;
}

/** The URL a record requested (see the file comment), or null when the log does not say enough. */
function w3cUrl(f: readonly string[], c: Columns, host: string | null): string | null {
  const uri = field(f, c.uri);
  if (uri !== null && isAbsoluteHttpUrl(uri)) return uri;
  const path = field(f, c.stem) ?? field(f, c.path) ?? (uri !== null && uri.charCodeAt(0) === 0x2f ? uri : null);
  if (host === null || path === null || path.charCodeAt(0) !== 0x2f) return null;
  const port = field(f, c.uriPort) ?? field(f, c.serverPort);
  let scheme = field(f, c.scheme)?.toLowerCase() ?? (port === '443' ? 'https' : 'http');
  if (scheme !== 'http' && scheme !== 'https') {
    if (scheme === 'ssl' || scheme === 'tls') scheme = 'https';
    else return null; // ProxySG's tcp (tunnels), ftp, rtsp…: no web URL
  }
  const defaultPort = scheme === 'https' ? '443' : '80';
  const p = port === null || port === defaultPort || !/^\d{1,5}$/.test(port) ? '' : `:${port}`;
  const h = host.indexOf(':') >= 0 ? `[${host}]` : host;
  let q = field(f, c.query) ?? '';
  if (q !== '' && q.charCodeAt(0) !== 0x3f) q = `?${q}`;
  return `${scheme}://${h}${p}${path}${q}`;
}

/** Reads W3C extended logs (IIS, Exchange, ProxySG). */
export class W3cReader extends BaseLineReader {
  private fields: string[] | null = null;
  private cols: Columns | null = null;

  constructor(path: string, state?: unknown) {
    super(path, W3C_FORMAT);
    const s = state as W3cState | undefined;
    if (s && Array.isArray(s.fields) && s.fields.every((x) => typeof x === 'string')) this.setFields(s.fields);
  }

  private setFields(fields: string[]): void {
    this.fields = fields;
    this.cols = columnsOf(fields);
  }

  override snapshot(): W3cState {
    return { fields: this.fields };
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    if (line[0] === 0x23) {
      const text = line.toString('utf8', 0, end);
      const m = /^#Fields:\s*(.*)$/i.exec(text);
      if (m) {
        const names = m[1]!.trim().split(/\s+/).filter((x) => x !== '');
        if (names.length === 0 || names.length > MAX_W3C_FIELDS) {
          this.fields = null;
          this.cols = null;
          this.reject(sink, lineNo, names.length === 0 ? 'a #Fields directive naming no field' : `a #Fields directive naming more than ${MAX_W3C_FIELDS} fields`);
        } else this.setFields(names.map((x) => x.toLowerCase()));
      }
      return;
    }
    let s = 0;
    while (s < end && (line[s] === 0x20 || line[s] === 0x09)) s++;
    if (s === end) return;
    const cols = this.cols;
    if (cols === null || this.fields === null) {
      this.reject(sink, lineNo, 'a record before any #Fields directive');
      return;
    }
    const f = hasControlBytes(line, s, end) ? null : splitW3cFields(line.toString('utf8', s, end), this.fields.length + 1);
    if (f === null || f.length !== this.fields.length) {
      this.reject(sink, lineNo, f === null ? 'not a W3C record (control bytes or an open quote)' : `${f.length} fields where #Fields names ${this.fields.length}`);
      return;
    }
    this.records++;
    const ts = this.timeOf(f, cols);
    if (ts === null) this.reportNoTimestamp(sink, lineNo, field(f, cols.date) === null ? null : `${field(f, cols.date)} ${field(f, cols.time) ?? ''}`.trim());
    const client = field(f, cols.clientIp);
    const src = client !== null && looksLikeIp(client) ? canonicalAddr(client) : null;
    const server = field(f, cols.upstreamIp) ?? field(f, cols.serverIp);
    const serverIp = server !== null && looksLikeIp(server) ? canonicalAddr(server) : null;
    const method = field(f, cols.method);
    let hostField = field(f, cols.host);
    const uri = field(f, cols.uri);
    if (hostField === null && uri !== null && isAbsoluteHttpUrl(uri)) hostField = urlAuthority(uri);
    const host = hostField === null ? null : splitHost(hostField);
    const dst = host !== null ? host.host : serverIp;
    if (host !== null) sink.observe(makeObservation('http.host', host.kind, host.host, ts, src, dst, lineNo));
    if (method !== 'CONNECT') {
      const url = w3cUrl(f, cols, host === null ? null : host.host);
      if (url !== null) sink.observe(makeObservation('http.url', 'url', url, ts, src, dst, lineNo));
    }
    if (serverIp !== null) sink.observe(makeObservation('conn.resp_h', 'ip', serverIp, ts, src, dst, lineNo));
    if (src !== null) sink.observe(makeObservation('conn.orig_h', 'ip', src, ts, src, dst, lineNo));
  }

  /** `date` + `time` (`2024-03-01` `10:11:12[.123]`, UTC) or `date-time` (ISO 8601) → epoch ms, or null. */
  private timeOf(f: readonly string[], c: Columns): number | null {
    const dt = field(f, c.dateTime);
    if (dt !== null) return parseIsoMs(dt.endsWith('Z') || /[+-]\d{2}:?\d{2}$/.test(dt) ? dt : `${dt}Z`);
    const d = field(f, c.date);
    const t = field(f, c.time);
    if (d === null || t === null || !/^\d{4}-\d{2}-\d{2}$/.test(d) || !/^\d{1,2}:\d{2}:\d{2}(?:\.\d{1,7})?$/.test(t)) return null;
    return parseIsoMs(`${d}T${t.indexOf(':') === 1 ? `0${t}` : t}Z`);
  }
}
