/**
 * Turns one Zeek record (TSV or JSON, seen through a field accessor) into
 * observations, by log kind: dns, http, conn, ssl, files, x509, smtp, other.
 */
import type { ObservationSink } from '../line-reader.js';
import {
  canonicalAddr, emitDnsAnswer, isAbsoluteHttpUrl, looksLikeHostName, looksLikeIp, makeObservation, splitHost,
} from '../line-reader.js';

/** Longest `#path` kept in a format name (`zeek-<path>`). */
const MAX_PATH_CHARS = 64;

/** Read access to one record's fields by Zeek name (`id.orig_h`); unset and empty fields read as null / []. */
export interface ZeekRecordAccess {
  /** The field's string value, or null when absent, unset or empty. */
  str(name: string): string | null;
  /** A set/vector field's entries (a scalar reads as one entry), or [] when absent, unset or empty. */
  list(name: string): string[];
  /** Whether the record has the field at all. */
  has(name: string): boolean;
}

/** The Zeek log kinds given special treatment; any other path is read for its connection ends. */
export const ZEEK_KINDS = ['dns', 'http', 'conn', 'ssl', 'files', 'x509', 'smtp'] as const;

/** Guesses a log kind from the fields present when the record names no path. */
export function inferZeekKind(has: (name: string) => boolean): string | null {
  if (has('query') && has('qtype')) return 'dns';
  if (has('method') && has('host') && has('uri')) return 'http';
  if (has('server_name') || (has('version') && has('cipher'))) return 'ssl';
  if (has('proto') && has('conn_state')) return 'conn';
  if (has('fuid') && (has('md5') || has('sha1') || has('sha256') || has('mime_type') || has('source'))) return 'files';
  if (has('certificate.subject') || has('san.dns')) return 'x509';
  if (has('mailfrom') || has('rcptto')) return 'smtp';
  return null;
}

/** The evidence format for a log path: `zeek-<path>` with the path reduced to safe characters. */
export function formatForZeekPath(path: string | null): string {
  if (!path) return 'zeek';
  const safe = path.toLowerCase().replace(/[^a-z0-9_.-]/g, '_').slice(0, MAX_PATH_CHARS);
  return safe ? `zeek-${safe}` : 'zeek';
}

/** The address in a field for src/dst (IPv6 canonical), or null. */
function readAddr(rec: ZeekRecordAccess, name: string): string | null {
  const v = rec.str(name);
  return v === null ? null : canonicalAddr(v);
}

/** Emits `conn.resp_h` then `conn.orig_h` when present. */
function emitEnds(rec: ZeekRecordAccess, ts: number | null, src: string | null, dst: string | null, line: number, sink: ObservationSink): void {
  if (dst !== null) sink.observe(makeObservation('conn.resp_h', 'ip', dst, ts, src, dst, line));
  if (src !== null) sink.observe(makeObservation('conn.orig_h', 'ip', src, ts, src, dst, line));
}

/** Emits the observations of one record of log `kind`. */
export function emitZeekRecord(kind: string | null, rec: ZeekRecordAccess, ts: number | null, line: number, sink: ObservationSink): void {
  const src = readAddr(rec, 'id.orig_h');
  const dst = readAddr(rec, 'id.resp_h');
  switch (kind) {
    case 'dns': {
      const q = rec.str('query');
      if (q !== null) sink.observe(makeObservation('dns.query', 'domain', q, ts, src, dst, line));
      for (const a of rec.list('answers')) emitDnsAnswer(a, ts, src, dst, line, sink);
      return;
    }
    case 'http':
      emitHttp(rec, ts, src, dst, line, sink);
      emitEnds(rec, ts, src, dst, line, sink);
      return;
    case 'ssl': {
      const sni = rec.str('server_name');
      if (sni !== null) sink.observe(makeObservation('tls.sni', 'domain', sni, ts, src, dst, line));
      emitEnds(rec, ts, src, dst, line, sink);
      return;
    }
    case 'files':
      emitFiles(rec, ts, src, dst, line, sink);
      return;
    case 'x509':
      emitX509(rec, ts, src, dst, line, sink);
      return;
    case 'smtp': {
      const from = rec.str('mailfrom');
      if (from !== null) sink.observe(makeObservation('smtp.from', 'email', from, ts, src, dst, line));
      for (const to of rec.list('rcptto')) sink.observe(makeObservation('smtp.to', 'email', to, ts, src, dst, line));
      emitEnds(rec, ts, src, dst, line, sink);
      return;
    }
    default:
      emitEnds(rec, ts, src, dst, line, sink);
  }
}

/** http.log: host (port stripped), the request URL, then both ends. */
function emitHttp(rec: ZeekRecordAccess, ts: number | null, src: string | null, dst: string | null, line: number, sink: ObservationSink): void {
  const hostField = rec.str('host');
  const uri = rec.str('uri');
  const host = hostField === null ? null : splitHost(hostField);
  if (host) sink.observe(makeObservation('http.host', host.kind, host.host, ts, src, dst, line));
  if (uri === null) return;
  if (isAbsoluteHttpUrl(uri)) {
    sink.observe(makeObservation('http.url', 'url', uri, ts, src, dst, line));
    return;
  }
  if (uri.charCodeAt(0) !== 0x2f) return; // `*`, CONNECT authority: no URL
  let authority: string | null = null;
  if (host && hostField !== null) authority = hostField.trim();
  else if (dst !== null) {
    // No Host header: the server's address (and port when not 80) stands in.
    const port = rec.str('id.resp_p');
    const h = dst.indexOf(':') >= 0 ? `[${dst}]` : dst;
    authority = port !== null && port !== '80' ? `${h}:${port}` : h;
  }
  if (authority !== null) sink.observe(makeObservation('http.url', 'url', `http://${authority}${uri}`, ts, src, dst, line));
}

/** files.log: hashes and name; src is the host that received the file. */
function emitFiles(rec: ZeekRecordAccess, ts: number | null, src: string | null, dst: string | null, line: number, sink: ObservationSink): void {
  const rx = rec.list('rx_hosts');
  const tx = rec.list('tx_hosts');
  const fsrc = rx.length > 0 ? canonicalAddr(rx[0]!) : src;
  const fdst = tx.length > 0 ? canonicalAddr(tx[0]!) : dst;
  for (const alg of ['md5', 'sha1', 'sha256'] as const) {
    const h = rec.str(alg);
    if (h !== null) sink.observe(makeObservation(`file.${alg}`, 'hash', h, ts, fsrc, fdst, line));
  }
  const name = rec.str('filename');
  if (name !== null) sink.observe(makeObservation('file.name', 'filename', name, ts, fsrc, fdst, line));
}

/** x509.log: SAN DNS names, and the subject CN when it is a host name. */
function emitX509(rec: ZeekRecordAccess, ts: number | null, src: string | null, dst: string | null, line: number, sink: ObservationSink): void {
  for (const san of rec.list('san.dns')) {
    sink.observe(makeObservation('x509.san', 'domain', san, ts, src, dst, line));
  }
  const subject = rec.str('certificate.subject');
  const cn = subject === null ? null : subjectCommonName(subject);
  if (cn !== null) sink.observe(makeObservation('x509.san', 'domain', cn, ts, src, dst, line));
}

/** The CN of an X.509 subject (`CN=www.example.org,O=…`) when it is a dotted host name (`*.` dropped), else null. */
export function subjectCommonName(subject: string): string | null {
  const m = /(?:^|[,/]\s*)CN=([^,/]+)/.exec(subject);
  if (!m) return null;
  let cn = m[1]!.trim();
  if (cn.startsWith('*.')) cn = cn.slice(2);
  if (cn.indexOf('.') <= 0 || looksLikeIp(cn) || !looksLikeHostName(cn)) return null;
  return cn;
}
