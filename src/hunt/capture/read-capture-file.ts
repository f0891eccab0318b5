/**
 * Reads one capture file (plain or gzip) as a stream, with flat memory, and
 * hands its observations over in batches. Large captures use worker threads:
 * the main thread frames records and finds each packet's flow, workers decode
 * their share of the flows (so each flow's state lives in one worker).
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { diag, type Diagnostic } from '../../core/diagnostic.js';
import type { Observation } from '../../core/model.js';
import { CaptureFramer, CaptureReader, createPacketLayers, decodeLayers, hashFlow, MAX_FLOWS } from '../../evidence/pcap/index.js';
import { PacketBatchWriter } from './packet-batch.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './capture-worker.js';
import { isGzipFile } from '../file-head.js';

/** Files at least this large (on disk) are read with worker threads. */
export const PARALLEL_THRESHOLD_BYTES = 64 * 1024 * 1024;
/** Worker threads when the caller does not say (see CaptureHuntOptions.workers). */
export const DEFAULT_WORKERS = 0;
/** Most worker threads used. */
export const MAX_WORKERS = 16;
/** Observations per batch handed to onBatch. */
export const BATCH_OBSERVATIONS = 4096;
/** Read-ahead of the file stream. */
export const READ_CHUNK_BYTES = 1024 * 1024;
/** Rounds of batches in flight to the workers before reading pauses. */
export const MAX_ROUNDS_IN_FLIGHT = 4;

/** Options of readCaptureFile. */
export interface CaptureHuntOptions {
  /**
   * Worker threads for large captures; 0 = read in this thread. Default 0: measured on 2 cores, framing
   * on the main thread costs about as much as the whole serial read, so workers were slower (bench/hunt-pcap).
   */
  workers?: number;
  /** Called after each chunk with the bytes of the file read so far. */
  onProgress?(bytesRead: number): void;
  signal?: AbortSignal;
  /** Size from which workers are used (default PARALLEL_THRESHOLD_BYTES). */
  parallelThreshold?: number;
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
  let file: { bytesRead: number; destroy(): void };
  let input: AsyncIterable<unknown> & { destroy(): void };
  if (gzip) {
    const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
    const gunzip: Readable = stream.pipe(createGunzip({ chunkSize: READ_CHUNK_BYTES }));
    stream.on('error', (e) => gunzip.destroy(e));
    file = stream;
    input = gunzip;
  } else {
    file = input = new PlainFileChunks(path);
  }
  try {
    return parallel
      ? await readParallel(input, file, displayPath, onBatch, onDiagnostic, opts, workers)
      : await readSerial(input, file, displayPath, onBatch, onDiagnostic, opts);
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    onDiagnostic(diag('unreadable', displayPath, `read failed: ${(e as Error).message}`));
    return { format: 'unknown', packets: 0, bytes: 0, skipped: 0, skippedFragments: 0 };
  } finally {
    file.destroy();
    input.destroy();
  }
}

/**
 * A plain file's bytes in chunks, read into two buffers that take turns: the next read runs (in
 * libuv's thread pool) while the current chunk is framed, and no chunk is allocated per read
 * (a fresh 1 MiB Buffer per chunk, as a read stream makes, cost as much in GC as the framing).
 * A chunk is valid until the next one is asked for; the framer copies any record tail it keeps.
 */
class PlainFileChunks implements AsyncIterable<Buffer> {
  bytesRead = 0;
  private closed = false;
  private handle: Awaited<ReturnType<typeof open>> | null = null;

  constructor(private readonly path: string) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const h = this.handle = await open(this.path, 'r');
    const bufs = [Buffer.allocUnsafe(READ_CHUNK_BYTES), Buffer.allocUnsafe(READ_CHUNK_BYTES)];
    let i = 0;
    let next = h.read(bufs[0]!, 0, READ_CHUNK_BYTES, null);
    try {
      for (;;) {
        const { bytesRead } = await next;
        if (bytesRead === 0 || this.closed) return;
        this.bytesRead += bytesRead;
        const chunk = bufs[i]!.subarray(0, bytesRead);
        i ^= 1;
        next = h.read(bufs[i]!, 0, READ_CHUNK_BYTES, null);
        yield chunk;
      }
    } finally {
      await next.catch(() => undefined);
      await h.close();
      this.handle = null;
    }
  }

  destroy(): void {
    this.closed = true;
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

async function readParallel(
  input: AsyncIterable<unknown>, file: { bytesRead: number }, displayPath: string,
  onBatch: (obs: Observation[]) => void, onDiagnostic: (d: Diagnostic) => void, opts: CaptureHuntOptions, count: number,
): Promise<CaptureFileStats> {
  const init: WorkerInit = { path: displayPath, maxFlows: Math.ceil(MAX_FLOWS / count) };
  const pool = Array.from({ length: count }, () => startWorker(init));
  const writers = pool.map(() => new PacketBatchWriter());
  // Replies per round, merged into one packet-ordered batch once every worker has answered.
  const pending = new Map<number, WorkerReply[]>();
  let nextRound = 0;
  let sent = 0;
  let failure: Error | null = null;
  let wake: (() => void) | null = null;
  let skippedFragments = 0;
  let finished = 0;
  const notify = (): void => { const w = wake; wake = null; w?.(); };
  const ended: WorkerReply[] = [];
  const emitMerged = (replies: WorkerReply[]): void => {
    const obs: Observation[] = [];
    for (const r of replies) {
      for (const o of r.observations) obs.push(o);
      for (const d of r.diagnostics) onDiagnostic(d);
    }
    obs.sort((a, b) => a.packet! - b.packet!);
    for (let i = 0; i < obs.length; i += BATCH_OBSERVATIONS) onBatch(obs.slice(i, i + BATCH_OBSERVATIONS));
  };
  const flush = (): void => {
    for (;;) {
      const replies = pending.get(nextRound);
      if (!replies || replies.length < count) return;
      pending.delete(nextRound);
      nextRound++;
      emitMerged(replies);
    }
  };
  for (const w of pool) {
    w.on('message', (r: WorkerReply) => {
      if (r.type === 'round') {
        const list = pending.get(r.round) ?? [];
        list.push(r);
        pending.set(r.round, list);
        try { flush(); } catch (e) { failure ??= e as Error; }
      } else {
        skippedFragments += r.skippedFragments;
        finished++;
        ended.push(r);
        if (finished === count) {
          // What the workers read at the end of the capture (held tunnel bytes): one packet-ordered batch.
          try { emitMerged(ended); } catch (e) { failure ??= e as Error; }
        }
      }
      notify();
    });
    w.on('error', (e) => { failure ??= e; notify(); });
    w.on('exit', (code) => { if (finished < count && code !== 0) { failure ??= new Error(`capture worker exited with code ${code}`); notify(); } });
  }
  const waitUntil = async (done: () => boolean): Promise<void> => {
    while (!done()) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => { wake = resolve; });
    }
    if (failure) throw failure;
  };
  const layers = createPacketLayers();
  let nonIpShard = 0;
  const framer = new CaptureFramer(displayPath, {
    packet: (p) => {
      let shard: number;
      if (decodeLayers(p.linktype, p.buf, p.offset, p.length, layers) && !layers.laterFragment) shard = hashFlow(layers) % count;
      else shard = nonIpShard = (nonIpShard + 1) % count; // nothing to keep per flow: spread them
      writers[shard]!.add(p.number, p.ts, p.linktype, p.buf, p.offset, p.length);
    },
    diagnostic: onDiagnostic,
  });
  const ship = (): void => {
    const round = sent++;
    pool.forEach((w, i) => {
      const data = writers[i]!.take();
      const msg: WorkerRequest = { type: 'batch', round, data };
      w.postMessage(msg, [data]);
    });
  };
  try {
    for await (const chunk of input) {
      checkAbort(opts.signal);
      if (failure) throw failure;
      framer.push(chunk as Buffer);
      ship();
      opts.onProgress?.(file.bytesRead);
      await waitUntil(() => sent - nextRound <= MAX_ROUNDS_IN_FLIGHT);
    }
    checkAbort(opts.signal);
    framer.end();
    ship();
    await waitUntil(() => nextRound === sent);
    for (const w of pool) w.postMessage({ type: 'end' } satisfies WorkerRequest);
    await waitUntil(() => finished === count);
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  const s = framer.stats;
  return { format: framer.format ?? 'unknown', packets: s.packets, bytes: s.bytes, skipped: s.badRecords, skippedFragments };
}
