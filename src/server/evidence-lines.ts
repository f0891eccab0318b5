/**
 * The lines around a sighting, read from its evidence file where the case
 * says it is (`GET /api/evidence/{id}/lines`): the file must still be the
 * one hunted (same size and modification time), gzip is decompressed, and
 * no more than MAX_SCAN_BYTES are read to reach a line. Each line is cut at
 * MAX_LINE_CHARS. A relative evidence path is read from the server's
 * working directory, as `rehunt` reads it.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { EvidenceRow } from '../index.js';
import { ApiError } from './errors.js';

/** Bytes (decompressed) read at most to reach the lines asked for. */
export const MAX_SCAN_BYTES = 256 * 1024 * 1024;
/** Characters of one line returned at most. */
export const MAX_LINE_CHARS = 4096;
/** Lines returned at most. */
export const MAX_LINES = 50;

/** Evidence formats with packets, not lines. */
const CAPTURE_FORMATS = new Set(['pcap', 'pcapng']);

export interface EvidenceLine {
  n: number;
  text: string;
  /** Whether the line was longer than MAX_LINE_CHARS. */
  truncated: boolean;
}

export async function readEvidenceLines(e: EvidenceRow, from: number, count: number): Promise<EvidenceLine[]> {
  if (CAPTURE_FORMATS.has(e.format)) throw new ApiError('bad-request', `${e.path} is a capture: it has packets, not lines`);
  let gzip = false;
  try {
    const fh = await open(e.path, 'r');
    try {
      const st = await fh.stat();
      if (!st.isFile() || st.size !== e.size || Math.trunc(st.mtimeMs) !== Math.trunc(e.mtimeMs)) {
        throw new ApiError('conflict', `${e.path} has changed since it was hunted: its lines are not shown`);
      }
      const head = Buffer.alloc(2);
      await fh.read(head, 0, 2, 0);
      gzip = head[0] === 0x1f && head[1] === 0x8b;
    } finally {
      await fh.close();
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('not-found', `${e.path} is not readable at its path any more (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const raw = createReadStream(e.path, { highWaterMark: 1024 * 1024 });
  const input = gzip ? raw.pipe(createGunzip()) : raw;
  const out: EvidenceLine[] = [];
  const last = from + count - 1;
  let n = 1;
  let read = 0;
  let partial: Buffer[] = [];
  let partialBytes = 0;
  const keep = (bytes: Buffer) => {
    const text = bytes.toString('utf8').replace(/\r$/, '');
    out.push({ n, text: text.slice(0, MAX_LINE_CHARS), truncated: text.length > MAX_LINE_CHARS });
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      read += chunk.length;
      let at = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, at);
        if (nl < 0) {
          // Only the lines asked for are kept, and of each no more than a line's cap (in UTF-8, 4 bytes a character at most).
          if (n >= from && partialBytes < MAX_LINE_CHARS * 4) { partial.push(chunk.subarray(at)); partialBytes += chunk.length - at; }
          break;
        }
        if (n >= from) keep(Buffer.concat([...partial, chunk.subarray(at, Math.min(nl, at + MAX_LINE_CHARS * 4))]));
        partial = [];
        partialBytes = 0;
        n++;
        at = nl + 1;
        if (n > last) return out;
      }
      if (read > MAX_SCAN_BYTES) throw new ApiError('too-large', `line ${from} lies beyond the first ${MAX_SCAN_BYTES} bytes of ${e.path}: not read`);
    }
    if (partialBytes > 0 && n >= from && n <= last) keep(Buffer.concat(partial));
    return out;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw new ApiError('conflict', `${e.path} could not be read: ${(err as Error).message}`);
  } finally {
    raw.destroy();
  }
}
