/**
 * EVTX substitution values (MS-EVEN6 §2.2.18 "Value type"): decoding a value
 * held in a chunk's bytes into the text Windows renders for it. Reads in
 * place; every read is bounded by the value's own size, and a value too
 * short for its type renders as ''.
 */

/** Value types (MS-EVEN6 2.2.18); an array type is the scalar type | ARRAY. */
export const VT = {
  NULL: 0x00, STRING: 0x01, ANSI: 0x02, INT8: 0x03, UINT8: 0x04, INT16: 0x05, UINT16: 0x06, INT32: 0x07, UINT32: 0x08,
  INT64: 0x09, UINT64: 0x0a, REAL32: 0x0b, REAL64: 0x0c, BOOL: 0x0d, BINARY: 0x0e, GUID: 0x0f, SIZET: 0x10,
  FILETIME: 0x11, SYSTIME: 0x12, SID: 0x13, HEXINT32: 0x14, HEXINT64: 0x15, EVTHANDLE: 0x20, BINXML: 0x21, EVTXML: 0x23,
  ARRAY: 0x80,
} as const;

/** 100-ns ticks between 1601-01-01 and 1970-01-01. */
const FILETIME_UNIX_EPOCH = 116444736000000000n;
/** Most sub-authorities a SID may have (the Windows limit). */
const MAX_SID_SUBAUTHORITIES = 15;

/** Byte size of one item of a fixed-size scalar type, 0 for variable-size types. */
export function fixedSize(type: number): number {
  switch (type) {
    case VT.INT8: case VT.UINT8: return 1;
    case VT.INT16: case VT.UINT16: return 2;
    case VT.INT32: case VT.UINT32: case VT.REAL32: case VT.BOOL: case VT.HEXINT32: return 4;
    case VT.INT64: case VT.UINT64: case VT.REAL64: case VT.FILETIME: case VT.HEXINT64: return 8;
    case VT.GUID: case VT.SYSTIME: return 16;
    default: return 0;
  }
}

/** Length in bytes of a UTF-16LE value without its trailing NULs. */
function trimUtf16(b: Buffer, off: number, size: number): number {
  size &= ~1;
  while (size >= 2 && b[off + size - 2] === 0 && b[off + size - 1] === 0) size -= 2;
  return size;
}

const HEX = '0123456789abcdef';
const HEX_UPPER = '0123456789ABCDEF';

function hexBytes(b: Buffer, off: number, n: number, digits: string): string {
  let s = '';
  for (let i = 0; i < n; i++) { const v = b[off + i]!; s += digits[v >> 4]! + digits[v & 15]!; }
  return s;
}

/** Two lower-case hex digits per byte value. */
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => HEX[i >> 4]! + HEX[i & 15]!);

/** `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}`, lower case, as Windows renders a GUID in event data. */
export function renderGuid(b: Buffer, off: number): string {
  const h = HEX_BYTE;
  // Data1, Data2 and Data3 are little-endian; Data4 is bytes in order.
  return `{${h[b[off + 3]!]}${h[b[off + 2]!]}${h[b[off + 1]!]}${h[b[off]!]}-${h[b[off + 5]!]}${h[b[off + 4]!]}-${h[b[off + 7]!]}${h[b[off + 6]!]}-`
    + `${h[b[off + 8]!]}${h[b[off + 9]!]}-${h[b[off + 10]!]}${h[b[off + 11]!]}${h[b[off + 12]!]}${h[b[off + 13]!]}${h[b[off + 14]!]}${h[b[off + 15]!]}}`;
}

/** `S-1-5-21-…`; '' when the bytes are not a whole SID. */
export function renderSid(b: Buffer, off: number, size: number): string {
  if (size < 8) return '';
  const count = b[off + 1]!;
  if (count > MAX_SID_SUBAUTHORITIES || 8 + 4 * count > size) return '';
  // The identifier authority is 48 bits, big-endian.
  const authority = b.readUIntBE(off + 2, 6);
  let s = `S-${b[off]!}-${authority}`;
  for (let i = 0; i < count; i++) s += `-${b.readUInt32LE(off + 8 + 4 * i)}`;
  return s;
}

/** `0x…` lower case without padding, as Windows renders HexInt32/HexInt64 in event data. */
function hex64(b: Buffer, off: number): string {
  const lo = b.readUInt32LE(off), hi = b.readUInt32LE(off + 4);
  return hi === 0 ? `0x${lo.toString(16)}` : `0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')}`;
}

/** Milliseconds between 1601-01-01 and 1970-01-01. */
const FILETIME_UNIX_EPOCH_MS = 11644473600000;

/** Epoch milliseconds of a FILETIME (100-ns ticks since 1601), or null when out of the Date range. */
export function filetimeToMs(b: Buffer, off: number): number | null {
  // Exact without BigInt: hi·2³² = 10000·(hi·429496) + hi·7296, and every term stays below 2⁵³.
  const lo = b.readUInt32LE(off), hi = b.readUInt32LE(off + 4);
  const ms = hi * 429496 + Math.floor((hi * 7296 + lo) / 10000) - FILETIME_UNIX_EPOCH_MS;
  return Math.abs(ms) <= 8.64e15 ? ms : null;
}

/** `2013-10-23T16:22:39.9735000Z` (100-ns precision, as Windows renders SystemTime); '' when out of range. */
export function renderFiletime(b: Buffer, off: number): string {
  const ticks = b.readBigUInt64LE(off) - FILETIME_UNIX_EPOCH;
  let ms = Number(ticks / 10000n);
  let sub = Number(ticks % 10000n);
  if (sub < 0) { sub += 10000; ms -= 1; }
  if (Math.abs(ms) > 8.64e15) return '';
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ (or ±YYYYYY-…)
  return `${iso.slice(0, -1)}${String(sub).padStart(4, '0')}Z`;
}

/** SYSTEMTIME (8 × u16: year, month, weekday, day, hour, minute, second, ms) as `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
function renderSystime(b: Buffer, off: number): string {
  const u = (i: number): number => b.readUInt16LE(off + 2 * i);
  const p = (v: number, n = 2): string => String(v).padStart(n, '0');
  return `${p(u(0), 4)}-${p(u(1))}-${p(u(3))}T${p(u(4))}:${p(u(5))}:${p(u(6))}.${p(u(7), 3)}Z`;
}

/** Text of one scalar value of `type` held in b[off, off+size). BinXml and unknown types render as ''. */
export function renderScalar(b: Buffer, type: number, off: number, size: number): string {
  const need = fixedSize(type);
  if (size < need) return '';
  switch (type) {
    case VT.STRING: return b.toString('utf16le', off, off + trimUtf16(b, off, size));
    case VT.ANSI: {
      let n = size;
      while (n > 0 && b[off + n - 1] === 0) n--;
      return b.toString('latin1', off, off + n);
    }
    case VT.INT8: return String(b.readInt8(off));
    case VT.UINT8: return String(b[off]!);
    case VT.INT16: return String(b.readInt16LE(off));
    case VT.UINT16: return String(b.readUInt16LE(off));
    case VT.INT32: return String(b.readInt32LE(off));
    case VT.UINT32: return String(b.readUInt32LE(off));
    case VT.INT64: return b.readBigInt64LE(off).toString();
    case VT.UINT64: return b.readBigUInt64LE(off).toString();
    case VT.REAL32: return String(b.readFloatLE(off));
    case VT.REAL64: return String(b.readDoubleLE(off));
    // A bool is 32 bits; some writers store values other than 0 and 1 (any non-zero is true).
    case VT.BOOL: return b.readInt32LE(off) !== 0 ? 'true' : 'false';
    case VT.BINARY: return hexBytes(b, off, size, HEX_UPPER);
    case VT.GUID: return renderGuid(b, off);
    case VT.SIZET: return size >= 8 ? hex64(b, off) : size >= 4 ? `0x${b.readUInt32LE(off).toString(16)}` : '';
    case VT.FILETIME: return renderFiletime(b, off);
    case VT.SYSTIME: return renderSystime(b, off);
    case VT.SID: return renderSid(b, off, size);
    case VT.HEXINT32: return `0x${b.readUInt32LE(off).toString(16)}`;
    case VT.HEXINT64: return hex64(b, off);
    default: return '';
  }
}

/**
 * Byte ranges of the items of an array value: fixed-size items, NUL-terminated
 * strings, or SIDs one after another. Returns a flat [off0, size0, off1, size1…].
 */
export function arrayItems(b: Buffer, type: number, off: number, size: number, maxItems: number): number[] {
  const out: number[] = [];
  const end = off + size;
  const item = fixedSize(type);
  if (item > 0) {
    for (let p = off; p + item <= end && out.length < 2 * maxItems; p += item) out.push(p, item);
  } else if (type === VT.STRING) {
    let start = off;
    for (let p = off; p + 1 < end && out.length < 2 * maxItems; p += 2) {
      if (b[p] === 0 && b[p + 1] === 0) { out.push(start, p - start); start = p + 2; }
    }
    if (start + 1 < end && out.length < 2 * maxItems) out.push(start, end - start);
  } else if (type === VT.ANSI) {
    let start = off;
    for (let p = off; p < end && out.length < 2 * maxItems; p++) if (b[p] === 0) { out.push(start, p - start); start = p + 1; }
    if (start < end && out.length < 2 * maxItems) out.push(start, end - start);
  } else if (type === VT.SID) {
    for (let p = off; p + 8 <= end && out.length < 2 * maxItems;) {
      const n = 8 + 4 * b[p + 1]!;
      if (p + n > end) break;
      out.push(p, n);
      p += n;
    }
  }
  return out;
}
