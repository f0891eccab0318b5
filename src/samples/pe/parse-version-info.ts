/** VS_VERSIONINFO (an RT_VERSION resource) → PeVersionInfo. */
import type { PeVersionInfo } from './types.js';
import type { PeImage } from './pe-image.js';

/** Most key/values kept from StringFileInfo. */
export const MAX_VERSION_STRINGS = 256;
/** Longest key or value, in UTF-16 units. */
const MAX_VERSION_STRING_CHARS = 0x1000;
/** Nesting: VS_VERSIONINFO → StringFileInfo → StringTable → String. */
const MAX_VERSION_DEPTH = 4;
const FIXED_FILE_INFO_SIGNATURE = 0xfeef04bd;

interface Block {
  /** Absolute end offset (start + wLength, clamped). */
  end: number;
  valueLength: number;
  type: number;
  key: string;
  /** Absolute offset of the value (after the key, 4-aligned). */
  valueOffset: number;
}

function align4(start: number, p: number): number {
  return start + ((p - start + 3) & ~3);
}

/** Reads a block header at `p`, or null when it does not fit in [p, limit). */
function readBlock(buf: Buffer, base: number, p: number, limit: number): Block | null {
  if (p + 6 > limit) return null;
  const length = buf.readUInt16LE(p);
  if (length < 6) return null;
  const end = Math.min(p + length, limit);
  let q = p + 6;
  const keyMax = Math.min(end, q + 2 * MAX_VERSION_STRING_CHARS);
  while (q + 2 <= keyMax && buf.readUInt16LE(q) !== 0) q += 2;
  const key = buf.toString('utf16le', p + 6, q);
  return { end, valueLength: buf.readUInt16LE(p + 2), type: buf.readUInt16LE(p + 4), key, valueOffset: align4(base, q + 2) };
}

function formatVersion(ms: number, ls: number): string {
  return `${ms >>> 16}.${ms & 0xffff}.${ls >>> 16}.${ls & 0xffff}`;
}

/** Key/values met (kept or not), so a cut list can say how many there were. */
interface StringCount { found: number }

function readStrings(buf: Buffer, base: number, p: number, limit: number, depth: number, out: PeVersionInfo, seen: StringCount): void {
  while (p < limit && depth < MAX_VERSION_DEPTH) {
    const b = readBlock(buf, base, p, limit);
    if (b === null) return;
    if (depth === 2) {
      // A String: value is wValueLength UTF-16 units (NUL included), or up to the block end.
      const chars = Math.min(b.valueLength, MAX_VERSION_STRING_CHARS, Math.max(0, Math.floor((b.end - b.valueOffset) / 2)));
      let value = buf.toString('utf16le', b.valueOffset, b.valueOffset + 2 * chars);
      const nul = value.indexOf('\0');
      if (nul >= 0) value = value.slice(0, nul);
      if (b.key !== '__proto__' && !Object.hasOwn(out.strings, b.key)) {
        seen.found++;
        if (seen.found <= MAX_VERSION_STRINGS) out.strings[b.key] = value;
      }
    } else if (depth === 0 ? b.key === 'StringFileInfo' : true) {
      readStrings(buf, base, b.valueOffset, b.end, depth + 1, out, seen);
    }
    const next = align4(base, b.end);
    if (next <= p) return;
    p = next;
  }
}

/** Parses VS_VERSIONINFO from `buf[start, start+size)`; null when it is not one. Past MAX_VERSION_STRINGS keys, `cut` hears how many there were. */
export function parseVersionInfo(
  buf: Buffer, start: number, size: number, cut?: Pick<PeImage, 'errors' | 'truncated'>,
): PeVersionInfo | null {
  const limit = Math.min(buf.length, start + size);
  const root = readBlock(buf, start, start, limit);
  if (root === null || root.key !== 'VS_VERSION_INFO') return null;
  const out: PeVersionInfo = { fileVersion: null, productVersion: null, strings: {} };
  let children = root.valueOffset;
  if (root.valueLength >= 52 && root.valueOffset + 52 <= root.end) {
    const v = root.valueOffset;
    if (buf.readUInt32LE(v) === FIXED_FILE_INFO_SIGNATURE) {
      out.fileVersion = formatVersion(buf.readUInt32LE(v + 8), buf.readUInt32LE(v + 12));
      out.productVersion = formatVersion(buf.readUInt32LE(v + 16), buf.readUInt32LE(v + 20));
    }
    children = align4(start, v + root.valueLength);
  }
  const seen: StringCount = { found: 0 };
  readStrings(buf, start, children, root.end, 0, out, seen);
  if (seen.found > MAX_VERSION_STRINGS && cut !== undefined) {
    cut.errors.push(`versionInfo: ${seen.found} strings, only the first ${MAX_VERSION_STRINGS} kept`);
    cut.truncated.versionInfo = seen.found;
  }
  return out;
}
