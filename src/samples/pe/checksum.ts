/** The PE checksum (as pefile's generate_checksum) and Shannon entropy. */

/** Dwords summed between reductions: 2^20 × (2^32 − 1) stays below 2^53, so the float sum is exact. */
const CHECKSUM_CHUNK = 1 << 20;
const MOD32 = 0xffffffff;

/**
 * pefile's generate_checksum(): 32-bit sum with end-around carry over the dwords (the last one zero-padded),
 * skipping the CheckSum dword, folded to 16 bits, plus the file length. An end-around-carry sum is the total
 * modulo 2^32−1, taken in [1, 2^32−1] once any dword was non-zero, so it is summed exactly in chunks and reduced.
 */
export function computePeChecksum(data: Buffer, checksumOffset: number): number {
  const len = data.length;
  const skip = Math.floor(checksumOffset / 4);
  const full = len >>> 2;
  // A Uint32Array view reads dwords without per-read checks (Node is little-endian on every supported platform).
  const words = (data.byteOffset & 3) === 0
    ? new Uint32Array(data.buffer, data.byteOffset, full)
    : new Uint32Array(Uint8Array.prototype.slice.call(data, 0, full * 4).buffer);
  let total = 0;
  let any = false;
  for (let start = 0; start < full; start += CHECKSUM_CHUNK) {
    const end = Math.min(full, start + CHECKSUM_CHUNK);
    let sum = 0;
    for (let i = start; i < end; i++) sum += words[i]!;
    if (skip >= start && skip < end) sum -= words[skip]!;
    if (sum !== 0) any = true;
    total = (total + (sum % MOD32)) % MOD32;
  }
  const rem = len & 3;
  if (rem !== 0 && full !== skip) {
    let last = 0;
    for (let k = 0; k < rem; k++) last |= data[full * 4 + k]! << (8 * k);
    last >>>= 0;
    if (last !== 0) any = true;
    total = (total + last) % MOD32;
  }
  let sum = total === 0 && any ? MOD32 : total;
  sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  sum = sum + Math.floor(sum / 0x10000);
  sum = sum & 0xffff;
  return sum + len;
}

/**
 * Byte histograms, reused (parsing is synchronous): four of them, one per
 * byte lane of a dword, so that runs of one byte value (zero padding, the
 * common case) do not make each increment wait for the one before.
 */
const counts = new Uint32Array(4 * 256);

/** Shannon entropy (bits per byte) of data[start, end), rounded to 2 decimals; 0 for an empty range. */
export function computeEntropy(data: Buffer, start: number, end: number): number {
  const n = end - start;
  if (n <= 0) return 0;
  const c = counts;
  c.fill(0);
  let i = start;
  // Bytes up to a 4-aligned address, then whole dwords (one load per 4 bytes), then the tail.
  while (i < end && ((data.byteOffset + i) & 3) !== 0) c[data[i++]!]!++;
  const words = (end - i) >>> 2;
  if (words > 0) {
    const w = new Uint32Array(data.buffer, data.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      const x = w[k]!;
      c[x & 255]!++;
      c[256 + ((x >>> 8) & 255)]!++;
      c[512 + ((x >>> 16) & 255)]!++;
      c[768 + (x >>> 24)]!++;
    }
    i += words * 4;
  }
  while (i < end) c[data[i++]!]!++;
  let h = 0;
  for (let b = 0; b < 256; b++) {
    const k = c[b]! + c[256 + b]! + c[512 + b]! + c[768 + b]!;
    if (k !== 0) {
      const p = k / n;
      h -= p * Math.log2(p);
    }
  }
  return Math.round(h * 100) / 100;
}
