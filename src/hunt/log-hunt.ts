/**
 * Hunting one text log: front to back in this thread (small files, gzip),
 * or split at line boundaries into ranges for the worker pool (large files).
 */
import { open } from 'node:fs/promises';
import type { Diagnostic } from '../core/diagnostic.js';
import { createLineReader } from '../evidence/index.js';
import type { IndicatorIndex } from '../matching/index.js';
import type { FoundFile } from '../samples/index.js';
import { hashFile } from './file-hash.js';
import type { HuntTask, HuntTaskResult } from './hunt-worker.js';
import { huntRange, type RangeResult, type RangeTask } from './log-range.js';
import type { RawSighting } from './match.js';
import { readFileHead } from './file-head.js';
import type { WorkerPool } from './worker-pool.js';

/** Bytes of a file's head read to learn the reader state ranges start in. */
const HEAD_STATE_BYTES = 64 * 1024;
/** Size of one range handed to a worker. */
export const RANGE_BYTES = 16 * 1024 * 1024;
/** Ranges handed out beyond one per worker ahead of the range being reported. */
const RANGES_AHEAD = 2;

/** What hunting one log file counted. */
export interface LogHuntStats {
  lines: number;
  records: number;
  skipped: number;
  sha256: string;
  format: string;
}



/**
 * Where the ranges of a large log are read: the worker pool of a local hunt,
 * or, for a hunt on the job queue, results other machines stored (src/queue/).
 * `run(i)` gives range i's result; ranges are asked for in file order, a few
 * ahead of the one being reported.
 */
export interface RangeRunner {
  /** Ranges asked for ahead of the one being reported. */
  readonly ahead: number;
  /** The ranges of `f` read as `family` (cut by planRanges). */
  tasks(f: FoundFile, family: string, rangeBytes: number, opts: Pick<RangeTask, 'hostIdParams' | 'sinkhole'>): Promise<RangeTask[]>;
  run(task: RangeTask, i: number): Promise<RangeResult>;
}

/** The worker pool as a RangeRunner. */
export function poolRanges(pool: WorkerPool<HuntTask, HuntTaskResult>): RangeRunner {
  return {
    ahead: pool.size + RANGES_AHEAD,
    tasks: planRanges,
    run: (task) => pool.run({ kind: 'range', task }) as Promise<RangeResult>,
  };
}

/**
 * Cuts a large plain log at line boundaries into ranges. Each range after
 * the first starts with the reader state read from the file's head (a
 * range whose predecessor ended in another state is read again when the
 * results are put together: huntRanges).
 */
export async function planRanges(
  f: FoundFile, family: string, rangeBytes: number, opts: Pick<RangeTask, 'hostIdParams' | 'sinkhole'>,
): Promise<RangeTask[]> {
  const bounds = await rangeBounds(f.path, f.size, rangeBytes);
  // The state a range after the head starts in: the head's lines read by a throwaway reader
  // (a sinkhole's is a web access log reader's: none).
  const headReader = createLineReader(opts.sinkhole ? 'web-access' : family, f.path, undefined, { referenceMs: f.mtimeMs });
  const headLines = await readHeadLines(f.path, Math.min(f.size, HEAD_STATE_BYTES));
  const nullSink = { observe() {}, diagnostic() {} };
  headLines.forEach((l, i) => headReader.readLine(l, i + 1, nullSink));
  const headState = headReader.snapshot() ?? null;
  return bounds.map((b, i): RangeTask => ({
    path: f.path, displayPath: f.path, family, start: b.start, end: b.end, referenceMs: f.mtimeMs,
    state: i === 0 ? null : headState, hasState: i !== 0, hostIdParams: opts.hostIdParams, ...(opts.sinkhole ? { sinkhole: opts.sinkhole } : {}),
  }));
}

/**
 * Hunts a large plain log range by range (read by `runner`) and reports the
 * results in file order with absolute line numbers. A range whose
 * predecessor ended in another reader state (a header that changed
 * mid-file) is read again here with the right one.
 */
export async function huntRanges(
  f: FoundFile, family: string, runner: RangeRunner, index: IndicatorIndex,
  report: (d: Diagnostic) => void, record: (s: RawSighting, format: string) => void, progress: { advance(bytes: number): void },
  rangeBytes: number, drain: () => Promise<void>, opts: Pick<RangeTask, 'hostIdParams' | 'sinkhole'>,
): Promise<LogHuntStats> {
  const tasks = await runner.tasks(f, family, rangeBytes, opts);
  const hashing = hashFile(f.path);
  // Ranges are handed out a few ahead of the one being reported, not all at once: when the main thread
  // is the slower side (a sinkhole log, where every line is a sighting to store), results do not pile up.
  const ahead = runner.ahead;
  const running: (Promise<RangeResult> | null)[] = [];
  const start = (i: number) => {
    if (i >= tasks.length || running[i] !== undefined) return;
    const p = runner.run(tasks[i]!, i);
    // Awaited in turn below; a failure of one handed out ahead must not go unhandled if an earlier one stops the file.
    p.catch(() => undefined);
    running[i] = p;
  };
  for (let i = 0; i < ahead; i++) start(i);
  let lineBase = 0;
  let records = 0;
  let skipped = 0;
  let format = family;
  let prevEnd: string | null = null;
  for (let i = 0; i < tasks.length; i++) {
    let r = await running[i]!;
    running[i] = null;
    start(i + ahead);
    if (i > 0 && prevEnd !== null && r.startState !== prevEnd) {
      // The header changed in an earlier range: read this one again from the right state.
      const task = { ...tasks[i]!, state: JSON.parse(prevEnd) as unknown, hasState: true };
      r = huntRange(task, index);
    }
    prevEnd = JSON.stringify(r.endState);
    format = r.format;
    for (const s of r.sightings) {
      if (s.line !== undefined) s.line += lineBase;
      record(s, r.format);
    }
    for (const d of r.diagnostics) {
      if (d.line !== undefined) d.line += lineBase;
      report(d);
    }
    lineBase += r.lines;
    records += r.records;
    skipped += r.skipped;
    progress.advance(r.bytes);
    await drain();
  }
  return { lines: lineBase, records, skipped, sha256: await hashing, format };
}

/** Cuts [0, size) into ranges of about `rangeBytes` that end just after a newline. */
async function rangeBounds(path: string, size: number, rangeBytes: number): Promise<{ start: number; end: number }[]> {
  const fh = await open(path, 'r');
  const out: { start: number; end: number }[] = [];
  const probe = Buffer.alloc(64 * 1024);
  try {
    let start = 0;
    while (start < size) {
      let end = Math.min(size, start + rangeBytes);
      while (end < size) {
        const { bytesRead } = await fh.read(probe, 0, probe.length, end);
        if (bytesRead <= 0) { end = size; break; }
        const nl = probe.subarray(0, bytesRead).indexOf(0x0a);
        if (nl >= 0) { end += nl + 1; break; }
        end += bytesRead;
      }
      out.push({ start, end });
      start = end;
    }
  } finally {
    await fh.close();
  }
  return out;
}

async function readHeadLines(path: string, bytes: number): Promise<Buffer[]> {
  {
    const text = await readFileHead(path, bytes);
    const lines: Buffer[] = [];
    let pos = 0;
    for (;;) {
      const nl = text.indexOf(0x0a, pos);
      if (nl < 0) break;
      lines.push(text.subarray(pos, nl));
      pos = nl + 1;
    }
    return lines;
  }
}
