/**
 * Zeek's ASCII (TSV) logs: `#separator`, `#set_separator`, `#empty_field`,
 * `#unset_field`, `#path`, `#fields` headers (honoured again when they recur
 * mid-file, as in concatenated rotated logs), then one record per line.
 * Hot path: the separator offsets are found with one byte scan and only the
 * columns needed are decoded; dns.log has its own allocation-light path.
 * Given a filter (the indicator index), that path first asks it about the
 * query's and answers' bytes, and builds strings, the timestamp, the ends
 * and observations only for values that may match.
 */
import {
  BaseLineReader, emitDnsAnswer, makeObservation, parseEpochBytes, canonicalAddr,
  type ObservationFilter, type ObservationSink, type SkippedLines,
} from '../line-reader.js';
import { MAX_LINE_BYTES } from '../../core/limits.js';
import { isIPv4Bytes, parseIPv4Bytes } from '../../core/ip.js';
import { quoteForDiagnostic } from '../../core/diagnostic.js';
import { ZEEK_KINDS, emitZeekRecord, formatForZeekPath, inferZeekKind, type ZeekRecordAccess } from './zeek-record.js';

/** Most columns a `#fields` header may declare. */
const MAX_ZEEK_FIELDS = 1024;
/** Longest header value kept (separators, unset/empty markers, path). */
const MAX_HEADER_VALUE_CHARS = 256;
/** Most entries read from one set/vector field. */
const MAX_SET_ENTRIES = 4096;

/** The header in force: what snapshot() returns and createLineReader accepts. */
export interface ZeekTsvState {
  separator: string;
  setSeparator: string;
  emptyField: string;
  unsetField: string;
  path: string | null;
  fields: string[] | null;
}

/** Zeek's defaults, used until a header says otherwise. */
function defaultState(): ZeekTsvState {
  return { separator: '\t', setSeparator: ',', emptyField: '(empty)', unsetField: '-', path: null, fields: null };
}

/** Validates a state from another worker's snapshot(); anything malformed falls back to the defaults. */
function readState(state: unknown): ZeekTsvState {
  const d = defaultState();
  if (typeof state !== 'object' || state === null) return d;
  const s = state as Record<string, unknown>;
  const str = (v: unknown, dflt: string): string => (typeof v === 'string' && v.length > 0 && v.length <= MAX_HEADER_VALUE_CHARS ? v : dflt);
  const fields = Array.isArray(s['fields']) && s['fields'].length <= MAX_ZEEK_FIELDS && s['fields'].every((f) => typeof f === 'string')
    ? (s['fields'] as string[]).slice() : null;
  return {
    separator: str(s['separator'], d.separator),
    setSeparator: str(s['setSeparator'], d.setSeparator),
    emptyField: str(s['emptyField'], d.emptyField),
    unsetField: str(s['unsetField'], d.unsetField),
    path: typeof s['path'] === 'string' && s['path'].length <= MAX_HEADER_VALUE_CHARS ? s['path'] : null,
    fields,
  };
}

/** Decodes Zeek's `\xHH` escapes in a header value (`#separator \x09`). */
function unescapeHeader(s: string): string {
  return s.replace(/\\x([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Decodes a field with Zeek's escapes: `\xHH` is the byte HH, `\\` a backslash; the result is read as UTF-8. */
export function decodeZeekEscapes(b: Uint8Array, s: number, e: number): string {
  const out = Buffer.allocUnsafe(e - s);
  let o = 0;
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c === 0x5c && i + 1 < e) {
      const n = b[i + 1]!;
      if (n === 0x5c) { out[o++] = 0x5c; i++; continue; }
      if (n === 0x78 && i + 3 < e) {
        const hi = hexValue(b[i + 2]!), lo = hexValue(b[i + 3]!);
        if (hi >= 0 && lo >= 0) { out[o++] = hi * 16 + lo; i += 3; continue; }
      }
    }
    out[o++] = c;
  }
  return out.toString('utf8', 0, o);
}

/** Node's unchecked slice decoders (public on Buffer.prototype, absent from @types/node); the callers bounds-check. */
interface FastSlices { latin1Slice(s: number, e: number): string; utf8Slice(s: number, e: number): string }

function latin1Slice(b: Buffer, s: number, e: number): string {
  return (b as unknown as FastSlices).latin1Slice(s, e);
}

function utf8Slice(b: Buffer, s: number, e: number): string {
  return (b as unknown as FastSlices).utf8Slice(s, e);
}

/** True when `b[s, e)` is all 7-bit bytes (so latin1 decoding equals UTF-8 and is cheaper). */
function isAsciiRun(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i]! >= 0x80) return false;
  return true;
}

/** True when `a[s, s+n)` equals `b[0, n)`. */
function sameBytes(a: Uint8Array, s: number, b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[s + i] !== b[i]) return false;
  return true;
}

/** True when `b[s, e)` holds the byte `c`. */
function hasByte(b: Uint8Array, c: number, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i] === c) return true;
  return false;
}

/** True when `b[s, e)` is exactly `mark`. */
function markAt(b: Uint8Array, s: number, e: number, mark: Uint8Array): boolean {
  const n = mark.length;
  if (e - s !== n) return false;
  for (let i = 0; i < n; i++) if (b[s + i] !== mark[i]) return false;
  return true;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Reads Zeek TSV logs of any path. */
export class ZeekTsvReader extends BaseLineReader implements ZeekRecordAccess {
  private st: ZeekTsvState;
  private sep = 0x09;
  private setSep: Buffer = Buffer.from(',');
  private emptyMark: Buffer = Buffer.from('(empty)');
  private unsetMark: Buffer = Buffer.from('-');
  private kind: string | null = null;
  private nf = 0;
  private starts = new Int32Array(0);
  private ends = new Int32Array(0);
  private col = new Map<string, number>();
  private cTs = -1; private cOrig = -1; private cResp = -1; private cQuery = -1; private cAnswers = -1;
  private cur: Buffer = Buffer.alloc(0);
  /** Whether the current record holds a backslash (so fields may need unescaping). */
  private escapes = false;
  // Last decoded src/dst, reused while the bytes repeat (they mostly do).
  private lastOrig = ''; private lastOrigBytes = Buffer.alloc(64); private lastOrigLen = -1;
  private lastResp = ''; private lastRespBytes = Buffer.alloc(64); private lastRespLen = -1;
  private filter: ObservationFilter | null = null;
  // The current dns record's time and ends, read once its first candidate value is found.
  private ctxLine = -1; private ctxTs: number | null = null; private ctxSrc: string | null = null; private ctxDst: string | null = null;

  constructor(path: string, state?: unknown) {
    super(path, 'zeek');
    this.st = readState(state);
    this.applyState();
  }

  /** The header in force. */
  override snapshot(): ZeekTsvState {
    return { ...this.st, fields: this.st.fields ? this.st.fields.slice() : null };
  }

  /** See LineReader.setFilter: dns.log records then yield only observations the filter may match. */
  setFilter(filter: ObservationFilter | null): void {
    this.filter = filter;
  }

  /** Recomputes everything derived from the header. */
  private applyState(): void {
    const st = this.st;
    this.sep = Buffer.from(st.separator, 'latin1')[0] ?? 0x09;
    this.setSep = Buffer.from(st.setSeparator, 'utf8');
    this.emptyMark = Buffer.from(st.emptyField, 'utf8');
    this.unsetMark = Buffer.from(st.unsetField, 'utf8');
    const fields = st.fields ?? [];
    this.nf = fields.length;
    this.starts = new Int32Array(this.nf + 1);
    this.ends = new Int32Array(this.nf + 1);
    this.col = new Map();
    fields.forEach((f, i) => { if (!this.col.has(f)) this.col.set(f, i); });
    const c = (n: string): number => this.col.get(n) ?? -1;
    this.cTs = c('ts'); this.cOrig = c('id.orig_h'); this.cResp = c('id.resp_h');
    this.cQuery = c('query'); this.cAnswers = c('answers');
    const known = st.path !== null && (ZEEK_KINDS as readonly string[]).includes(st.path);
    this.kind = known ? st.path : st.fields ? inferZeekKind((n) => this.col.has(n)) : null;
    if (st.path !== null && !known && this.kind === null) this.kind = 'other';
    this.format = formatForZeekPath(st.path ?? this.kind);
    this.lastOrigLen = -1; this.lastRespLen = -1;
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    if (line[0] === 0x23) { this.readHeader(line, end, lineNo, sink); return; }
    const nf = this.nf;
    if (nf === 0) { this.reject(sink, lineNo, 'record before any #fields header'); return; }
    const sep = this.sep;
    const starts = this.starts, ends = this.ends;
    let n = 0, s = 0, escapes = false, control = false;
    for (let i = 0; i < end; i++) {
      const c = line[i]!;
      if (c === sep) {
        if (n < nf) { starts[n] = s; ends[n] = i; }
        n++;
        s = i + 1;
      } else if (c === 0x5c) escapes = true;
      else if (c < 0x20 || c === 0x7f) control = true;
    }
    if (n < nf) { starts[n] = s; ends[n] = end; }
    this.escapes = escapes;
    n++;
    if (n !== nf) { this.reject(sink, lineNo, `wrong field count: ${n}, header has ${nf}`); return; }
    // Zeek writes every non-printable byte as \xNN, so a raw one is damage (a crash's NULs, a corrupted copy),
    // and a value holding it would silently match nothing: report the line instead.
    if (control) { this.reject(sink, lineNo, 'raw control bytes in a record (Zeek escapes them): damaged line'); return; }
    this.cur = line;
    this.records++;
    if (this.kind === 'dns') { this.emitDns(line, lineNo, sink); return; }
    const ts = this.cTs >= 0 ? parseEpochBytes(line, starts[this.cTs]!, ends[this.cTs]!) : null;
    emitZeekRecord(this.kind, this, ts, lineNo, sink);
  }

  /**
   * See LineReader.skipLines. A dns.log record is passed over when one scan
   * of its bytes finds: the header's field count, no raw control byte, no
   * backslash (escapes are decoded by readLine), no `\r` but a last one before
   * the newline (readLine strips it), and a query and answers the filter says
   * cannot match (as emitDns would ask it). Only tab-separated logs.
   */
  skipLines(b: Buffer, pos: number, end: number, maxLine: number): SkippedLines {
    const f = this.filter;
    if (f === null || this.kind !== 'dns' || this.sep !== 0x09 || this.nf === 0) return { pos, lines: 0 };
    const nf = this.nf, cq = this.cQuery, ca = this.cAnswers;
    const limit = Math.min(maxLine, MAX_LINE_BYTES);
    let lines = 0;
    let ls = pos;
    while (ls < end && b[ls] !== 0x23) {
      let n = 0, fs = ls, qs = -1, qe = -1, as = -1, ae = -1;
      let i = ls;
      let c = 0;
      for (; i < end; i++) {
        c = b[i]!;
        if (c > 0x1f) {
          if (c === 0x5c || c === 0x7f) return { pos: ls, lines };
        } else if (c === 0x09) {
          if (n === cq) { qs = fs; qe = i; } else if (n === ca) { as = fs; ae = i; }
          n++;
          fs = i + 1;
        } else break;
      }
      // The line's content ends at i: a newline, or a CR just before one; anything else is damage for readLine.
      if (i >= end || !(c === 0x0a || (c === 0x0d && b[i + 1] === 0x0a))) break;
      if (n === cq) { qs = fs; qe = i; } else if (n === ca) { as = fs; ae = i; }
      if (n + 1 !== nf || i === ls || i + 1 - ls > limit) break;
      if (qs < qe && !this.isMarkIn(b, qs, qe) && f.mayMatchBytes('domain', b, qs, qe)) break;
      if (as >= 0 && !this.isMarkIn(b, as, ae) && this.answersMayMatch(f, b, as, ae)) break;
      this.records++;
      lines++;
      ls = c === 0x0d ? i + 2 : i + 1;
    }
    return { pos: ls, lines };
  }

  /** Whether `b[s, e)` is the unset or the empty mark. */
  private isMarkIn(b: Uint8Array, s: number, e: number): boolean {
    return markAt(b, s, e, this.unsetMark) || markAt(b, s, e, this.emptyMark);
  }

  /** Whether any entry of the answers set `b[s, e)` (no escapes) may match: emitDns's questions to the filter. */
  private answersMayMatch(f: ObservationFilter, b: Buffer, s: number, e: number): boolean {
    const ss = this.setSep;
    const n = ss.length;
    let a = s;
    while (a <= e) {
      // The next separator before e (b is a whole block: an unbounded indexOf would search past the line).
      let z = a;
      while (z < e && !(b[z] === ss[0] && (n === 1 || markAt(b, z, z + n, ss)))) z++;
      if (z > a) {
        const v4 = parseIPv4Bytes(b, a, z);
        if (v4 >= 0 ? (f.mayMatchIPv4 ? f.mayMatchIPv4(v4) : f.mayMatchBytes('ip', b, a, z))
          : f.mayMatchBytes(hasByte(b, 0x3a, a, z) ? 'ip' : 'domain', b, a, z)) return true;
      }
      a = z + n;
    }
    return false;
  }

  /** Reads the current record's time and ends into ctxTs/ctxSrc/ctxDst, once per record. */
  private readContext(line: Buffer, lineNo: number): void {
    if (this.ctxLine === lineNo) return;
    this.ctxLine = lineNo;
    this.ctxTs = this.cTs >= 0 ? parseEpochBytes(line, this.starts[this.cTs]!, this.ends[this.cTs]!) : null;
    this.ctxSrc = this.cOrig >= 0 ? this.origAddr(line) : null;
    this.ctxDst = this.cResp >= 0 ? this.respAddr(line) : null;
  }

  /** Whether the filter (if any) lets the value in `[s, e)` through as `kind`; escaped bytes always pass (they are tested decoded, by match). */
  private wants(kind: 'domain' | 'ip', line: Buffer, s: number, e: number): boolean {
    const f = this.filter;
    if (f === null) return true;
    if (this.escapes) {
      const bs = line.indexOf(0x5c, s);
      if (bs >= 0 && bs < e) return true;
    }
    return f.mayMatchBytes(kind, line, s, e);
  }

  /** dns.log: query and answers, without the generic accessor. */
  private emitDns(line: Buffer, lineNo: number, sink: ObservationSink): void {
    this.ctxLine = -1;
    if (this.cQuery >= 0) {
      const s = this.starts[this.cQuery]!, e = this.ends[this.cQuery]!;
      if (s < e && !this.isMarkIn(line, s, e) && this.wants('domain', line, s, e)) {
        this.readContext(line, lineNo);
        sink.observe(makeObservation('dns.query', 'domain', this.decode(s, e), this.ctxTs, this.ctxSrc, this.ctxDst, lineNo));
      }
    }
    if (this.cAnswers < 0) return;
    const s = this.starts[this.cAnswers]!, e = this.ends[this.cAnswers]!;
    if (this.isMarkIn(line, s, e)) return;
    const ss = this.setSep;
    const single = ss.length === 1 ? ss[0]! : -1;
    let a = s;
    let count = 0;
    while (a <= e && count < MAX_SET_ENTRIES) {
      let b = single >= 0 ? line.indexOf(single, a) : line.indexOf(ss, a);
      if (b < 0 || b > e) b = e;
      if (b > a) {
        if (isIPv4Bytes(line, a, b)) {
          if (this.wants('ip', line, a, b)) {
            this.readContext(line, lineNo);
            sink.observe(makeObservation('dns.answer', 'ip', latin1Slice(line, a, b), this.ctxTs, this.ctxSrc, this.ctxDst, lineNo));
          }
        } else if (this.wants(hasByte(line, 0x3a, a, b) ? 'ip' : 'domain', line, a, b)) {
          // A colon: IPv6 (emitDnsAnswer takes nothing else with one); otherwise a name, or nothing.
          this.readContext(line, lineNo);
          emitDnsAnswer(this.decode(a, b), this.ctxTs, this.ctxSrc, this.ctxDst, lineNo, sink);
        }
      }
      count++;
      a = b + ss.length;
    }
  }

  private origAddr(line: Buffer): string | null {
    const s = this.starts[this.cOrig]!, e = this.ends[this.cOrig]!;
    const n = e - s;
    if (n === this.lastOrigLen && sameBytes(line, s, this.lastOrigBytes, n)) return this.lastOrig;
    const v = this.addrAt(s, e);
    if (v !== null && n <= 64) { line.copy(this.lastOrigBytes, 0, s, e); this.lastOrigLen = n; this.lastOrig = v; }
    return v;
  }

  private respAddr(line: Buffer): string | null {
    const s = this.starts[this.cResp]!, e = this.ends[this.cResp]!;
    const n = e - s;
    if (n === this.lastRespLen && sameBytes(line, s, this.lastRespBytes, n)) return this.lastResp;
    const v = this.addrAt(s, e);
    if (v !== null && n <= 64) { line.copy(this.lastRespBytes, 0, s, e); this.lastRespLen = n; this.lastResp = v; }
    return v;
  }

  private addrAt(s: number, e: number): string | null {
    if (s >= e || this.isMarkIn(this.cur, s, e)) return null;
    const v = latin1Slice(this.cur, s, e);
    return v.indexOf(':') >= 0 ? canonicalAddr(v) : v;
  }


  /** A byte range as text, escapes decoded. */
  private decode(s: number, e: number): string {
    const b = this.cur;
    if (!this.escapes) return isAsciiRun(b, s, e) ? latin1Slice(b, s, e) : utf8Slice(b, s, e);
    const bs = b.indexOf(0x5c, s);
    if (bs < 0 || bs >= e) return utf8Slice(b, s, e);
    return decodeZeekEscapes(b, s, e);
  }

  /** Column `c` of the current record as text, or null when unset/empty. */
  private strAt(c: number): string | null {
    const s = this.starts[c]!, e = this.ends[c]!;
    if (s >= e || this.isMarkIn(this.cur, s, e)) return null;
    return this.decode(s, e);
  }

  /** ZeekRecordAccess over the current record. */
  str(name: string): string | null {
    const c = this.col.get(name);
    return c === undefined ? null : this.strAt(c);
  }

  /** ZeekRecordAccess over the current record. */
  list(name: string): string[] {
    const c = this.col.get(name);
    if (c === undefined) return [];
    const s = this.starts[c]!, e = this.ends[c]!;
    if (s >= e || this.isMarkIn(this.cur, s, e)) return [];
    const out: string[] = [];
    const ss = this.setSep;
    let a = s;
    while (a <= e && out.length < MAX_SET_ENTRIES) {
      let b = this.cur.indexOf(ss, a);
      if (b < 0 || b > e) b = e;
      if (b > a) out.push(this.decode(a, b));
      a = b + ss.length;
    }
    return out;
  }

  /** ZeekRecordAccess over the current record. */
  has(name: string): boolean {
    return this.col.has(name);
  }

  /** A `#` line: a header directive, or a comment (`### BTest …`, `#open`, `#close`). */
  private readHeader(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    let k = 1;
    while (k < end && line[k] !== this.sep && line[k] !== 0x20 && line[k] !== 0x09) k++;
    const key = line.toString('latin1', 1, k);
    const rest = k < end ? line.toString('utf8', k + 1, end) : '';
    const sepChar = this.st.separator;
    switch (key) {
      case 'separator': {
        const v = unescapeHeader(rest.trim());
        if (v.length !== 1) { this.reject(sink, lineNo, `unsupported #separator ${quoteForDiagnostic(rest)}`); return; }
        this.st = { ...this.st, separator: v };
        break;
      }
      case 'set_separator': case 'empty_field': case 'unset_field': case 'path': {
        const v = unescapeHeader(rest);
        if (v.length === 0 || v.length > MAX_HEADER_VALUE_CHARS) { this.reject(sink, lineNo, `bad #${key} header`); return; }
        if (key === 'set_separator') this.st = { ...this.st, setSeparator: v };
        else if (key === 'empty_field') this.st = { ...this.st, emptyField: v };
        else if (key === 'unset_field') this.st = { ...this.st, unsetField: v };
        else this.st = { ...this.st, path: v };
        break;
      }
      case 'fields': {
        const fields = rest.split(sepChar);
        if (fields.length > MAX_ZEEK_FIELDS) { this.reject(sink, lineNo, `too many #fields (${fields.length})`); return; }
        this.st = { ...this.st, fields };
        break;
      }
      default:
        return; // #types, #open, #close, comments
    }
    this.applyState();
  }
}
