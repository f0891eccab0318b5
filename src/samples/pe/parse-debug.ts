/** Debug directory: entry timestamps, the CodeView (PDB) record and the REPRO marker. */
import type { PeCodeView, PeTimestamp } from './types.js';
import { formatUnixTime, mapRva, type PeImage } from './pe-image.js';
import { nameDebugType } from './pe-names.js';

/** Most debug directory entries read. */
const MAX_DEBUG_ENTRIES = 64;
/** Longest PDB path read. */
const MAX_PDB_PATH = 0x400;
const ENTRY_SIZE = 28;
const TYPE_CODEVIEW = 2;
const TYPE_REPRO = 16;

/** Result of parseDebug. */
export interface ParsedDebug {
  codeView: PeCodeView | null;
  reproducible: boolean;
  timestamps: PeTimestamp[];
}

function formatGuid(b: Buffer, p: number): string {
  const h = (v: number, n: number): string => v.toString(16).toUpperCase().padStart(n, '0');
  const tail = b.toString('hex', p + 8, p + 16).toUpperCase();
  return `${h(b.readUInt32LE(p), 8)}-${h(b.readUInt16LE(p + 4), 4)}-${h(b.readUInt16LE(p + 6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

function readPath(data: Buffer, start: number, end: number): string {
  let i = start;
  const stop = Math.min(end, start + MAX_PDB_PATH, data.length);
  while (i < stop && data[i] !== 0) i++;
  return data.toString('utf8', start, i);
}

/** Parses a CodeView record at file offset `p` of `size` bytes; null when it is neither RSDS nor NB10. */
export function parseCodeView(data: Buffer, p: number, size: number): PeCodeView | null {
  const end = Math.min(data.length, p + size);
  if (p < 0 || p + 4 > end) return null;
  const sig = data.toString('latin1', p, p + 4);
  if (sig === 'RSDS' && p + 24 <= end) {
    return { format: 'RSDS', guid: formatGuid(data, p + 4), signature: null, age: data.readUInt32LE(p + 20), path: readPath(data, p + 24, end) };
  }
  if (sig === 'NB10' && p + 16 <= end) {
    return { format: 'NB10', guid: null, signature: data.readUInt32LE(p + 8), age: data.readUInt32LE(p + 12), path: readPath(data, p + 16, end) };
  }
  return null;
}

/** Parses the debug directory at [rva, rva+size). */
export function parseDebug(img: PeImage, rva: number, size: number): ParsedDebug {
  const out: ParsedDebug = { codeView: null, reproducible: false, timestamps: [] };
  const data = img.data;
  const off = mapRva(img, rva);
  const declared = Math.floor(size / ENTRY_SIZE);
  const count = Math.min(declared, MAX_DEBUG_ENTRIES);
  if (declared > MAX_DEBUG_ENTRIES) {
    img.errors.push(`debug: ${declared} entries declared, only the first ${MAX_DEBUG_ENTRIES} read`);
    img.truncated.otherTimestamps = declared;
  }
  for (let i = 0; i < count; i++) {
    const e = off + i * ENTRY_SIZE;
    if (off < 0 || e + ENTRY_SIZE > data.length) {
      img.errors.push(`debug: entry ${i} points past end of file`);
      img.anomalies.add('size-past-eof');
      break;
    }
    const ts = data.readUInt32LE(e + 4);
    const type = data.readUInt32LE(e + 12);
    const dataSize = data.readUInt32LE(e + 16);
    const dataPtr = data.readUInt32LE(e + 24);
    if (type === TYPE_REPRO) out.reproducible = true;
    if (ts !== 0) out.timestamps.push({ source: 'debug:' + nameDebugType(type), raw: ts, iso: formatUnixTime(ts) });
    if (type === TYPE_CODEVIEW && out.codeView === null) {
      if (dataPtr + dataSize > data.length) {
        img.errors.push(`debug: codeview record of entry ${i} points past end of file`);
        img.anomalies.add('size-past-eof');
      }
      out.codeView = parseCodeView(data, dataPtr, dataSize);
    }
  }
  return out;
}
