/**
 * Suricata EVE JSON, one event per line, dispatched on `event_type`: dns (v1
 * per-record and v2/v3 `queries`/`answers`/`grouped`), http, tls, fileinfo,
 * flow/netflow, alert (with its http/tls/dns sub-objects). Other event types
 * (stats…) are read and yield nothing.
 */
import { BaseLineReader, describeJsonError, canonicalAddr, emitDnsAnswer, isAbsoluteHttpUrl, makeObservation, parseIsoMs, splitHost, type ObservationSink } from '../line-reader.js';

/** Most DNS queries/answers read from one event. */
const MAX_DNS_ENTRIES = 1024;

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** The ends of one event: which address asked (src) and which answered (dst). */
interface Ends { ts: number | null; src: string | null; dst: string | null; line: number }

/** Reads Suricata eve.json. */
export class SuricataEveReader extends BaseLineReader {
  constructor(path: string) {
    super(path, 'suricata-eve');
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    let o: unknown;
    try {
      o = JSON.parse(line.toString('utf8', 0, end));
    } catch (e) {
      this.reject(sink, lineNo, describeJsonError(e));
      return;
    }
    const ev = obj(o);
    if (!ev) { this.reject(sink, lineNo, 'not a JSON object'); return; }
    const type = str(ev['event_type']);
    if (type === null) { this.reject(sink, lineNo, 'no event_type'); return; }
    this.records++;
    const ts = typeof ev['timestamp'] === 'string' ? parseIsoMs(ev['timestamp']) : null;
    const srcIp = str(ev['src_ip']);
    const destIp = str(ev['dest_ip']);
    const a = srcIp === null ? null : canonicalAddr(srcIp);
    const b = destIp === null ? null : canonicalAddr(destIp);
    const fwd: Ends = { ts, src: a, dst: b, line: lineNo };
    const rev: Ends = { ts, src: b, dst: a, line: lineNo };
    switch (type) {
      case 'dns': emitDns(obj(ev['dns']), fwd, rev, sink); return;
      // Both ends too, as for Zeek's http and ssl logs: an address indicator matches the session itself.
      case 'http': emitHttp(obj(ev['http']), fwd, sink); emitEnds(fwd, sink); return;
      case 'tls': emitTls(obj(ev['tls']), fwd, sink); emitEnds(fwd, sink); return;
      case 'fileinfo': emitFileinfo(obj(ev['fileinfo']), rev, sink); return;
      case 'flow': case 'netflow': emitEnds(fwd, sink); return;
      case 'alert': {
        // An alert on a server's packet is logged server → client.
        const alert = obj(ev['alert']);
        const e = alert && alert['direction'] === 'to_client' ? rev : fwd;
        emitHttp(obj(ev['http']), e, sink);
        emitTls(obj(ev['tls']), e, sink);
        emitDns(obj(ev['dns']), fwd, rev, sink);
        emitEnds(e, sink);
        return;
      }
      default:
        return;
    }
  }
}

/** `conn.resp_h` then `conn.orig_h`. */
function emitEnds(e: Ends, sink: ObservationSink): void {
  if (e.dst !== null) sink.observe(makeObservation('conn.resp_h', 'ip', e.dst, e.ts, e.src, e.dst, e.line));
  if (e.src !== null) sink.observe(makeObservation('conn.orig_h', 'ip', e.src, e.ts, e.src, e.dst, e.line));
}

/** dns: a query record is logged client → server, an answer record server → client. */
function emitDns(dns: Obj | null, fwd: Ends, rev: Ends, sink: ObservationSink): void {
  if (!dns) return;
  const t = dns['type'];
  const isAnswer = t === 'answer' || t === 'response' || (t === undefined && (dns['answers'] !== undefined || dns['grouped'] !== undefined));
  const e = isAnswer ? rev : fwd;
  const seen = new Set<string>();
  const query = (name: unknown): void => {
    const n = str(name);
    if (n !== null && !seen.has(n)) { seen.add(n); sink.observe(makeObservation('dns.query', 'domain', n, e.ts, e.src, e.dst, e.line)); }
  };
  // v1: one record per event; v2: rrname at top level; v3: queries[].
  query(dns['rrname']);
  const queries = dns['queries'];
  if (Array.isArray(queries)) for (const q of queries.slice(0, MAX_DNS_ENTRIES)) query(obj(q)?.['rrname']);
  if (!isAnswer) return;
  const answers: string[] = [];
  if (dns['rdata'] !== undefined) { const r = str(dns['rdata']); if (r !== null) answers.push(r); }
  const list = dns['answers'];
  const grouped = obj(dns['grouped']);
  if (Array.isArray(list)) {
    for (const x of list.slice(0, MAX_DNS_ENTRIES)) { const r = str(obj(x)?.['rdata']); if (r !== null) answers.push(r); }
  } else if (grouped) {
    for (const type of Object.keys(grouped)) {
      const g = grouped[type];
      if (Array.isArray(g)) for (const x of g.slice(0, MAX_DNS_ENTRIES)) { const r = str(x); if (r !== null) answers.push(r); }
    }
  }
  for (const r of answers) emitDnsAnswer(r, e.ts, e.src, e.dst, e.line, sink);
}

/** http: hostname, and the URL built from hostname + url. */
function emitHttp(http: Obj | null, e: Ends, sink: ObservationSink): void {
  if (!http) return;
  const hostname = str(http['hostname']);
  const url = str(http['url']);
  const host = hostname === null ? null : splitHost(hostname);
  if (host) sink.observe(makeObservation('http.host', host.kind, host.host, e.ts, e.src, e.dst, e.line));
  if (url === null) return;
  if (isAbsoluteHttpUrl(url)) { sink.observe(makeObservation('http.url', 'url', url, e.ts, e.src, e.dst, e.line)); return; }
  if (!host || hostname === null || url.charCodeAt(0) !== 0x2f) return;
  const port = typeof http['http_port'] === 'number' && http['http_port'] !== 80 ? `:${http['http_port']}` : '';
  const authority = host.kind === 'ip' && host.host.indexOf(':') >= 0 ? `[${host.host}]` : host.host;
  sink.observe(makeObservation('http.url', 'url', `http://${authority}${port}${url}`, e.ts, e.src, e.dst, e.line));
}

function emitTls(tls: Obj | null, e: Ends, sink: ObservationSink): void {
  const sni = tls ? str(tls['sni']) : null;
  if (sni !== null) sink.observe(makeObservation('tls.sni', 'domain', sni, e.ts, e.src, e.dst, e.line));
}

/** fileinfo is logged in the file's direction: the receiver (src here) is dest_ip. */
function emitFileinfo(fi: Obj | null, e: Ends, sink: ObservationSink): void {
  if (!fi) return;
  for (const alg of ['md5', 'sha1', 'sha256'] as const) {
    const h = str(fi[alg]);
    if (h !== null) sink.observe(makeObservation(`file.${alg}`, 'hash', h, e.ts, e.src, e.dst, e.line));
  }
  const name = str(fi['filename']);
  if (name !== null) sink.observe(makeObservation('file.name', 'filename', name, e.ts, e.src, e.dst, e.line));
}
