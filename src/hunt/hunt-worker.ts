/**
 * Worker thread of a hunt: reads byte ranges of large text logs, scans
 * files as samples and hunts captures against the shared index, and hashes
 * a large file while another worker reads it. The index (shared memory, not
 * copied) and the YARA rules arrive by message, so a worker loads its code
 * while the main thread loads the case.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IndicatorIndex, type SharedIndex } from '../matching/index.js';
import type { YaraScanner, YaraSource } from '../samples/index.js';
import type { CaptureTask } from './capture/capture-task.js';
import type { CaptureFileStats } from './capture/read-capture-file.js';
import { hashFile } from './file-hash.js';
import type { RangeResult, RangeTask } from './log-range.js';
import type { ScanResult, TextPassTask } from './scan-files.js';

/** A file to scan as a sample. */
export interface ScanTask {
  path: string;
  maxFileSize: number;
  /** Read its bytes as a text log too, before the scan (a small text file in no known format). */
  text?: TextPassTask;
}

/** A whole file to hash (sha256), and its digest. */
export interface HashTask { path: string }
export interface HashResult { sha256: string }

/**
 * Files are scanned in batches (scan-batches.ts): one message each way per
 * batch, not per file, so that with many small files the threads are not
 * woken (and the main thread not kept busy) once per file.
 */
export type HuntTask = { kind: 'range'; task: RangeTask } | { kind: 'scans'; tasks: ScanTask[] } | { kind: 'hash'; task: HashTask }
  | { kind: 'capture'; task: CaptureTask };
export type HuntTaskResult = RangeResult | ScanOutcome[] | HashResult | CaptureFileStats;
/** A file's scan, or why it failed (a failure fails that file alone, not its batch). */
export type ScanOutcome = ScanResult | { error: string };

/** A worker's workerData. */
export interface HuntWorkerData {
  /** Load the log readers now, while the main thread loads the index, not on the first range (a hunt with a large file to cut into ranges). */
  preloadRanges?: boolean;
}

/** Messages a worker takes before tasks. */
export interface HuntWorkerSetup {
  index?: SharedIndex;
  yara?: { sources: YaraSource[]; ids: [string, number][] };
}

let index: IndicatorIndex | null = null;
/** The log readers' code, loaded on the first range, or at start when told to. */
let rangeCode: Promise<typeof import('./log-range.js')> | null = null;
if ((workerData as HuntWorkerData | null)?.preloadRanges) {
  rangeCode = import('./log-range.js');
  // A failure is met again, and reported, by the first range task.
  rangeCode.catch(() => undefined);
}
let yaraSources: YaraSource[] = [];
let yaraIds = new Map<string, number>();
let yara: YaraScanner | null | undefined;

/** Scans a batch of files, one after the other; the rules are compiled on the first scan (their diagnostics were reported by the main thread). */
async function scanTasks(tasks: readonly ScanTask[], idx: IndicatorIndex): Promise<ScanOutcome[]> {
  // Loaded on first use: a worker that only reads log ranges never needs the sample code.
  const [{ YaraScanner }, { scanFileAt }] = await Promise.all([import('../samples/index.js'), import('./scan-files.js')]);
  yara ??= yaraSources.length === 0 ? null : YaraScanner.compileValidated(yaraSources, () => undefined);
  const out: ScanOutcome[] = [];
  for (const t of tasks) {
    try {
      out.push(await scanFileAt(t.path, t.maxFileSize, { index: idx, yara, yaraIds }, t.text));
    } catch (e) {
      out.push({ error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

/**
 * Messages are handled one after another: a worker holds several tasks (so it
 * never waits for the main thread), but reads one file at a time, so its
 * memory is one file's, not the sum of what it holds.
 */
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (msg: HuntWorkerSetup & { id?: number; task?: HuntTask }) => {
  queue = queue.then(() => handle(msg));
});

async function handle(msg: HuntWorkerSetup & { id?: number; task?: HuntTask }): Promise<void> {
  if (msg.index) index = IndicatorIndex.fromShared(msg.index);
  if (msg.yara) {
    yaraSources = msg.yara.sources;
    yaraIds = new Map(msg.yara.ids);
    yara = undefined;
  }
  if (!msg.task) return;
  try {
    const t = msg.task;
    if (t.kind === 'hash') {
      parentPort!.postMessage({ id: msg.id, result: { sha256: await hashFile(t.task.path) } satisfies HashResult });
      return;
    }
    if (!index) throw new Error('hunt worker got a task before the index');
    // Each kind's code is loaded on its first task: a worker that only hashes and reads a capture never loads the log readers.
    const result = t.kind === 'range' ? (await (rangeCode ??= import('./log-range.js'))).huntRange(t.task, index)
      : t.kind === 'capture' ? await (await import('./capture/capture-task.js')).huntCaptureTask(t.task, index, (part) => parentPort!.postMessage({ id: msg.id, part }))
      : await scanTasks(t.tasks, index);
    parentPort!.postMessage({ id: msg.id, result });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
}
