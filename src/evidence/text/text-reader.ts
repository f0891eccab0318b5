/**
 * Any text in no known log format (notes, CSV exports, firewall or mail logs,
 * pasted headers), read line by line for the values an analyst would grep
 * for: `text.url`, `text.domain`, `text.ip`, `text.email`, `text.hash`.
 * The line number is the provenance; there is no src or dst (free text does
 * not say who asked whom). ts is the line's leading RFC 3339 timestamp when it
 * carries an explicit zone, else null: a time without a zone could be any
 * zone's, and a wrong time is worse than none.
 */
import type { ObservedKind } from '../../core/model.js';
import { diag } from '../../core/diagnostic.js';
import { BaseLineReader, makeObservation, parseIsoMs, type ObservationFilter, type ObservationSink } from '../line-reader.js';
import { MAX_VALUES_PER_LINE, mayExceedValues, scanLine } from './text-scan.js';

/** The evidence format of text in no known log format. */
export const TEXT_FORMAT = 'text';

/** Longest leading timestamp looked at (`2024-01-02T03:04:05.123456789+01:00` is 35). */
const MAX_TIMESTAMP_CHARS = 40;

/** The observation field of each kind of value. */
const FIELD: Record<ObservedKind, string> = {
  domain: 'text.domain', ip: 'text.ip', url: 'text.url', email: 'text.email', hash: 'text.hash', filename: 'text.filename',
  imphash: 'text.imphash',
};

/** The kinds of value free text yields. */
const TEXT_KINDS: readonly ObservedKind[] = ['domain', 'ip', 'url', 'email', 'hash'];

/** Reads any text for domains, addresses, URLs, e-mail addresses and hashes. */
export class TextReader extends BaseLineReader {
  /** Set by a filter that can match no kind of value text yields (a case of YARA rules only): lines are then only counted. */
  private blind = false;

  constructor(path: string) {
    super(path, TEXT_FORMAT);
  }

  /** See LineReader.setFilter: with a filter that no text value can match, a line is scanned only if it may be cut (its diagnostic stays). */
  setFilter(filter: ObservationFilter | null): void {
    const f = filter;
    this.blind = f?.mayMatchKind !== undefined && TEXT_KINDS.every((k) => !f.mayMatchKind!(k));
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    this.records++;
    if (this.blind && !mayExceedValues(line, end)) return;
    const { values, cut } = scanLine(line, end);
    const ts = values.length === 0 ? null : leadingTimestamp(line, end);
    for (const v of values) sink.observe(makeObservation(FIELD[v.kind], v.kind, v.value, ts, null, null, lineNo));
    if (cut) {
      sink.diagnostic(diag('too-large', this.path, `more than ${MAX_VALUES_PER_LINE} values on the line; the first ${MAX_VALUES_PER_LINE} were taken`, { line: lineNo }));
    }
  }
}

/** True for bytes 0-9. */
function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

/**
 * A timestamp at the very start of the line (`2024-01-02T03:04:05Z`,
 * `2024-01-02 03:04:05.123+01:00`) → epoch ms, or null, also when it has no zone.
 */
export function leadingTimestamp(b: Uint8Array, end: number): number | null {
  if (end < 20 || !isDigit(b[0]) || !isDigit(b[3]) || b[4] !== 0x2d || b[7] !== 0x2d) return null;
  const sep = b[10];
  if (sep !== 0x54 && sep !== 0x20 && sep !== 0x74) return null;
  // Seconds end at 19; then an optional fraction (`.` or `,` and digits) and the zone, which must be there.
  let e = 19;
  const max = Math.min(end, MAX_TIMESTAMP_CHARS);
  if (e < max && (b[e] === 0x2e || b[e] === 0x2c)) {
    e++;
    while (e < max && isDigit(b[e])) e++;
  }
  const z = b[e];
  if (e < max && (z === 0x5a || z === 0x7a)) e++;
  else if (e < max && (z === 0x2b || z === 0x2d)) {
    e += 3; // sign and hours
    if (e < max && b[e] === 0x3a) e++;
    e += 2; // minutes
    if (e > max) return null;
  } else return null;
  const s = Buffer.from(b.buffer, b.byteOffset, e).toString('latin1');
  return parseIsoMs(sep === 0x74 ? s.slice(0, 10) + 'T' + s.slice(11) : s);
}
