/** A capture file's bytes as chunks: plain files into reused buffers, gzip through a gunzip stream. */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { gunzipBounded } from '../file-head.js';

/** Bytes read per chunk. */
export const READ_CHUNK_BYTES = 1024 * 1024;

/** The chunks of one file, and a handle counting the file's bytes read. */
export interface CaptureChunks {
  file: { bytesRead: number; destroy(): void };
  input: AsyncIterable<unknown> & { destroy(): void };
}

/** Opens a capture file (gzip: decompressed) as chunks of Buffers; a chunk is valid until the next is asked for. */
export function openCaptureChunks(path: string, gzip: boolean): CaptureChunks {
  if (gzip) {
    const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
    // Bounded as every gzip in a hunt is: a decompression bomb is reported, not followed.
    const gunzip: Readable = gunzipBounded(stream, { chunkSize: READ_CHUNK_BYTES });
    stream.on('error', (e) => gunzip.destroy(e));
    return { file: stream, input: gunzip };
  }
  const chunks = new PlainFileChunks(path);
  return { file: chunks, input: chunks };
}

/**
 * A plain file's bytes in chunks, read into two buffers that take turns: the next read runs (in
 * libuv's thread pool) while the current chunk is framed, and no chunk is allocated per read
 * (a fresh 1 MiB Buffer per chunk, as a read stream makes, cost as much in GC as the framing).
 * A chunk is valid until the next one is asked for; the framer copies any record tail it keeps.
 */
export class PlainFileChunks implements AsyncIterable<Buffer> {
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

