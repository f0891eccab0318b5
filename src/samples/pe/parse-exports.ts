/** Export directory → PeExport[] in pefile's order (named first, then by ordinal only), bounded by the file, not by a count. */
import type { PeExport } from './types.js';
import { mapRva, readAsciiAt, readAsciiAtRva, type PeImage } from './pe-image.js';

/**
 * Most entries listed. A well-formed table is bounded by the bytes that hold it (4 per
 * function, 4 + 2 per name, each inside the file), not by a count: pefile's 8192-name cap
 * (MAX_SYMBOL_EXPORT_COUNT) drops names of real DLLs (libgnat-12.dll has 14242). This
 * ceiling only keeps memory bounded on a hostile table whose name pointers all share a few
 * strings: at ≥ 20 bytes of JSON each, more entries than this could not fit in the facts'
 * size cap (MAX_FACTS_BYTES_CEILING in bound-facts.ts) anyway. Past it: truncated.exports.
 */
export const MAX_EXPORT_ENTRIES = 1 << 18;
/** The same address listed by ordinal only this often means a corrupt table (pefile's max_repeated_symbol). */
const MAX_REPEATED_ADDRESS = 120;
/** Longest exported or forwarder name (pefile's MAX_SYMBOL_NAME_LENGTH). */
const MAX_SYMBOL_NAME_LENGTH = 0x200;
/** Longest export DLL name. */
const MAX_EXPORT_NAME_LENGTH = 0x200;
/** Same (name, address) pair repeated this often means a corrupt table (pefile). */
const MAX_REPEATED_SYMBOL = 10;
const EXPORT_DIRECTORY_SIZE = 40;

/** pefile's is_valid_function_name with relaxed characters: letters, digits and ASCII punctuation. */
function isValidExportName(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

/** Result of parseExports. */
export interface ParsedExports {
  exports: PeExport[];
  exportName: string | null;
  timestamp: number | null;
}

/** Parses the export directory at [rva, rva+size). */
export function parseExports(img: PeImage, rva: number, size: number): ParsedExports {
  const data = img.data;
  const off = mapRva(img, rva);
  if (off < 0 || off + EXPORT_DIRECTORY_SIZE > data.length) {
    img.errors.push('exports: directory points past end of file');
    img.anomalies.add('size-past-eof');
    return { exports: [], exportName: null, timestamp: null };
  }
  const timestamp = data.readUInt32LE(off + 4);
  const nameRva = data.readUInt32LE(off + 12);
  const base = data.readUInt32LE(off + 16);
  const numFunctions = data.readUInt32LE(off + 20);
  const numNames = data.readUInt32LE(off + 24);
  const funcsRva = data.readUInt32LE(off + 28);
  const namesRva = data.readUInt32LE(off + 32);
  const ordsRva = data.readUInt32LE(off + 36);
  const exportName = nameRva === 0 ? null : readAsciiAtRva(img, nameRva, MAX_EXPORT_NAME_LENGTH);
  const funcsOff = mapRva(img, funcsRva);
  const namesOff = mapRva(img, namesRva);
  const ordsOff = mapRva(img, ordsRva);
  // Entries actually present in the file: never trust the counts.
  const funcsAvail = funcsOff < 0 ? 0 : Math.max(0, Math.min(numFunctions, Math.floor((data.length - funcsOff) / 4)));
  const namesAvail = namesOff < 0 || ordsOff < 0 ? 0 :
    Math.max(0, Math.min(numNames, Math.floor((data.length - namesOff) / 4), Math.floor((data.length - ordsOff) / 2)));
  if (funcsAvail < numFunctions || namesAvail < numNames) {
    img.errors.push('exports: tables point past end of file');
    img.anomalies.add('size-past-eof');
  }
  const exports: PeExport[] = [];
  const seenOrdinals = new Set<number>();
  const repeats = new Map<string, number>();
  const readForwarder = (addr: number): string | undefined =>
    addr >= rva && addr < rva + size ? (readAsciiAtRva(img, addr, MAX_SYMBOL_NAME_LENGTH) ?? undefined) : undefined;
  let capped = false;
  for (let i = 0; i < namesAvail; i++) {
    if (exports.length >= MAX_EXPORT_ENTRIES) { capped = true; break; }
    const idx = data.readUInt16LE(ordsOff + 2 * i);
    if (idx >= funcsAvail) {
      img.errors.push(`exports: name ${i} has ordinal index ${idx} outside the function table`);
      break;
    }
    const addr = data.readUInt32LE(funcsOff + 4 * idx);
    if (addr === 0) continue;
    const nOff = mapRva(img, data.readUInt32LE(namesOff + 4 * i));
    const name = nOff < 0 ? null : readAsciiAt(data, nOff, MAX_SYMBOL_NAME_LENGTH);
    if (name === null || !isValidExportName(name)) {
      img.errors.push(`exports: name ${i} is invalid`);
      break;
    }
    const key = name + '\0' + addr;
    const n = (repeats.get(key) ?? 0) + 1;
    repeats.set(key, n);
    if (n > MAX_REPEATED_SYMBOL) {
      img.errors.push('exports: too many repeated entries');
      break;
    }
    const ordinal = (base + idx) >>> 0;
    seenOrdinals.add(ordinal);
    const e: PeExport = { name, ordinal, rva: addr };
    const fwd = readForwarder(addr);
    if (fwd !== undefined) e.forwarder = fwd;
    exports.push(e);
  }
  const addressCounts = new Map<number, number>();
  for (let idx = 0; idx < funcsAvail && !capped; idx++) {
    if (exports.length >= MAX_EXPORT_ENTRIES) { capped = true; break; }
    const ordinal = (base + idx) >>> 0;
    if (seenOrdinals.has(ordinal)) continue;
    const addr = data.readUInt32LE(funcsOff + 4 * idx);
    if (addr === 0) continue;
    const n = (addressCounts.get(addr) ?? 0) + 1;
    addressCounts.set(addr, n);
    if (n > MAX_REPEATED_ADDRESS) {
      img.errors.push('exports: too many repeated ordinal-only entries');
      break;
    }
    const e: PeExport = { ordinal, rva: addr };
    const fwd = readForwarder(addr);
    if (fwd !== undefined) e.forwarder = fwd;
    exports.push(e);
  }
  if (capped) {
    img.errors.push(`exports: more than ${MAX_EXPORT_ENTRIES} entries, rest ignored`);
    // The table's own bound (the larger of its two in-file tables): how many it holds at most.
    img.truncated.exports = Math.max(namesAvail, funcsAvail);
  }
  return { exports, exportName, timestamp };
}
