/**
 * Reads one IOC list or feed in a worker thread (intel-read-worker.ts) for
 * `intel import`: the worker parses the file and checks warninglists while
 * this thread stages the pages it has already posted, so on two cores
 * reading no longer adds to the import's time. The sink sees exactly what
 * it would see reading in this thread, in the same order.
 */
import type { IntelFormat } from '../intel/index.js';
import { replayPage, type CheckedIntelSink, type IntelPage } from './intel-pages.js';
import { startWorker, workerUrl } from './worker-pool.js';

/** What the worker is started with. */
export interface ReadThreadData {
  path: string;
  format: IntelFormat;
  /** The folder of warninglists the thread loads and checks each value with, or null: the caller checks. */
  warninglistDir: string | null;
  /** One Int32: pages posted and not yet taken (the worker waits on it). */
  ahead: SharedArrayBuffer;
}

/** A page of what the reader found, or the end: null, or why the file could not be read. */
export type ReadThreadMessage = { page: IntelPage } | { done: true; error: { code?: string; message: string } | null };

/**
 * Reads the file in a worker thread into the sink; `flush` is called after
 * each page, `advance` with its bytes. Resolves to the read error (an Error
 * with the system's code, as readSync throws) or null when the file was read
 * to its end; rejects when the sink or flush throws (the worker is stopped).
 */
export function readInThread(
  file: { path: string; format: IntelFormat; warninglistDir: string | null }, sink: CheckedIntelSink, flush: () => void, advance: (bytes: number) => void,
): Promise<unknown> {
  const ahead = new SharedArrayBuffer(4);
  const counter = new Int32Array(ahead);
  const data: ReadThreadData = { ...file, ahead };
  const worker = startWorker(workerUrl(import.meta.url, 'intel-read-worker'), data);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      f();
    };
    worker.on('message', (m: ReadThreadMessage) => {
      if (settled) return;
      if ('page' in m) {
        try {
          replayPage(m.page, sink);
          flush();
          advance(m.page.bytes);
        } catch (e) {
          settle(() => reject(e));
          return;
        }
        Atomics.sub(counter, 0, 1);
        Atomics.notify(counter, 0);
        return;
      }
      const err = m.error;
      settle(() => resolve(err === null ? null : Object.assign(new Error(err.message), err.code !== undefined ? { code: err.code } : {})));
    });
    worker.on('error', (e) => settle(() => resolve(e)));
    worker.on('exit', (code) => settle(() => resolve(new Error(`the reading thread stopped (exit code ${code})`))));
  });
}
