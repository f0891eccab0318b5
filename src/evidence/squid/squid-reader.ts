/**
 * Squid's native access.log:
 * `time elapsed client code/status bytes method URL user hierarchy/peer type`,
 * e.g. `1198298239.740    388 127.0.0.1 TCP_MISS/301 631 GET http://www.slashdot.org/ graeme DIRECT/66.35.250.151 text/html`.
 * `#` comment lines are skipped silently. A record whose time is not epoch
 * seconds is still read, without time; the first is reported (`no-timestamp`).
 */
import {
  BaseLineReader, canonicalAddr, hasControlBytes, looksLikeIp, makeObservation, parseEpochBytes, splitHost, urlAuthority,
  type ObservationSink,
} from '../line-reader.js';

/** Fields of a native record up to the peer (`type` and anything after are optional). */
const MIN_SQUID_FIELDS = 7;
/** Fields read from a record; more are ignored. */
const MAX_SQUID_FIELDS = 10;

/** Splits on runs of spaces, at most `max` fields (the last one not split further). */
export function splitSpaces(s: string, max: number): string[] {
  const out: string[] = [];
  const n = s.length;
  let i = 0;
  while (i < n && out.length < max) {
    while (i < n && s.charCodeAt(i) === 0x20) i++;
    if (i >= n) break;
    let j = i;
    while (j < n && s.charCodeAt(j) !== 0x20) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

/** Reads Squid native access logs. */
export class SquidReader extends BaseLineReader {
  constructor(path: string) {
    super(path, 'squid');
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    if (line[0] === 0x23) return;
    let s = 0;
    while (s < end && (line[s] === 0x20 || line[s] === 0x09)) s++;
    if (s === end) return;
    const f = hasControlBytes(line, s, end) ? [] : splitSpaces(line.toString('utf8', s, end).replace(/\t/g, ' '), MAX_SQUID_FIELDS);
    const [time, , client, code, , method, url] = f;
    if (f.length < MIN_SQUID_FIELDS || time === undefined || code === undefined || code.indexOf('/') <= 0
      || client === undefined || method === undefined || url === undefined) {
      this.reject(sink, lineNo, 'not a squid record');
      return;
    }
    // A record whose time is damaged still names a client and a URL: read it,
    // and say (once) that its sightings carry no time.
    const ts = parseEpochBytes(line, s, s + Buffer.byteLength(time));
    if (ts === null) this.reportNoTimestamp(sink, lineNo, time);
    this.records++;
    const src = canonicalAddr(client);
    const peer = f[8] === undefined ? null : peerOf(f[8]);
    const dst = peer === null ? null : looksLikeIp(peer) ? canonicalAddr(peer) : peer;
    if (method === 'CONNECT') {
      const host = splitHost(url);
      if (host && /:\d{1,5}$/.test(url)) sink.observe(makeObservation('http.host', host.kind, host.host, ts, src, dst, lineNo));
    } else if (/^[a-zA-Z][a-zA-Z0-9+.-]{0,15}:\/\//.test(url)) {
      const auth = urlAuthority(url);
      const host = auth === null ? null : splitHost(auth);
      if (host) sink.observe(makeObservation('http.host', host.kind, host.host, ts, src, dst, lineNo));
      sink.observe(makeObservation('http.url', 'url', url, ts, src, dst, lineNo));
    }
    if (dst !== null && looksLikeIp(dst)) sink.observe(makeObservation('conn.resp_h', 'ip', dst, ts, src, dst, lineNo));
    if (looksLikeIp(client)) sink.observe(makeObservation('conn.orig_h', 'ip', src, ts, src, dst, lineNo));
  }
}

/** `DIRECT/66.35.250.151` → `66.35.250.151`; `HIER_NONE/-` → null. */
function peerOf(hier: string): string | null {
  const slash = hier.indexOf('/');
  if (slash < 0) return null;
  const p = hier.slice(slash + 1);
  return p === '' || p === '-' ? null : p;
}
