/**
 * A small pool of worker threads that run tasks and answer by message. The
 * worker script is resolved beside this file with this file's own extension,
 * so it works both from src/ under tsx (tests) and from dist/.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

type Pending = { resolve(v: unknown): void; reject(e: Error): void; onPart?: ((part: unknown) => void) | undefined };

/** The worker script `name` beside the module `base` (an import.meta.url), with that module's extension. */
export function workerUrl(base: string, name: string): URL {
  const ext = extname(fileURLToPath(base));
  return new URL(`./${name}${ext}`, base);
}

/** Starts a worker; a TypeScript script (running under tsx) goes through the ts-worker.mjs bootstrap. */
export function startWorker(url: URL, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  const limits = resourceLimits !== undefined ? { resourceLimits } : {};
  if (url.pathname.endsWith('.ts')) {
    return new Worker(new URL('./ts-worker.mjs', import.meta.url), {
      workerData: { ...(workerData as object), script: url.href }, ...limits,
    });
  }
  return new Worker(url, { workerData, ...limits });
}

/**
 * Each worker holds up to this many tasks (it runs them one at a time): it
 * starts the next one without waiting for the main thread to read its last
 * answer and send more — with many small files the main thread is often busy
 * committing when a worker finishes.
 */
const TASKS_PER_WORKER = 8;

/** Most workers started to replace dead ones over a pool's life: a worker that dies at start-up must not loop forever. */
const MAX_REPLACEMENTS = 16;

/**
 * A pool of worker threads. A worker that dies (out of memory, an uncaught
 * error, process.exit in a binding) fails the tasks it held with an error
 * saying so, and is replaced by a new one that gets every broadcast again;
 * the other tasks go on.
 */
export class WorkerPool<T, R> {
  private readonly workers: Worker[] = [];
  private readonly queue: { id: number; task: T }[] = [];
  private readonly pending = new Map<number, Pending>();
  /** Task ids each worker holds. */
  private readonly held = new Map<Worker, Set<number>>();
  /** Every broadcast so far, replayed to a replacement worker. */
  private readonly broadcasts: unknown[] = [];
  private nextId = 1;
  private replacements = 0;
  private closing = false;

  constructor(private readonly url: URL, size: number, private readonly workerData: unknown) {
    for (let i = 0; i < size; i++) this.workers.push(this.start());
  }

  /** Workers alive now (tests). */
  get size(): number {
    return this.workers.length;
  }

  private start(): Worker {
    const w = startWorker(this.url, this.workerData);
    const held = new Set<number>();
    this.held.set(w, held);
    w.on('message', (m: { id: number; result?: R; error?: string; part?: unknown }) => {
      const p = this.pending.get(m.id);
      // A part of a task's answer (a long task streams what it finds); the task goes on.
      if (m.part !== undefined) { p?.onPart?.(m.part); return; }
      this.pending.delete(m.id);
      held.delete(m.id);
      this.pump();
      if (!p) return;
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    let died = false;
    const die = (reason: string) => {
      if (died || this.closing) return;
      died = true;
      for (const id of held) {
        this.pending.get(id)?.reject(new Error(`worker thread died (${reason})`));
        this.pending.delete(id);
      }
      held.clear();
      this.held.delete(w);
      const i = this.workers.indexOf(w);
      if (i >= 0) this.workers.splice(i, 1);
      if (this.replacements < MAX_REPLACEMENTS) {
        this.replacements++;
        const fresh = this.start();
        for (const b of this.broadcasts) fresh.postMessage(b);
        this.workers.push(fresh);
      }
      if (this.workers.length === 0) {
        // No worker left to run what is queued: fail it rather than hang.
        for (const job of this.queue.splice(0)) {
          this.pending.get(job.id)?.reject(new Error(`no worker thread left (${reason})`));
          this.pending.delete(job.id);
        }
      }
      this.pump();
    };
    w.on('error', (e) => die(e instanceof Error ? e.message : String(e)));
    w.on('exit', (code) => die(`exit code ${code}`));
    return w;
  }

  /** Sends a message to every worker ahead of any task queued after it (e.g. the index). */
  broadcast(message: unknown): void {
    this.broadcasts.push(message);
    for (const w of this.workers) w.postMessage(message);
  }

  /** Runs a task; `onPart` takes the parts of its answer a worker posts before the answer itself, in order. */
  run(task: T, onPart?: (part: unknown) => void): Promise<R> {
    if (this.workers.length === 0) return Promise.reject(new Error('no worker thread left'));
    const id = this.nextId++;
    const p = new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onPart });
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
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
