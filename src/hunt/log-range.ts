/**
 * Reads one byte range of a text log (whole lines only) with a format's line
 * reader and matches every observation against the index. Runs in a worker
 * thread for large files and inline for small ones; the result carries line
 * numbers relative to the range, which the caller shifts.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import type { Observation } from '../core/model.js';
import { diag, type Diagnostic } from '../core/diagnostic.js';
import { createLineReader } from '../evidence/index.js';
import type { IndicatorIndex } from '../matching/index.js';
import { LineSplitter } from './line-splitter.js';
import { matchObservation, type RawSighting } from './match.js';

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

/** Feeds lines to a reader and matches what it observes; shared by ranges and streams. */
export class LineHunter {
  readonly sightings: RawSighting[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly splitter: LineSplitter;
  private readonly ids: number[] = [];

  constructor(
    readonly reader: ReturnType<typeof createLineReader>,
    index: IndicatorIndex,
    displayPath: string,
    onSighting?: (s: RawSighting) => void,
  ) {
    // The index tells the reader which values can match, so it builds observations only for those.
    reader.setFilter?.(index);
    const sink = {
      observe: (o: Observation) => {
        matchObservation(index, o, this.ids, (s) => {
          if (onSighting) onSighting(s);
          else this.sightings.push(s);
        });
      },
      diagnostic: (d: Diagnostic) => { this.diagnostics.push(d); },
    };
    this.splitter = new LineSplitter({
      line: (buf, lineNo) => reader.readLine(buf, lineNo, sink),
      overlong: (lineNo, bytes) => {
        this.diagnostics.push(diag('too-large', displayPath, `line too long (${bytes} bytes)`, { line: lineNo }));
      },
    });
  }
}

/** Reads `[start, end)` of the file; the range must begin at a line start. */
export function huntRange(task: RangeTask, index: IndicatorIndex): RangeResult {
  const reader = createLineReader(task.family, task.displayPath, task.hasState ? task.state : undefined, { referenceMs: task.referenceMs });
  const startState = JSON.stringify(reader.snapshot() ?? null);
  const h = new LineHunter(reader, index, task.displayPath);
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
  h.splitter.end();
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
