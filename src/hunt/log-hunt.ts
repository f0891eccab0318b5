/**
 * Hunting one text log: front to back in this thread (small files, gzip),
 * or split at line boundaries into ranges for the worker pool (large files).
 */
import { open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../core/diagnostic.js';
import { createLineReader } from '../evidence/index.js';
import type { IndicatorIndex } from '../matching/index.js';
import type { FoundFile } from '../samples/index.js';
import type { HuntTask, HuntTaskResult } from './hunt-worker.js';
import { huntRange, type RangeResult, type RangeTask } from './log-range.js';
import type { RawSighting } from './match.js';
import { readFileHead } from './file-head.js';
import type { WorkerPool } from './worker-pool.js';

/** Bytes read per step when hashing a file. */
const HASH_BLOCK_BYTES = 1024 * 1024;
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

/** sha256 of a whole file, read through one reused buffer (a stream's chunks would pile up as garbage on a large file). */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(HASH_BLOCK_BYTES);
  const fh = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead <= 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}


/**
 * Splits a large plain log at line boundaries into ranges for the worker
 * pool. Each range starts with the reader state read from the file's head;
 * a range whose predecessor ended in another state (a header that changed
 * mid-file) is read again with the right one. Results are reported in file
 * order with absolute line numbers.
 */
export async function huntRanges(
  f: FoundFile, family: string, pool: WorkerPool<HuntTask, HuntTaskResult>, index: IndicatorIndex,
  report: (d: Diagnostic) => void, record: (s: RawSighting, format: string) => void, progress: { advance(bytes: number): void },
  rangeBytes: number, drain: () => Promise<void>, opts: Pick<RangeTask, 'hostIdParams' | 'sinkhole'>,
): Promise<LogHuntStats> {
  const bounds = await rangeBounds(f.path, f.size, rangeBytes);
  // The state a range after the head starts in: the head's lines read by a throwaway reader
  // (a sinkhole's is a web access log reader's: none).
  const headReader = createLineReader(opts.sinkhole ? 'web-access' : family, f.path, undefined, { referenceMs: f.mtimeMs });
  const headLines = await readHeadLines(f.path, Math.min(f.size, HEAD_STATE_BYTES));
  const nullSink = { observe() {}, diagnostic() {} };
  headLines.forEach((l, i) => headReader.readLine(l, i + 1, nullSink));
  const headState = headReader.snapshot() ?? null;
  const hashing = hashFile(f.path);
  const tasks = bounds.map((b, i): RangeTask => ({
    path: f.path, displayPath: f.path, family, start: b.start, end: b.end, referenceMs: f.mtimeMs,
    state: i === 0 ? null : headState, hasState: i !== 0, hostIdParams: opts.hostIdParams, ...(opts.sinkhole ? { sinkhole: opts.sinkhole } : {}),
  }));
  // Ranges are handed out a few ahead of the one being reported, not all at once: when the main thread
  // is the slower side (a sinkhole log, where every line is a sighting to store), results do not pile up.
  const ahead = pool.size + RANGES_AHEAD;
  const running: (Promise<RangeResult> | null)[] = [];
  const start = (i: number) => {
    if (i >= tasks.length || running[i] !== undefined) return;
    const p = pool.run({ kind: 'range', task: tasks[i]! }) as Promise<RangeResult>;
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
