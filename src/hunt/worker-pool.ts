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

/**
 * Each worker holds up to this many tasks: it starts the next one without
 * waiting for the main thread to read its last answer and send more.
 */
const TASKS_PER_WORKER = 2;

export class WorkerPool<T, R> {
  private readonly workers: Worker[] = [];
  private readonly queue: { id: number; task: T }[] = [];
  private readonly pending = new Map<number, Pending>();
  /** Task ids each worker holds. */
  private readonly held = new Map<Worker, Set<number>>();
  private nextId = 1;

  constructor(url: URL, size: number, workerData: unknown) {
    for (let i = 0; i < size; i++) {
      const w = startWorker(url, workerData);
      const held = new Set<number>();
      this.held.set(w, held);
      w.on('message', (m: { id: number; result?: R; error?: string }) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        held.delete(m.id);
        this.pump();
        if (!p) return;
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.result);
      });
      w.on('error', (e) => {
        // A worker that dies fails the tasks it held.
        for (const id of held) {
          this.pending.get(id)?.reject(e);
          this.pending.delete(id);
        }
        held.clear();
      });
      this.workers.push(w);
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

  /** Hands queued tasks to the least loaded workers, up to TASKS_PER_WORKER each. */
  private pump(): void {
    while (this.queue.length > 0) {
      let best: Worker | null = null;
      let load = TASKS_PER_WORKER;
      for (const w of this.workers) {
        const n = this.held.get(w)!.size;
        if (n < load) { best = w; load = n; }
      }
      if (!best) return;
      const job = this.queue.shift()!;
      this.held.get(best)!.add(job.id);
      best.postMessage(job);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
