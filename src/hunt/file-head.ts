/** Reading the first bytes of a file: format detection, gzip magic. */
import { open } from 'node:fs/promises';

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

/** Whether the file starts with gzip's magic bytes. */
export async function isGzipFile(path: string): Promise<boolean> {
  const b = await readFileHead(path, 2);
  return b.length === 2 && b[0] === 0x1f && b[1] === 0x8b;
}
