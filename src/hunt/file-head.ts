/** Reading the first bytes of a file: format detection, gzip magic. */
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { createGunzip, type ZlibOptions } from 'node:zlib';

/** Up to `bytes` bytes from the start of the file. */
export async function readFileHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Up to `bytes` bytes from the start of the file, read with blocking calls:
 * planning reads one head per file, and with many small files the round
 * trips through libuv's thread pool cost more than the reads.
 */
export function readFileHeadSync(path: string, bytes: number): Buffer {
  // Non-blocking, as the walk opens files: a FIFO swapped in after the walk looked must not hang the hunt.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const buf = Buffer.allocUnsafe(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Whether the file starts with gzip's magic bytes. */
export async function isGzipFile(path: string): Promise<boolean> {
  const b = await readFileHead(path, 2);
  return b.length === 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/**
 * Most a gzip stream may expand, as a multiple of the compressed bytes read
 * so far. Real logs compress 5–30× (Zeek's and Squid's on our samples: 8–25×);
 * a decompression bomb made of one repeated line reaches 1000× and more.
 */
export const MAX_GZIP_RATIO = 200;
/** Below this much output the ratio is not checked (a tiny file's header skews it). */
export const GZIP_RATIO_FLOOR_BYTES = 16 * 1024 * 1024;

/** Thrown (as the stream's error) when a gzip stream expands past MAX_GZIP_RATIO. */
export class GzipBombError extends Error {
  constructor(readonly compressed: number, readonly inflated: number) {
    super(`gzip stream expands more than ${MAX_GZIP_RATIO}× (${inflated} bytes from the first ${compressed}): ` +
      'a decompression bomb, not followed');
  }
}

/**
 * Pipes `raw` through gunzip, failing the output stream with GzipBombError
 * once it has expanded more than `maxRatio` times the compressed bytes read.
 */
export function gunzipBounded(
  raw: Readable, zlibOptions: ZlibOptions = {}, maxRatio = MAX_GZIP_RATIO, floor = GZIP_RATIO_FLOOR_BYTES,
): Readable {
  let compressed = 0;
  let inflated = 0;
  raw.on('data', (c: Buffer) => { compressed += c.length; });
  const gunzip = createGunzip(zlibOptions);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      inflated += chunk.length;
      if (inflated > floor && inflated > compressed * maxRatio) {
        raw.unpipe(gunzip);
        raw.destroy();
        done(new GzipBombError(compressed, inflated));
        return;
      }
      done(null, chunk);
    },
  });
  gunzip.on('error', (e) => counter.destroy(e));
  return raw.pipe(gunzip).pipe(counter);
}
