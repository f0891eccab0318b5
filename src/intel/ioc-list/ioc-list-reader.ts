/**
 * Reads IOC lists: one indicator per line (`value`, `value;description`,
 * `value,description`, `#` comments), or CSV with a header naming the value
 * and type columns (MISP, OpenCTI, AlienVault OTX exports).
 */
import { diag } from '../../core/diagnostic.js';
import { MAX_LINE_BYTES } from '../../core/limits.js';
import type { IntelItem } from '../../core/model.js';
import { refang } from '../../core/normalize.js';
import type { IntelSink } from '../intel-sink.js';
import { quoteValue } from '../quote-value.js';
import { mapSourceType, normalizeTypedValue } from '../typed-value.js';
import { readCsvRecord } from './csv-record.js';
import { inferIndicatorFast } from './fast-infer.js';

/** Header names of the value column (lower-case). */
const VALUE_HEADERS: ReadonlySet<string> = new Set(['value', 'indicator', 'ioc', 'observable_value', 'observable value', 'indicator value', 'indicator_value']);
/** Header names of the type column. */
const TYPE_HEADERS: ReadonlySet<string> = new Set(['type', 'indicator type', 'indicator_type', 'ioc_type', 'ioc type', 'observable_type', 'entity_type', 'x_opencti_main_observable_type']);
/** Header names of the description column. */
const COMMENT_HEADERS: ReadonlySet<string> = new Set(['comment', 'description', 'title']);

/** Column positions named by a CSV header. */
interface CsvColumns { value: number; type: number; comment: number }

/** Reads one IOC list into the sink; campaigns are left empty (the importer names them). */
export function readIocList(data: Buffer, path: string, sink: IntelSink): void {
  let pos = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
  let line = 0;
  const end = data.length;
  let columns: CsvColumns | null | undefined; // undefined: header not looked for yet
  while (pos < end) {
    line++;
    let eol = data.indexOf(0x0a, pos);
    if (eol < 0) eol = end;
    let s = pos;
    let e = eol;
    while (s < e && (data[s] === 0x20 || data[s] === 0x09)) s++;
    while (e > s && (data[e - 1] === 0x20 || data[e - 1] === 0x09 || data[e - 1] === 0x0d)) e--;
    if (s === e || data[s] === 0x23) { pos = eol + 1; continue; }
    if (e - s > MAX_LINE_BYTES) {
      sink.diagnostic(diag('too-large', path, `line longer than ${MAX_LINE_BYTES} bytes`, { line }));
      pos = eol + 1;
      continue;
    }
    if (columns === undefined) {
      columns = findCsvColumns(data, s);
      if (columns !== null) { pos = readCsvRecord(data, s).next; continue; }
    }
    if (columns !== null) {
      const rec = readCsvRecord(data, s);
      readCsvRow(rec.fields, columns, path, line, sink);
      if (rec.unterminated) sink.diagnostic(diag('truncated', path, 'quoted field never closed', { line }));
      line += rec.newlines;
      pos = rec.next;
      continue;
    }
    readPlainLine(data, s, e, path, line, sink);
    pos = eol + 1;
  }
}

/** The columns a header line names, or null when the line is no header. */
function findCsvColumns(data: Buffer, start: number): CsvColumns | null {
  const rec = readCsvRecord(data, start);
  if (rec.fields.length < 2) return null;
  const cols: CsvColumns = { value: -1, type: -1, comment: -1 };
  rec.fields.forEach((f, i) => {
    const h = f.trim().toLowerCase();
    if (cols.value < 0 && VALUE_HEADERS.has(h)) cols.value = i;
    else if (cols.type < 0 && TYPE_HEADERS.has(h)) cols.type = i;
    else if (cols.comment < 0 && COMMENT_HEADERS.has(h)) cols.comment = i;
  });
  return cols.value < 0 ? null : cols;
}

function readCsvRow(fields: string[], cols: CsvColumns, path: string, line: number, sink: IntelSink): void {
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
