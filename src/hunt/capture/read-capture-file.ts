/**
 * Reads one capture file (plain or gzip) as a stream, with flat memory, and
 * hands its observations over in batches. With workers, each worker reads and
 * frames the whole file and decodes its share of the flows (so each flow's
 * state lives in one worker); the main thread merges them in packet order.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { diag, type Diagnostic } from '../../core/diagnostic.js';
import type { Observation } from '../../core/model.js';
import { CaptureReader, MAX_FLOWS } from '../../evidence/pcap/index.js';
import { openCaptureChunks } from './capture-chunks.js';
import type { WorkerInit, WorkerReply } from './capture-worker.js';
import { isGzipFile } from '../file-head.js';

/** Files at least this large (on disk) are read with worker threads. */
export const PARALLEL_THRESHOLD_BYTES = 64 * 1024 * 1024;
/** Worker threads when the caller does not say (see CaptureHuntOptions.workers). */
export const DEFAULT_WORKERS = 0;
/** Most worker threads used. */
export const MAX_WORKERS = 16;
/** Observations per batch handed to onBatch. */
export const BATCH_OBSERVATIONS = 4096;

/** Options of readCaptureFile. */
export interface CaptureHuntOptions {
  /**
   * Worker threads for large captures; 0 = read in this thread. Default 0: measured on 2 shared cores,
   * workers that each read the whole file were not faster than one thread (bench/hunt-pcap, docs/benchmarks.md).
   */
  workers?: number;
  /** Called after each chunk with the bytes of the file read so far. */
  onProgress?(bytesRead: number): void;
  signal?: AbortSignal;
  /** Size from which workers are used (default PARALLEL_THRESHOLD_BYTES). */
  parallelThreshold?: number;
  /**
   * Awaited after each chunk of the one-thread read: the caller writes what it
   * was handed, and a slow store holds the reader back.
   */
  drain?(): Promise<void>;
}

/** What readCaptureFile read. */
export interface CaptureFileStats {
  /** 'pcap', 'pcapng', or 'unknown'. */
  format: string;
  packets: number;
  /** Bytes of capture data read (after gunzip). */
  bytes: number;
  /** Bad records skipped. */
  skipped: number;
  /** Non-first IP fragments skipped. */
  skippedFragments: number;
}

/** Reads a capture file (or .gz), emits observations in batches (in packet order within a batch). Uses worker_threads for large captures. */
export async function readCaptureFile(
  path: string,
  displayPath: string,
  onBatch: (obs: Observation[]) => void,
  onDiagnostic: (d: Diagnostic) => void,
  opts: CaptureHuntOptions = {},
): Promise<CaptureFileStats> {
  let size: number;
  let gzip: boolean;
  try {
    size = (await stat(path)).size;
    gzip = await isGzipFile(path);
  } catch (e) {
    onDiagnostic(diag('unreadable', displayPath, `cannot read: ${(e as Error).message}`));
    return { format: 'unknown', packets: 0, bytes: 0, skipped: 0, skippedFragments: 0 };
  }
  const workers = Math.min(opts.workers ?? DEFAULT_WORKERS, MAX_WORKERS, availableParallelism() * 2);
  const parallel = workers > 0 && size >= (opts.parallelThreshold ?? PARALLEL_THRESHOLD_BYTES);
  if (parallel) {
    try {
      return await readParallel(path, gzip, displayPath, onBatch, onDiagnostic, opts, workers);
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      onDiagnostic(diag('unreadable', displayPath, `read failed: ${(e as Error).message}`));
      return { format: 'unknown', packets: 0, bytes: 0, skipped: 0, skippedFragments: 0 };
    }
  }
  const { file, input } = openCaptureChunks(path, gzip);
  try {
    return await readSerial(input, file, displayPath, onBatch, onDiagnostic, opts);
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    onDiagnostic(diag('unreadable', displayPath, `read failed: ${(e as Error).message}`));
    return { format: 'unknown', packets: 0, bytes: 0, skipped: 0, skippedFragments: 0 };
  } finally {
    file.destroy();
    input.destroy();
  }
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The read was aborted', 'AbortError');
}

async function readSerial(
  input: AsyncIterable<unknown>, file: { bytesRead: number }, displayPath: string,
  onBatch: (obs: Observation[]) => void, onDiagnostic: (d: Diagnostic) => void, opts: CaptureHuntOptions,
): Promise<CaptureFileStats> {
  let batch: Observation[] = [];
  const reader = new CaptureReader(displayPath, {
    observe: (o) => {
      batch.push(o);
      if (batch.length >= BATCH_OBSERVATIONS) { onBatch(batch); batch = []; }
    },
    diagnostic: onDiagnostic,
  });
  for await (const chunk of input) {
    checkAbort(opts.signal);
    reader.push(chunk as Buffer);
    opts.onProgress?.(file.bytesRead);
    if (opts.drain) await opts.drain();
  }
  checkAbort(opts.signal);
  // What end() reads (tunnel bytes held to the end) is reported at earlier packets: its own batch keeps each batch in packet order.
  if (batch.length) { onBatch(batch); batch = []; }
  reader.end();
  if (batch.length) onBatch(batch);
  const s = reader.stats;
  return { format: reader.format ?? 'unknown', packets: s.packets, bytes: s.bytes, skipped: s.skipped, skippedFragments: s.skippedFragments };
}

/** The worker module beside this one, with this file's own extension (.ts under tsx, .js when compiled). */
function workerUrl(): URL {
  const ext = extname(fileURLToPath(import.meta.url));
  return new URL(`./capture-worker${ext}`, import.meta.url);
}

/**
 * Starts a capture worker. Under tsx (tests, bench) the worker is TypeScript, and Node 20 does not
 * carry tsx's loader into worker threads: a small bootstrap loads it with tsx's own tsImport.
 */
function startWorker(init: WorkerInit): Worker {
  const url = workerUrl();
  if (url.pathname.endsWith('.ts')) {
    const api = import.meta.resolve('tsx/esm/api');
    const code = `import(${JSON.stringify(api)}).then((m) => m.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(import.meta.url)}));`;
    return new Worker(code, { eval: true, workerData: init });
  }
  return new Worker(url, { workerData: init });
}

/**
 * Workers each read the whole file and decode their shard of the flows; their observation
 * streams (each in packet order) are merged here in packet order, up to the packet every
 * worker has passed. What they read at the end of the capture comes last, merged the same way.
 */
async function readParallel(
  path: string, gzip: boolean, displayPath: string,
  onBatch: (obs: Observation[]) => void, onDiagnostic: (d: Diagnostic) => void, opts: CaptureHuntOptions, count: number,
): Promise<CaptureFileStats> {
  const pool = Array.from({ length: count }, (_, shard) => startWorker({
    path, gzip, displayPath, maxFlows: Math.ceil(MAX_FLOWS / count), shard, shards: count,
  }));
  const queues: Observation[][] = pool.map(() => []);
  const upTo: number[] = pool.map(() => 0);
  const ends: Array<WorkerReply & { type: 'done' } | null> = pool.map(() => null);
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = (): void => { const w = wake; wake = null; w?.(); };
  /** Emits, in packet order, what every worker has passed (all of it once each is done). */
  const emitUpTo = (limit: number, lists: Observation[][]): void => {
    const obs: Observation[] = [];
    lists.forEach((q, i) => {
      let n = 0;
      while (n < q.length && q[n]!.packet! <= limit) n++;
      for (let j = 0; j < n; j++) obs.push(q[j]!);
      lists[i] = q.slice(n);
    });
    // A packet belongs to one flow, so to one worker: the stable sort keeps each packet's observations in their order.
    obs.sort((a, b) => a.packet! - b.packet!);
    for (let i = 0; i < obs.length; i += BATCH_OBSERVATIONS) onBatch(obs.slice(i, i + BATCH_OBSERVATIONS));
  };
  pool.forEach((w, i) => {
    w.on('message', (r: WorkerReply) => {
      try {
        if (r.type === 'chunk') {
          for (const o of r.observations) queues[i]!.push(o);
          for (const d of r.diagnostics) onDiagnostic(d);
          upTo[i] = r.upTo;
          if (i === 0) opts.onProgress?.(r.bytesRead);
          emitUpTo(Math.min(...upTo), queues);
        } else if (r.type === 'done') {
          for (const d of r.diagnostics) onDiagnostic(d);
          ends[i] = r;
          upTo[i] = Infinity;
          emitUpTo(Math.min(...upTo), queues);
        } else failure ??= new Error(r.message);
      } catch (e) { failure ??= e as Error; }
      notify();
    });
    w.on('error', (e) => { failure ??= e; notify(); });
    w.on('exit', (code) => { if (ends[i] === null && code !== 0) { failure ??= new Error(`capture worker exited with code ${code}`); notify(); } });
  });
  const onAbort = (): void => notify();
  opts.signal?.addEventListener('abort', onAbort);
  try {
    while (ends.some((e) => e === null)) {
      checkAbort(opts.signal);
      if (failure) throw failure;
      await new Promise<void>((resolve) => { wake = resolve; });
    }
    checkAbort(opts.signal);
    if (failure) throw failure;
    emitUpTo(Infinity, ends.map((e) => e!.observations));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all(pool.map((w) => w.terminate()));
  }
  const s = ends[0]!;
  return { format: s.format, packets: s.packets, bytes: s.bytes, skipped: s.skipped, skippedFragments: s.skippedFragments };
}
