/** Work handed to the hunt's worker pool besides log ranges and scans: hashing a file, hunting a capture. */
import type { CapturePart, CaptureRunner } from './capture/capture-task.js';
import type { CaptureFileStats } from './capture/read-capture-file.js';
import type { HashResult, HuntTask, HuntTaskResult } from './hunt-worker.js';
import type { WorkerPool } from './worker-pool.js';

/** A file's sha256 computed by a worker of the pool (a capture's, while another worker reads it). */
export function poolHasher(pool: WorkerPool<HuntTask, HuntTaskResult>): (path: string) => Promise<string> {
  return async (path) => ((await pool.run({ kind: 'hash', task: { path } })) as HashResult).sha256;
}

/** Captures hunted (read, decoded, matched) by a worker of the pool; their parts come back as they are read. */
export function poolCaptures(pool: WorkerPool<HuntTask, HuntTaskResult>): CaptureRunner {
  return async (task, onPart) => (await pool.run({ kind: 'capture', task }, (p) => onPart(p as CapturePart))) as CaptureFileStats;
}
