/**
 * Reads IOC lists and feeds in a worker thread (intel-read-worker.ts) for
 * `intel import`: the worker parses a file and checks warninglists while
 * this thread stages the pages it has already posted, so on two cores
 * reading no longer adds to the import's time. The sink sees exactly what
 * it would see reading in this thread, in the same order. One thread serves
 * every file of an import (it loads the warninglists once).
 */
import type { Worker } from 'node:worker_threads';
import type { IntelFormat } from '../intel/index.js';
import { replayPage, type CheckedIntelSink, type IntelPage } from './intel-pages.js';
import { startWorker, workerUrl } from './worker-pool.js';

/**
 * The reading thread's young generation (MB). Its pages are posted within
 * milliseconds and die young; V8's default lets the young generation grow to
 * ~48 MB all the same. Measured on a 1M-line list: peak RSS 197–204 MB with
 * 2, 4 or 6 MB against 215–232 MB with the default or 8 MB, CPU time alike.
 */
const READER_YOUNG_GENERATION_MB = 4;

/** What the worker is started with. */
export interface ReadThreadData {
  /** The folder of warninglists the thread loads and checks each value with, or null: the caller checks. */
  warninglistDir: string | null;
  /** One Int32: pages posted and not yet taken (the worker waits on it). */
  ahead: SharedArrayBuffer;
}

/** A file for the worker to read. */
export interface ReadTask { path: string; format: IntelFormat }

/** A page of what the reader found, or the end of a file: null, or why it could not be read. */
export type ReadThreadMessage = { page: IntelPage } | { done: true; error: { code?: string; message: string } | null };

/** A reading thread, started at the first file and stopped by close(); one file at a time. */
export class IntelReadThread {
  private worker: Worker | null = null;
  private readonly ahead = new SharedArrayBuffer(4);
  /** Ends the file being read, when the worker fails. */
  private fail: ((e: unknown) => void) | null = null;

  constructor(private readonly warninglistDir: string | null) {}

  private start(): Worker {
    const data: ReadThreadData = { warninglistDir: this.warninglistDir, ahead: this.ahead };
    const w = startWorker(workerUrl(import.meta.url, 'intel-read-worker'), data, { maxYoungGenerationSizeMb: READER_YOUNG_GENERATION_MB });
    w.on('error', (e) => this.stopped(w, e));
    w.on('exit', (code) => this.stopped(w, new Error(`the reading thread stopped (exit code ${code})`)));
    return w;
  }

  private stopped(w: Worker, e: unknown): void {
    if (this.worker !== w) return;
    this.worker = null;
    this.fail?.(e);
  }

  /**
   * Reads the file into the sink; `flush` is called after each page,
   * `advance` with its bytes. Resolves to the read error (an Error with the
   * system's code, as readSync throws; or the thread's failure) or null when
   * the file was read to its end; rejects when the sink or flush throws (the
   * thread is stopped).
   */
  read(task: ReadTask, sink: CheckedIntelSink, flush: () => void, advance: (bytes: number) => void): Promise<unknown> {
    if (this.fail !== null) throw new Error('the reading thread reads one file at a time');
    const worker = this.worker ??= this.start();
    const counter = new Int32Array(this.ahead);
    Atomics.store(counter, 0, 0);
    return new Promise((resolve, reject) => {
      const settle = (f: () => void) => {
        worker.off('message', onMessage);
        this.fail = null;
        f();
      };
      const onMessage = (m: ReadThreadMessage) => {
        if ('page' in m) {
          try {
            replayPage(m.page, sink);
            flush();
            advance(m.page.bytes);
          } catch (e) {
            settle(() => reject(e));
            void this.close();
            return;
          }
          Atomics.sub(counter, 0, 1);
          Atomics.notify(counter, 0);
          return;
        }
        const err = m.error;
        settle(() => resolve(err === null ? null : Object.assign(new Error(err.message), err.code !== undefined ? { code: err.code } : {})));
      };
      this.fail = (e) => settle(() => resolve(e));
      worker.on('message', onMessage);
      worker.postMessage(task);
    });
  }

  /** Stops the thread (a later read starts another). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }
}
