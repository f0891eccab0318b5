/**
 * BIND 9 query and security logs, native or wrapped in syslog:
 * `19-Oct-2022 05:34:02.425 [category: severity: ]client [@0x…] 1.2.3.4#3076 (name): [view x: ]query: name IN A +E(0)K (server)`
 * and the denied forms `query (cache) 'x/NS/IN' denied`, `zone transfer 'x/AXFR/IN' denied`,
 * `bad zone transfer request: 'x/IN': …`. Each gives `dns.query` with the client as src.
 * BIND's timestamp is taken as UTC; a syslog stamp without a year gives ts null.
 * Lines without a client (zone loads, notices) are skipped silently.
 */
import { quoteForDiagnostic } from '../../core/diagnostic.js';
import { BaseLineReader, canonicalAddr, civilToMs, hasControlBytes, looksLikeIp, makeObservation, monthNumber, type ObservationSink } from '../line-reader.js';

/** Longest line prefix searched for BIND's own timestamp. */
const MAX_PREFIX_CHARS = 200;

const CLIENT_RE = /\bclient (?:@0x[0-9a-fA-F]+ )?([0-9a-fA-F.:]+(?:%[\w.-]+)?)#\d+(?: \([^)]*\))?: (?:view [^:]*: )?(.*)$/;
const QUERY_RE = /^query: (\S+) /;
const QUOTED_NAME_RE = /'([^'/]*)\/[^']*'/;
const BIND_TIME_RE = /(\d{2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?/;

/** BIND's `DD-Mon-YYYY HH:MM:SS.mmm` anywhere in `s` → epoch ms (as UTC), or null. */
export function parseBindTime(s: string): number | null {
  const m = BIND_TIME_RE.exec(s);
  if (!m) return null;
  const mo = monthNumber(m[2]!);
  if (mo === 0) return null;
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  return civilToMs(Number(m[3]), mo, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
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
  constructor(path: string) {
    super(path, 'bind');
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
    const name = queriedName(m[2]!);
    if (name === null) return;
    const ts = parseBindTime(text.slice(0, Math.min(at, MAX_PREFIX_CHARS)));
    sink.observe(makeObservation('dns.query', 'domain', name, ts, src, null, lineNo));
  }
}
