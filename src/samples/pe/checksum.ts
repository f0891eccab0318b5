/** The PE checksum (as pefile's generate_checksum) and Shannon entropy. */

/** pefile's generate_checksum(): 32-bit sum with carry folding over dwords, skipping the CheckSum dword, folded to 16 bits, plus file length. */
export function computePeChecksum(data: Buffer, checksumOffset: number): number {
  const len = data.length;
  const skip = Math.floor(checksumOffset / 4);
  const full = len >>> 2;
  let sum = 0;
  // A Uint32Array view avoids per-dword bounds checks when the Buffer is 4-aligned (Node is little-endian on every supported platform).
  if ((data.byteOffset & 3) === 0) {
    const words = new Uint32Array(data.buffer, data.byteOffset, full);
    for (let i = 0; i < full; i++) {
      if (i === skip) continue;
      sum += words[i]!;
      if (sum > 0xffffffff) sum = (sum >>> 0) + Math.floor(sum / 0x100000000);
    }
  } else {
    for (let i = 0; i < full; i++) {
      if (i === skip) continue;
      sum += data.readUInt32LE(i * 4);
      if (sum > 0xffffffff) sum = (sum >>> 0) + Math.floor(sum / 0x100000000);
    }
  }
  const rem = len & 3;
  if (rem !== 0 && full !== skip) {
    let last = 0;
    for (let k = 0; k < rem; k++) last |= data[full * 4 + k]! << (8 * k);
    sum += last >>> 0;
    if (sum > 0xffffffff) sum = (sum >>> 0) + Math.floor(sum / 0x100000000);
  }
  sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  sum = sum + Math.floor(sum / 0x10000);
  sum = sum & 0xffff;
  return sum + len;
}

const counts = new Uint32Array(256);

/** Shannon entropy (bits per byte) of data[start, end), rounded to 2 decimals; 0 for an empty range. */
export function computeEntropy(data: Buffer, start: number, end: number): number {
  const n = end - start;
  if (n <= 0) return 0;
  counts.fill(0);
  for (let i = start; i < end; i++) counts[data[i]!]!++;
  let h = 0;
  for (let b = 0; b < 256; b++) {
    const c = counts[b]!;
    if (c !== 0) {
      const p = c / n;
      h -= p * Math.log2(p);
    }
  }
  return Math.round(h * 100) / 100;
}
