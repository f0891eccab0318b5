/**
 * Zeek JSON logs, one object per line: Zeek's own (`id.orig_h`, `_path`,
 * ISO or epoch `ts`) and pipeline-flattened ones (`id_orig_h`, `@stream`).
 */
import { BaseLineReader, describeJsonError, parseEpochValue, parseIsoMs, type ObservationSink } from '../line-reader.js';
import { ZEEK_KINDS, emitZeekRecord, formatForZeekPath, inferZeekKind, type ZeekRecordAccess } from './zeek-record.js';

/** Most entries read from one array field. */
const MAX_LIST_ENTRIES = 4096;


/** A JSON `ts`: epoch seconds (number or numeric string) or ISO 8601 → epoch ms, or null. */
export function readJsonTs(v: unknown): number | null {
  if (typeof v === 'string' && (v.indexOf('-') > 0 || v.indexOf('T') > 0)) return parseIsoMs(v);
  return parseEpochValue(v);
}

/** Field access over one parsed Zeek JSON object, trying `a.b`, `a_b` and nested `{a:{b}}` spellings. */
class JsonRecord implements ZeekRecordAccess {
  o: Record<string, unknown> = {};

  private get(name: string): unknown {
    const o = this.o;
    let v = o[name];
    if (v !== undefined) return v;
    const dot = name.indexOf('.');
    if (dot < 0) return undefined;
    v = o[name.replace(/\./g, '_')];
    if (v !== undefined) return v;
    const outer = o[name.slice(0, dot)];
    if (typeof outer === 'object' && outer !== null && !Array.isArray(outer)) {
      return (outer as Record<string, unknown>)[name.slice(dot + 1)];
    }
    return undefined;
  }

  str(name: string): string | null {
    const v = this.get(name);
    if (typeof v === 'string') return v.length > 0 ? v : null;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    return null;
  }

  list(name: string): string[] {
    const v = this.get(name);
    if (typeof v === 'string') return v.length > 0 ? [v] : [];
    if (!Array.isArray(v)) return [];
    const out: string[] = [];
    for (const x of v) {
      if (out.length >= MAX_LIST_ENTRIES) break;
      if (typeof x === 'string' && x.length > 0) out.push(x);
    }
    return out;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }
}

/** Reads Zeek JSON-lines logs; `format` follows the path of the record last read. */
export class ZeekJsonReader extends BaseLineReader {
  private readonly rec = new JsonRecord();

  constructor(path: string) {
    super(path, 'zeek');
  }

  protected readRecord(line: Buffer, end: number, lineNo: number, sink: ObservationSink): void {
    let o: unknown;
    try {
      o = JSON.parse(line.toString('utf8', 0, end));
    } catch (e) {
      this.reject(sink, lineNo, describeJsonError(e));
      return;
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) {
      this.reject(sink, lineNo, 'not a JSON object');
      return;
    }
    const rec = this.rec;
    rec.o = o as Record<string, unknown>;
    const named = rec.str('_path') ?? rec.str('@stream');
    let kind: string | null;
    if (named !== null && (ZEEK_KINDS as readonly string[]).includes(named)) kind = named;
    else kind = inferZeekKind((n) => rec.has(n)) ?? (named !== null ? 'other' : null);
    this.format = formatForZeekPath(named ?? kind);
    this.records++;
    emitZeekRecord(kind, rec, readJsonTs(rec.o['ts']), lineNo, sink);
  }
}
