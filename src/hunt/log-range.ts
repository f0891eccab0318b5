/**
 * Reads one byte range of a text log (whole lines only) with a format's line
 * reader and matches every observation against the index. Runs in a worker
 * thread for large files and inline for small ones; the result carries line
 * numbers relative to the range, which the caller shifts.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import type { Observation } from '../core/model.js';
import { diag, type Diagnostic } from '../core/diagnostic.js';
import { createLineReader, type LineReader, type ObservationSink } from '../evidence/index.js';
import type { IndicatorIndex } from '../matching/index.js';
import { LineSplitter } from './line-splitter.js';
import { RecordMatcher, type RawSighting } from './match.js';
import { createSinkholeReader, type SinkholeSetup } from './sinkhole.js';

/** Bytes read from disk per step. */
const READ_BLOCK_BYTES = 4 * 1024 * 1024;

let readBlock: Buffer | null = null;

export interface RangeTask {
  path: string;
  /** The path shown in diagnostics and stored (as given on the command line). */
  displayPath: string;
  family: string;
  start: number;
  end: number;
  /** When the file was last written (dates syslog stamps). */
  referenceMs: number;
  /** Reader state at `start` (null: a fresh reader). */
  state: unknown;
  hasState: boolean;
  /** Query parameters naming an implant's host identifier (Store.hostIdParams()). */
  hostIdParams: readonly string[];
  /** For a sinkhole pass (family `sinkhole`). */
  sinkhole?: SinkholeSetup;
}

export interface RangeResult {
  lines: number;
  records: number;
  skipped: number;
  bytes: number;
  format: string;
  /** Line numbers relative to the range (1 = its first line). */
  sightings: RawSighting[];
  diagnostics: Diagnostic[];
  startState: string;
  endState: unknown;
}

/** How a LineHunter reads one text log. */
export interface LineHuntOptions {
  family: string;
  /** The path shown in diagnostics and stored (as given on the command line). */
  displayPath: string;
  /** When the file was last written (dates syslog stamps). */
  referenceMs: number;
  /** Reader state to start in (undefined: a fresh reader). */
  state?: unknown;
  index: IndicatorIndex;
  /** Query parameters naming an implant's host identifier (Store.hostIdParams()). */
  hostIdParams: readonly string[];
  /** A sinkhole pass: every request is a sighting of the campaign's sinkhole indicator (sinkhole.ts); nothing is matched. */
  sinkhole?: SinkholeSetup | undefined;
}

/**
 * Feeds lines to a reader and matches what it observes, record by record
 * (match.ts: a record's sightings get the host identifier its URL carries),
 * or, on a sinkhole, takes the sightings the sinkhole reader makes; shared
 * by ranges and streams. `finish()` ends the input.
 */
export class LineHunter {
  readonly sightings: RawSighting[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly splitter: LineSplitter;
  readonly reader: LineReader;
  private readonly matcher: RecordMatcher | null;
  private readonly sink: ObservationSink;

  constructor(o: LineHuntOptions, onSighting?: (s: RawSighting) => void) {
    const emit = onSighting ?? ((s: RawSighting) => { this.sightings.push(s); });
    let reader: LineReader;
    let matcher: RecordMatcher | null = null;
    if (o.sinkhole) {
      reader = createSinkholeReader(o.displayPath, o.sinkhole, o.hostIdParams, emit);
    } else {
      reader = createLineReader(o.family, o.displayPath, o.state, { referenceMs: o.referenceMs });
      // The index tells the reader which values can match, so it builds observations only for those.
      reader.setFilter?.(o.index);
      matcher = new RecordMatcher(o.index, o.hostIdParams, emit);
    }
    this.reader = reader;
    this.matcher = matcher;
    const sink = {
      observe: (obs: Observation) => { matcher?.observe(obs); },
      diagnostic: (d: Diagnostic) => { this.diagnostics.push(d); },
    };
    this.sink = sink;
    this.splitter = new LineSplitter({
      // A line is a record: the previous line's sightings go on before this one is read, while the
      // reader's format is still theirs (a Zeek header between two lines changes it).
      line: matcher === null
        ? (buf, lineNo) => { reader.readLine(buf, lineNo, sink); }
        : (buf, lineNo) => {
          matcher.end();
          reader.readLine(buf, lineNo, sink);
        },
      overlong: (lineNo, bytes) => {
        this.diagnostics.push(diag('too-large', o.displayPath, `line too long (${bytes} bytes)`, { line: lineNo }));
      },
      // Lines the reader can tell from their bytes give nothing are passed over without a call each.
      ...(matcher !== null && reader.skipLines ? {
        skip: (buf: Buffer, pos: number, end: number, maxLine: number) => {
          matcher.end();
          return reader.skipLines!(buf, pos, end, maxLine);
        },
      } : {}),
    });
  }

  /**
   * Ends the input: reads a last line without a terminator (unless the input
   * was cut short: `complete` false, a partial line is no record to judge)
   * and hands on the sightings of the last record.
   */
  finish(complete = true): void {
    if (complete) {
      this.splitter.end();
      this.matcher?.end();
      this.reader.end?.(this.sink);
    }
    this.matcher?.end();
  }
}

/** Reads `[start, end)` of the file; the range must begin at a line start. */
export function huntRange(task: RangeTask, index: IndicatorIndex): RangeResult {
  const h = new LineHunter({
    family: task.family, displayPath: task.displayPath, referenceMs: task.referenceMs, state: task.hasState ? task.state : undefined,
    index, hostIdParams: task.hostIdParams, sinkhole: task.sinkhole,
  });
  const reader = h.reader;
  const startState = JSON.stringify(reader.snapshot() ?? null);
  const fd = openSync(task.path, 'r');
  // One block per thread, reused by every range (huntRange is synchronous):
  // a new block per range would pile up until the worker's next full GC.
  readBlock ??= Buffer.allocUnsafe(READ_BLOCK_BYTES);
  const buf = readBlock;
  let pos = task.start;
  try {
    while (pos < task.end) {
      const want = Math.min(READ_BLOCK_BYTES, task.end - pos);
      const n = readSync(fd, buf, 0, want, pos);
      if (n <= 0) break;
      h.splitter.push(buf.subarray(0, n));
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
  h.finish();
  return {
    lines: h.splitter.lines,
    records: reader.records,
    skipped: reader.skipped,
    bytes: pos - task.start,
    format: reader.format,
    sightings: h.sightings,
    diagnostics: h.diagnostics,
    startState,
    endState: reader.snapshot() ?? null,
  };
}
