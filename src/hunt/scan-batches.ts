/**
 * Files to scan go to the worker pool in batches: each file still has its
 * own promise (its result, or its own failure), but a batch crosses to a
 * worker in one message and comes back in one. With many small files, a
 * message per file each way woke the threads some 20,000 times and cost the
 * main thread as much as storing the files.
 */
import type { HuntTask, HuntTaskResult, ScanOutcome, ScanTask } from './hunt-worker.js';
import type { ScanResult } from './scan-files.js';
import type { WorkerPool } from './worker-pool.js';

/** Most files in one batch. */
export const SCAN_BATCH_FILES = 16;
/** Most bytes of files in one batch: large files go alone, so both workers stay busy. */
export const SCAN_BATCH_BYTES = 2 * 1024 * 1024;

interface Waiting {
  task: ScanTask;
  resolve(r: ScanResult): void;
  reject(e: Error): void;
}

/**
 * Gathers scans into batches for `pool`. A batch goes when it is full, or
 * once the thread has nothing else to do (the next turn of the event loop),
 * so a file whose result is awaited is never held back.
 */
export class ScanBatches {
  private waiting: Waiting[] = [];
  private bytes = 0;
  private scheduled = false;

  constructor(private readonly pool: WorkerPool<HuntTask, HuntTaskResult>) {}

  /** Files waiting for their batch to be sent (0 right after one went). */
  get waitingFiles(): number {
    return this.waiting.length;
  }

  /** Scans one file of `size` bytes in a worker. */
  scan(task: ScanTask, size: number): Promise<ScanResult> {
    const p = new Promise<ScanResult>((resolve, reject) => { this.waiting.push({ task, resolve, reject }); });
    // Awaited when the file's turn comes to be staged; a failure before then must not count as unhandled.
    p.catch(() => undefined);
    this.bytes += size;
    if (this.waiting.length >= SCAN_BATCH_FILES || this.bytes >= SCAN_BATCH_BYTES) this.send();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.send();
      });
    }
    return p;
  }

  /** Sends what is waiting as one batch. */
  private send(): void {
    const batch = this.waiting;
    if (batch.length === 0) return;
    this.waiting = [];
    this.bytes = 0;
    this.pool.run({ kind: 'scans', tasks: batch.map((w) => w.task) }).then((results) => {
      const outcomes = results as ScanOutcome[];
      batch.forEach((w, i) => {
        const o = outcomes[i];
        if (o === undefined) w.reject(new Error('the worker gave no result for this file'));
        else if ('error' in o) w.reject(new Error(o.error));
        else w.resolve(o);
      });
    }, (e: unknown) => {
      for (const w of batch) w.reject(e instanceof Error ? e : new Error(String(e)));
    });
  }
}
