/**
 * BIND 9 query and security logs, native or wrapped in syslog:
 * `[stamp ][category: severity: ]client [@0x…] 1.2.3.4#3076 (name): [view x: ]query: name IN A +E(0)K (10.0.0.53)`
 * and the denied forms `query (cache) 'x/NS/IN' denied`, `zone transfer 'x/AXFR/IN' denied`,
 * `bad zone transfer request: 'x/IN': …`. Each gives `dns.query` with the client as src
 * and, on query lines, the server address the query arrived on (the final
 * `(10.0.0.53)`) as dst; then the ends as `conn.resp_h` / `conn.orig_h`, as the
 * Zeek readers do, so an address indicator meets the client or the server.
 *
 * Stamps, by `print-time` (BIND 9.18): `yes`/`local` `01-Dec-2026 03:23:32.877`,
 * `iso8601` `2026-12-01T03:23:32.877` (local time, no zone: seen in 9.18),
 * `iso8601-utc` `2026-12-01T03:23:32.877Z`, an offset when one is written,
 * `no` none. Zoneless stamps are taken as UTC. Inside syslog, BIND's own stamp
 * wins (it has a year); a bare syslog stamp takes its year from the
 * constructor (default: the current UTC year), since syslog writes none.
 * A record whose stamp is missing or not understood is still read, and the
 * first one is reported once as a `no-timestamp` warning.
 * Lines without a client (zone loads, notices) are skipped silently.
 */
import { quoteForDiagnostic } from '../../core/diagnostic.js';
import {
  BaseLineReader, canonicalAddr, civilToMs, hasControlBytes, looksLikeIp, makeObservation, monthNumber,
  parseIsoMs, parseSyslogTime, syslogClock, type LineReaderOptions, type ObservationSink,
} from '../line-reader.js';

/** Longest line prefix searched for BIND's own timestamp. */
const MAX_PREFIX_CHARS = 200;

const CLIENT_RE = /\bclient (?:@0x[0-9a-fA-F]+ )?([0-9a-fA-F.:]+(?:%[\w.-]+)?)#\d+(?: \([^)]*\))?: (?:view [^:]*: )?(.*)$/;
const QUERY_RE = /^query: (\S+) /;
/** The server address a query arrived on: the last parenthesised word of a query line. */
const SERVER_RE = /\(([0-9a-fA-F.:]+)\)$/;
const QUOTED_NAME_RE = /'([^'/]*)\/[^']*'/;
const BIND_TIME_RE = /(\d{2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?/;
/** An ISO 8601 stamp as the first word (`print-time iso8601`, `iso8601-utc`, RFC 3339 syslog). */
const ISO_FIRST_RE = /^\d{4}-\d{2}-\d{2}T\S+/;
/** A first word that looks like a stamp of some kind (so a failure to read it is worth saying). */
const STAMP_LIKE_RE = /^(?:\d\S*|[A-Z][a-z]{2} +\d{1,2} \S+)/;

/** BIND's `DD-Mon-YYYY HH:MM:SS.mmm` anywhere in `s` → epoch ms (as UTC), or null. */
export function parseBindTime(s: string): number | null {
  const m = BIND_TIME_RE.exec(s);
  if (!m) return null;
  const mo = monthNumber(m[2]!);
  if (mo === 0) return null;
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  return civilToMs(Number(m[3]), mo, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
}

/**
 * The time of a record from the text before `client ` in any print-time style
 * (see the file comment), or null. `year` is for a bare syslog stamp.
 */
export function parseBindPrefixTime(prefix: string, year: number, referenceMs?: number): number | null {
  const iso = ISO_FIRST_RE.exec(prefix);
  if (iso) {
    // An RFC 3339 syslog stamp may wrap BIND's own; BIND's, when present, is the record's.
    return parseBindTime(prefix) ?? parseIsoMs(iso[0]);
  }
  return parseBindTime(prefix) ?? parseSyslogTime(prefix, year, referenceMs)?.ms ?? null;
}

/** The queried name of a client message, or null (`.` is the root: no name). */
function queriedName(msg: string): string | null {
  const m = QUERY_RE.exec(msg) ?? QUOTED_NAME_RE.exec(msg);
  if (!m) return null;
  const name = m[1]!;
  return name === '' || name === '.' ? null : name;
}

/** Reads BIND 9 logs. */
export class BindReader extends BaseLineReader {
  private readonly year: number;
  /** When the file was last written: a syslog stamp after it is last year's. */
  private readonly referenceMs: number | undefined;

  /** `year` dates bare syslog stamps, which carry none (default: the current UTC year). */
  constructor(path: string, opts: LineReaderOptions = {}) {
    super(path, 'bind');
    ({ year: this.year, referenceMs: this.referenceMs } = syslogClock(opts));
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    if (line[0] === 0x23) return;
    if (hasControlBytes(line, 0, end)) { this.reject(sink, lineNo, 'not a bind record (control bytes)'); return; }
    const text = line.toString('utf8', 0, end);
    const at = text.indexOf('client ');
    if (at < 0) return;
    const m = CLIENT_RE.exec(text.slice(at === 0 ? 0 : at - 1));
    if (!m || !looksLikeIp(m[1]!.replace(/%.*$/, ''))) {
      this.reject(sink, lineNo, `not a bind client record: ${quoteForDiagnostic(text.slice(at, at + 60))}`);
      return;
    }
    this.records++;
    const src = canonicalAddr(m[1]!.replace(/%.*$/, ''));
    const msg = m[2]!;
    const prefix = text.slice(0, Math.min(at, MAX_PREFIX_CHARS));
    const ts = parseBindPrefixTime(prefix, this.year, this.referenceMs);
    if (ts === null) {
      const stamp = STAMP_LIKE_RE.exec(prefix);
      this.reportNoTimestamp(sink, lineNo, stamp === null ? null : stamp[0]);
    }
    const server = QUERY_RE.test(msg) ? SERVER_RE.exec(msg) : null;
    const dst = server !== null && looksLikeIp(server[1]!) ? canonicalAddr(server[1]!) : null;
    const name = queriedName(msg);
    if (name !== null) sink.observe(makeObservation('dns.query', 'domain', name, ts, src, dst, lineNo));
    if (dst !== null) sink.observe(makeObservation('conn.resp_h', 'ip', dst, ts, src, dst, lineNo));
    sink.observe(makeObservation('conn.orig_h', 'ip', src, ts, src, dst, lineNo));
  }
}
