/**
 * Reads IOC lists: one indicator per line (`value`, `value;description`,
 * `value,description`, `#` comments), or CSV with a header naming the value
 * and type columns (MISP, OpenCTI, AlienVault OTX exports). The header may
 * sit in a `#` comment line before the first record (abuse.ch writes
 * `# "first_seen_utc","ioc_id",…`). Other CSV layouts (the feeds) plug in
 * as CsvProfiles.
 */
import { diag } from '../../core/diagnostic.js';
import { MAX_LINE_BYTES } from '../../core/limits.js';
import type { IntelItem } from '../../core/model.js';
import { refang } from '../../core/normalize.js';
import type { IntelSink } from '../intel-sink.js';
import { quoteValue } from '../quote-value.js';
import { mapSourceType, normalizeTypedValue } from '../typed-value.js';
import { readCsvRecord, MAX_CSV_RECORD_BYTES, type CsvRecord } from './csv-record.js';
import { headerNames, type CsvProfile, type CsvRows } from './csv-profile.js';
import { inferIndicatorFast } from './fast-infer.js';

/** Header names of the value column (lower-case). */
const VALUE_HEADERS: ReadonlySet<string> = new Set(['value', 'indicator', 'ioc', 'observable_value', 'observable value', 'indicator value', 'indicator_value']);
/** Header names of the type column. */
const TYPE_HEADERS: ReadonlySet<string> = new Set(['type', 'indicator type', 'indicator_type', 'ioc_type', 'ioc type', 'observable_type', 'entity_type', 'x_opencti_main_observable_type']);
/** Header names of the description column. */
const COMMENT_HEADERS: ReadonlySet<string> = new Set(['comment', 'description', 'title']);

/** Column positions named by a CSV header. */
interface CsvColumns { value: number; type: number; comment: number }

/** The IOC list's own CSV layout: a value column, perhaps a type and a comment column. */
export const IOC_CSV_PROFILE: CsvProfile = {
  knows: (header) => findCsvColumns(header) !== null,
  open(header, path, sink) {
    const cols = findCsvColumns(header)!;
    return { row: (fields, line) => readCsvRow(fields, cols, path, line, sink) };
  },
};

/**
 * Raw bytes of an unfinished line kept between chunks before the line is
 * reported as too long and skipped: twice MAX_LINE_BYTES, so a line of
 * MAX_LINE_BYTES padded with blanks still reads as it does whole.
 */
const MAX_PENDING_LINE_BYTES = 2 * MAX_LINE_BYTES;

/** Reads one IOC list into the sink; campaigns are left empty (the importer names them). */
export function readIocList(data: Buffer, path: string, sink: IntelSink, profiles: readonly CsvProfile[] = [IOC_CSV_PROFILE]): void {
  const r = new IocListReader(path, sink, profiles);
  r.push(data);
  r.end();
}

/**
 * Reads an IOC list pushed in chunks of any size (a file read piece by
 * piece; a chunk's memory may be reused once push returns): what the whole-buffer reader gives, with a line or CSV record
 * split across chunks kept until its end arrives, and the CSV header found
 * in the first chunk kept for the rest.
 */
export class IocListReader {
  /** 1-based number of the last line begun. */
  private line = 0;
  /** undefined: header not looked for yet; null: not CSV. */
  private columns: CsvRows | null | undefined;
  /** The start of an unfinished line or record, waiting for more bytes. */
  private pending: Buffer | null = null;
  private atStart = true;
  /** Skipping the rest of a line already reported as too long. */
  private skipping = false;

  /** `profiles`: the CSV layouts a header may name, tried in order. */
  constructor(private readonly path: string, private readonly sink: IntelSink,
    private readonly profiles: readonly CsvProfile[] = [IOC_CSV_PROFILE]) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.read(this.pending ? Buffer.concat([this.pending, chunk]) : chunk, false);
  }

  /** Reads what is left: the last line need not end with a line break. */
  end(): void {
    const rest = this.pending;
    this.pending = null;
    if (rest) this.read(rest, true);
    if (this.columns) this.columns.end?.();
  }

  /** The rows reader of the first profile that knows this header record, or null. */
  private openHeader(fields: readonly string[]): CsvRows | null {
    if (fields.length < 2) return null;
    const names = headerNames(fields);
    const p = this.profiles.find((x) => x.knows(names));
    return p ? p.open(names, this.path, this.sink) : null;
  }

  private read(data: Buffer, final: boolean): void {
    this.pending = null;
    const { path, sink } = this;
    const end = data.length;
    let pos = 0;
    if (this.skipping) {
      const nl = data.indexOf(0x0a);
      if (nl < 0) return;
      this.skipping = false;
      pos = nl + 1;
    }
    if (this.atStart) {
      if (end < 3 && !final) { this.pending = Buffer.from(data); return; }
      this.atStart = false;
      if (end >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) pos = 3;
    }
    while (pos < end) {
      let eol = data.indexOf(0x0a, pos);
      if (eol < 0) {
        if (!final) {
          if (end - pos > MAX_PENDING_LINE_BYTES) {
            sink.diagnostic(diag('too-large', path, `line longer than ${MAX_LINE_BYTES} bytes`, { line: this.line + 1 }));
            this.line++;
            this.skipping = true;
          } else {
            // A copy: the caller may reuse its chunk's memory once push returns.
            this.pending = Buffer.from(data.subarray(pos));
          }
          return;
        }
        eol = end;
      }
      this.line++;
      const line = this.line;
      let s = pos;
      let e = eol;
      while (s < e && (data[s] === 0x20 || data[s] === 0x09)) s++;
      while (e > s && (data[e - 1] === 0x20 || data[e - 1] === 0x09 || data[e - 1] === 0x0d)) e--;
      if (s === e) { pos = eol + 1; continue; }
      if (data[s] === 0x23) {
        // A header may be commented out (`# id,dateadded,url,…`): taken when it names a known layout, before any record.
        const comma = this.columns === undefined ? data.indexOf(0x2c, s) : -1;
        if (comma >= 0 && comma < e && e - s <= MAX_LINE_BYTES) {
          let hs = s + 1;
          while (hs < e && (data[hs] === 0x20 || data[hs] === 0x09)) hs++;
          if (hs < e) {
            const cols = this.openHeader(readCsvRecord(data.subarray(hs, e), 0).fields);
            if (cols !== null) this.columns = cols;
          }
        }
        pos = eol + 1;
        continue;
      }
      if (e - s > MAX_LINE_BYTES) {
        sink.diagnostic(diag('too-large', path, `line longer than ${MAX_LINE_BYTES} bytes`, { line }));
        pos = eol + 1;
        continue;
      }
      if (this.columns !== null) {
        const rec = readCsvRecord(data, s);
        if (!final && this.needsMore(data, s, rec)) {
          this.line--;
          this.pending = Buffer.from(data.subarray(pos));
          return;
        }
        if (this.columns === undefined) {
          this.columns = this.openHeader(rec.fields);
          if (this.columns !== null) {
            this.line += rec.newlines;
            pos = this.next(data, rec, final);
            continue;
          }
        } else {
          this.columns.row(rec.fields, line);
          if (rec.unterminated) sink.diagnostic(diag('truncated', path, 'quoted field never closed', { line }));
          this.line += rec.newlines;
          pos = this.next(data, rec, final);
          continue;
        }
      }
      readPlainLine(data, s, e, path, line, sink);
      pos = eol + 1;
    }
  }

  /** Whether a CSV record ran into the end of the bytes so far (more may complete it). */
  private needsMore(data: Buffer, start: number, rec: CsvRecord): boolean {
    if (rec.unterminated) return data.length - start < MAX_CSV_RECORD_BYTES;
    return rec.next >= data.length && data[data.length - 1] !== 0x0a;
  }

  /** Where reading goes on after a record; a record cut at the size limit skips the rest of its line in later chunks. */
  private next(data: Buffer, rec: CsvRecord, final: boolean): number {
    if (!final && rec.next >= data.length && data[data.length - 1] !== 0x0a) this.skipping = true;
    return rec.next;
  }
}

/** The columns a header (its names, lower-cased) names, or null when it is no IOC list header. */
function findCsvColumns(names: readonly string[]): CsvColumns | null {
  if (names.length < 2) return null;
  const cols: CsvColumns = { value: -1, type: -1, comment: -1 };
  names.forEach((h, i) => {
    if (cols.value < 0 && VALUE_HEADERS.has(h)) cols.value = i;
    else if (cols.type < 0 && TYPE_HEADERS.has(h)) cols.type = i;
    else if (cols.comment < 0 && COMMENT_HEADERS.has(h)) cols.comment = i;
  });
  return cols.value < 0 ? null : cols;
}

function readCsvRow(fields: readonly string[], cols: CsvColumns, path: string, line: number, sink: IntelSink): void {
  const raw = (fields[cols.value] ?? '').trim();
  if (raw === '') return;
  const comment = cols.comment >= 0 ? (fields[cols.comment] ?? '').trim() : '';
  const kinds = cols.type >= 0 ? mapSourceType(fields[cols.type] ?? '') : null;
  if (kinds !== null) {
    for (const part of normalizeTypedValue(kinds, raw)) {
      if (part.ok) emit(sink, part.type, part.value, comment, line);
      else sink.diagnostic(diag('not-indicator', path, `not an indicator: ${quoteValue(part.raw)}`, { line }));
    }
    return;
  }
  inferAndEmit(raw, comment, path, line, sink);
}

function readPlainLine(data: Buffer, s: number, e: number, path: string, line: number, sink: IntelSink): void {
  let sep = -1;
  let ascii = true;
  for (let i = s; i < e; i++) {
    const c = data[i]!;
    if (c === 0x3b) { sep = i; break; }
    if (c === 0x2c && sep < 0) sep = i;
    if (c >= 0x80) ascii = false;
  }
  let ve = sep < 0 ? e : sep;
  while (ve > s && (data[ve - 1] === 0x20 || data[ve - 1] === 0x09)) ve--;
  const raw = data.toString(ascii ? 'latin1' : 'utf8', s, ve);
  let description = '';
  if (sep >= 0) {
    let ds = sep + 1;
    while (ds < e && (data[ds] === 0x20 || data[ds] === 0x09)) ds++;
    description = data.toString('utf8', ds, e);
  }
  inferAndEmit(raw, description, path, line, sink);
}

function inferAndEmit(raw: string, description: string, path: string, line: number, sink: IntelSink): void {
  const v = refang(raw);
  const r = looksLikePattern(v) ? null : inferIndicatorFast(v);
  if (r === null) {
    sink.diagnostic(diag('not-indicator', path, `not an indicator: ${quoteValue(raw)}`, { line }));
    return;
  }
  emit(sink, r.type, r.value, description, line);
}

function emit(sink: IntelSink, type: IntelItem['type'], value: string, description: string, line: number): void {
  const item: IntelItem = { type, value, campaigns: [], line };
  if (description !== '') item.description = description;
  sink.item(item);
}

/**
 * A regular expression (LOKI's filename-iocs `\\evil\.exe;80`) rather than a
 * value: regex syntax outside URLs and e-mail addresses, or an escaped dot or
 * backslash. Such lines are reported, not guessed at.
 */
function looksLikePattern(v: string): boolean {
  if (v.indexOf('://') >= 0 || v.indexOf('@') >= 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    // ^ $ * ? ( ) [ ] { } |
    if (c === 94 || c === 36 || c === 42 || c === 63 || c === 40 || c === 41 || c === 91 || c === 93 || c === 123 || c === 125 || c === 124) return true;
    if (c === 92) {
      const n = v.charCodeAt(i + 1);
      if (n === 46 || n === 92) return true;
    }
  }
  return false;
}
