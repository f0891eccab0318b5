/** A whole file's sha256. */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/** Bytes read per step when hashing a file. */
const HASH_BLOCK_BYTES = 1024 * 1024;

/** sha256 of a whole file, read through one reused buffer (a stream's chunks would pile up as garbage on a large file). */
export async function hashFile(path: string): Promise<string> {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(HASH_BLOCK_BYTES);
  const fh = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead <= 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}
