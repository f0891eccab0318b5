/** Reads a file from its start in chunks of one buffer, for the readers that stream (IOC lists and feeds). */
import { openSync, readSync, closeSync } from 'node:fs';

/**
 * Hands the file's bytes to `onChunk` in pieces of at most `chunkBytes`
 * (one buffer, reused: a chunk is valid only during its call). Returns the
 * error that stopped the reading (opening or reading), or null at the end.
 */
export function readChunks(path: string, chunkBytes: number, onChunk: (chunk: Buffer) => void): unknown {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return e;
  }
  try {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        return e;
      }
      if (n === 0) return null;
      onChunk(chunk.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}
