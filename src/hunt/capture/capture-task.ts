/**
 * A capture hunted in a worker of the hunt's pool: the worker reads and
 * decodes the capture front to back (one thread, as readCaptureFile does) and
 * matches its observations against the shared index; the main thread only
 * stores what it finds, while another worker hashes the file. The sightings
 * come back in parts, in packet order, as the worker reads; the worker waits
 * when the main thread has not yet taken MAX_PARTS_AHEAD of them (a slow
 * store holds the reader back, memory stays flat).
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import type { IndicatorIndex } from '../../matching/index.js';
import { RecordMatcher, type RawSighting } from '../match.js';
import { readCaptureFile, type CaptureFileStats } from './read-capture-file.js';

/** Parts posted and not yet taken by the main thread before the worker waits. */
export const MAX_PARTS_AHEAD = 8;
/** Chunks read between parts when there is nothing to hand over but progress. */
const CHUNKS_PER_PART = 16;
/** Sightings that make a part before CHUNKS_PER_PART chunks are read. */
const SIGHTINGS_PER_PART = 4096;
/** How long the worker waits for the main thread at a time before looking again (ms). */
const CREDIT_WAIT_MS = 100;

/** Slots of a task's credit: parts the main thread has taken, and whether it gave the task up. */
const TAKEN = 0;
const CANCELLED = 1;

/** A capture to hunt in a worker. */
export interface CaptureTask {
  path: string;
  displayPath: string;
  /** Query parameters naming an implant's host identifier (Store.hostIdParams()). */
  hostIdParams: readonly string[];
  /** Shared Int32Array(2): parts taken by the main thread, and 1 once it gave the task up (newCaptureCredit). */
  credit: SharedArrayBuffer;
}

/** What the worker found since its last part, and how far it has read. */
export interface CapturePart {
  sightings: RawSighting[];
  diagnostics: Diagnostic[];
  bytesRead: number;
}

/** The shared memory of a task's credit. */
export function newCaptureCredit(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

/** The main thread has taken (stored) one more part. */
export function takePart(credit: SharedArrayBuffer): void {
  const c = new Int32Array(credit);
  Atomics.add(c, TAKEN, 1);
  Atomics.notify(c, TAKEN);
}

/** The main thread gives the task up (its file failed): the worker stops at its next part instead of waiting. */
export function cancelCapture(credit: SharedArrayBuffer): void {
  const c = new Int32Array(credit);
  Atomics.store(c, CANCELLED, 1);
  Atomics.notify(c, TAKEN);
}

/** Worker side: reads, decodes and matches the capture, posting parts as it goes; returns the capture's counts. */
export async function huntCaptureTask(task: CaptureTask, index: IndicatorIndex, post: (part: CapturePart) => void): Promise<CaptureFileStats> {
  const credit = new Int32Array(task.credit);
  let sightings: RawSighting[] = [];
  let diagnostics: Diagnostic[] = [];
  let bytesRead = 0;
  let posted = 0;
  let chunks = 0;
  const matcher = new RecordMatcher(index, task.hostIdParams, (s) => { sightings.push(s); });
  const send = (): void => {
    post({ sightings, diagnostics, bytesRead });
    posted++;
    sightings = [];
    diagnostics = [];
    // Blocking this worker is the point: it has nothing else to do until the main thread catches up.
    for (;;) {
      if (Atomics.load(credit, CANCELLED) !== 0) throw new Error('the capture was given up');
      const taken = Atomics.load(credit, TAKEN);
      if (posted - taken <= MAX_PARTS_AHEAD) return;
      Atomics.wait(credit, TAKEN, taken, CREDIT_WAIT_MS);
    }
  };
  const stats = await readCaptureFile(task.path, task.displayPath, (batch) => {
    for (const o of batch) matcher.observe(o);
  }, (d) => diagnostics.push(d), {
    onProgress: (n) => { bytesRead = n; },
    drain: () => {
      if (++chunks >= CHUNKS_PER_PART || sightings.length >= SIGHTINGS_PER_PART || diagnostics.length !== 0) { chunks = 0; send(); }
      return Promise.resolve();
    },
  });
  matcher.end();
  send();
  return stats;
}

/** Runs a capture task somewhere else, handing its parts to `onPart` in order. */
export type CaptureRunner = (task: CaptureTask, onPart: (part: CapturePart) => void) => Promise<CaptureFileStats>;
