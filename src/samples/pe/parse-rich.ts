/** The Rich header (undocumented MSVC linker stamp between the DOS stub and the PE header). */
import type { PeRich } from './types.js';

/** Most Rich entries decoded. */
export const MAX_RICH_ENTRIES = 1024;
const DANS = 0x536e6144; // 'DanS'
/** pefile starts looking for 'Rich' at 0x80 (after the usual DOS stub); the DanS marker may sit from 0x40. */
const RICH_SEARCH_START = 0x80;
const DOS_HEADER_END = 0x40;

function rotateLeft(v: number, n: number): number {
  n &= 31;
  return n === 0 ? v >>> 0 : ((v << n) | (v >>> (32 - n))) >>> 0;
}

/** Decodes the Rich header in `data[0, peOffset)`, or null when absent or malformed; `held` counts the entries stored (more than MAX_RICH_ENTRIES means some were not decoded). */
export function parseRich(data: Buffer, peOffset: number): { rich: PeRich; held: number } | null {
  const end = Math.min(peOffset, data.length);
  if (end <= RICH_SEARCH_START) return null;
  const richIndex = data.subarray(0, end).indexOf('Rich', RICH_SEARCH_START, 'latin1');
  if (richIndex < 0 || richIndex + 8 > end) return null;
  const key = data.readUInt32LE(richIndex + 4);
  // Find DanS^key scanning backwards in dword steps from 'Rich'.
  let dans = -1;
  for (let p = richIndex - 16; p >= DOS_HEADER_END; p -= 4) {
    if ((data.readUInt32LE(p) ^ key) >>> 0 === DANS) { dans = p; break; }
  }
  if (dans < 0) return null;
  if (data.readUInt32LE(dans + 4) !== key || data.readUInt32LE(dans + 8) !== key || data.readUInt32LE(dans + 12) !== key) return null;
  const entries: PeRich['entries'] = [];
  // Checksum as yara/pefile: start offset, the bytes before DanS (e_lfanew zeroed) rotated by position, then each entry.
  let sum = dans >>> 0;
  for (let i = 0; i < dans; i++) {
    if (i >= 0x3c && i < 0x40) continue;
    sum = (sum + rotateLeft(data[i]!, i)) >>> 0;
  }
  for (let p = dans + 16; p + 8 <= richIndex && entries.length < MAX_RICH_ENTRIES; p += 8) {
    const compId = (data.readUInt32LE(p) ^ key) >>> 0;
    const count = (data.readUInt32LE(p + 4) ^ key) >>> 0;
    entries.push({ productId: compId >>> 16, build: compId & 0xffff, count });
    sum = (sum + rotateLeft(compId, count)) >>> 0;
  }
  const held = Math.floor((richIndex - dans - 16) / 8);
  return { rich: { offset: dans, entries, checksum: key, checksumValid: sum === key }, held };
}
