/**
 * Windows DNS Server debug log (dns.log), packet lines as Microsoft documents them:
 * `11/27/2026 2:14:05 PM 0E84 PACKET  000000A1B2C3D4E0 UDP Rcv 10.0.0.1        0001   Q [0001   D   NOERROR] A      (3)www(7)example(3)com(0)`
 * (date, time, thread, context, packet, protocol, Snd/Rcv, remote IP, xid,
 * `R` for a response, opcode, [flags hex, flag chars, rcode], qtype, question).
 * Each packet line gives `dns.query`. The remote is the client on received
 * queries and sent responses; on sent queries and received responses (the
 * server resolving upstream) it is the other end. The remote is also given as
 * `conn.orig_h` (a client) or `conn.resp_h` (an upstream server), as the Zeek
 * readers give connection ends, so an address indicator meets it. The
 * preamble, detail lines and non-packet events are skipped silently. The
 * server's local time is taken as UTC; a date that cannot be read leaves the
 * record without time and is reported once per file (`no-timestamp`).
 */
import { BaseLineReader, canonicalAddr, civilToMs, hasControlBytes, looksLikeIp, makeObservation, type ObservationSink } from '../line-reader.js';

/** Longest question name decoded (characters of the wire form). */
const MAX_QNAME_CHARS = 1024;

const PACKET_RE = /^(\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}) (\d{1,2}):(\d{2}):(\d{2})(?: ?([AaPp][Mm]))? +[0-9A-Fa-f]+ +PACKET +[0-9A-Fa-f]+ +(UDP|TCP) +(Snd|Rcv) +(\S+) +[0-9A-Fa-f]{1,4} +(R +)?[A-Z?] +\[[^\]]*\] +\S+ +(\S+)/;

/** A debug-log date and time → epoch ms (as UTC): M/D/YYYY (D/M/YYYY when the first part is over 12), D.M.YYYY, YYYY-M-D; or null. */
export function parseWindowsDnsTime(date: string, h: number, mi: number, sec: number, ampm: string | undefined): number | null {
  const p = date.split(/[/.-]/).map(Number);
  if (p.length !== 3) return null;
  let y: number, mo: number, d: number;
  if (p[0]! > 31) [y, mo, d] = [p[0]!, p[1]!, p[2]!];
  else if (date.indexOf('.') >= 0 || p[0]! > 12) [d, mo, y] = [p[0]!, p[1]!, p[2]!];
  else [mo, d, y] = [p[0]!, p[1]!, p[2]!];
  let hour = h;
  if (ampm !== undefined) {
    if (hour < 1 || hour > 12) return null;
    const pm = ampm.toUpperCase() === 'PM';
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  return civilToMs(y, mo, d, hour, mi, sec, 0);
}

/** `(3)www(7)example(3)com(0)` → `www.example.com`; null when it is not in that form or is the root. */
export function decodeWindowsQname(wire: string): string | null {
  if (wire.length > MAX_QNAME_CHARS || wire.charCodeAt(0) !== 0x28) return null;
  const labels: string[] = [];
  let i = 0;
  while (i < wire.length) {
    if (wire.charCodeAt(i) !== 0x28) return null;
    const close = wire.indexOf(')', i);
    if (close < 0 || close - i > 4) return null;
    const n = Number(wire.slice(i + 1, close));
    if (!Number.isInteger(n) || n < 0 || n > 63) return null;
    if (n === 0) return close === wire.length - 1 && labels.length > 0 ? labels.join('.') : null;
    if (close + 1 + n > wire.length) return null;
    labels.push(wire.slice(close + 1, close + 1 + n));
    i = close + 1 + n;
  }
  return null; // no terminating (0)
}

/** Reads Windows DNS Server debug logs. */
export class WindowsDnsReader extends BaseLineReader {
  constructor(path: string) {
    super(path, 'windows-dns');
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    if (hasControlBytes(line, 0, end)) { this.reject(sink, lineNo, 'not a windows-dns record (control bytes)'); return; }
    const text = line.toString('utf8', 0, end);
    if (text.indexOf(' PACKET ') < 0) return;
    const m = PACKET_RE.exec(text);
    if (!m || !looksLikeIp(m[8]!)) { this.reject(sink, lineNo, 'not a windows-dns packet record'); return; }
    const name = decodeWindowsQname(m[10]!);
    if (name === null && m[10] !== '(0)') { this.reject(sink, lineNo, 'bad question name'); return; }
    this.records++;
    const ts = parseWindowsDnsTime(m[1]!, Number(m[2]), Number(m[3]), Number(m[4]), m[5]);
    if (ts === null) this.reportNoTimestamp(sink, lineNo, text.slice(0, text.indexOf(' PACKET ')).replace(/ +[0-9A-Fa-f]+$/, ''));
    const remote = canonicalAddr(m[8]!);
    const response = m[9] !== undefined;
    const fromClient = (m[7] === 'Rcv') !== response; // Rcv query or Snd response
    const src = fromClient ? remote : null;
    const dst = fromClient ? null : remote;
    if (name !== null) sink.observe(makeObservation('dns.query', 'domain', name, ts, src, dst, lineNo));
    if (dst !== null) sink.observe(makeObservation('conn.resp_h', 'ip', dst, ts, src, dst, lineNo));
    if (src !== null) sink.observe(makeObservation('conn.orig_h', 'ip', src, ts, src, dst, lineNo));
  }
}
