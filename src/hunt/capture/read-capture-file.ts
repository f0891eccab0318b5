/**
 * Reads one capture file (plain or gzip) as a stream, in this thread, with
 * flat memory, and hands its observations over in batches. A hunt with a
 * worker pool runs this in one of its workers (capture-task.ts).
 */
import { stat } from 'node:fs/promises';
import { diag, type Diagnostic } from '../../core/diagnostic.js';
import type { Observation } from '../../core/model.js';
import { CaptureReader } from '../../evidence/pcap/index.js';
import { openCaptureChunks } from './capture-chunks.js';
import { isGzipFile } from '../file-head.js';

/** Observations per batch handed to onBatch. */
export const BATCH_OBSERVATIONS = 4096;

/** Options of readCaptureFile. */
export interface CaptureHuntOptions {
  /** Called after each chunk with the bytes of the file read so far. */
  onProgress?(bytesRead: number): void;
  signal?: AbortSignal;
  /**
   * Awaited after each chunk: the caller writes what it
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

/** Reads a capture file (or .gz), emits observations in batches, in packet order. */
export async function readCaptureFile(
  path: string,
  displayPath: string,
  onBatch: (obs: Observation[]) => void,
  onDiagnostic: (d: Diagnostic) => void,
  opts: CaptureHuntOptions = {},
): Promise<CaptureFileStats> {
  let gzip: boolean;
  try {
    await stat(path);
    gzip = await isGzipFile(path);
  } catch (e) {
    onDiagnostic(diag('unreadable', displayPath, `cannot read: ${(e as Error).message}`));
    return { format: 'unknown', packets: 0, bytes: 0, skipped: 0, skippedFragments: 0 };
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
