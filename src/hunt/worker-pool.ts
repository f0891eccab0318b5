/**
 * A small pool of worker threads that run tasks and answer by message. The
 * worker script is resolved beside this file with this file's own extension,
 * so it works both from src/ under tsx (tests) and from dist/.
 */
import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

type Pending = { resolve(v: unknown): void; reject(e: Error): void };

/** The worker script `name` beside the module `base` (an import.meta.url), with that module's extension. */
export function workerUrl(base: string, name: string): URL {
  const ext = extname(fileURLToPath(base));
  return new URL(`./${name}${ext}`, base);
}

/** Starts a worker; a TypeScript script (running under tsx) goes through the ts-worker.mjs bootstrap. */
export function startWorker(url: URL, workerData: unknown): Worker {
  if (url.pathname.endsWith('.ts')) {
    return new Worker(new URL('./ts-worker.mjs', import.meta.url), {
      workerData: { ...(workerData as object), script: url.href },
    });
  }
  return new Worker(url, { workerData });
}

export class WorkerPool<T, R> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; task: T }[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly busy = new Map<Worker, number>();
  private nextId = 1;

  constructor(url: URL, size: number, workerData: unknown) {
    for (let i = 0; i < size; i++) {
      const w = startWorker(url, workerData);
      w.on('message', (m: { id: number; result?: R; error?: string }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        this.busy.delete(w);
        this.idle.push(w);
        this.pump();
        if (!p) return;
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.result);
      });
      w.on('error', (e) => {
        const id = this.busy.get(w);
        if (id !== undefined) {
          this.pending.get(id)?.reject(e);
          this.pending.delete(id);
        }
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  /** Sends a message to every worker ahead of any task queued after it (e.g. the index). */
  broadcast(message: unknown): void {
    for (const w of this.workers) w.postMessage(message);
  }

  run(task: T): Promise<R> {
    const id = this.nextId++;
    const p = new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    });
    this.queue.push({ id, task });
    this.pump();
    return p;
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.busy.set(w, job.id);
      w.postMessage(job);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
