/** Import directory → PeImport[] and pefile's imphash. */
import { createHash } from 'node:crypto';
import type { PeImport, PeImportFunction } from './types.js';
import { mapRva, readAsciiAt, readAsciiAtRva, type PeImage } from './pe-image.js';
import { lookupOrdinal } from './ordinal-names.js';

/** Most import descriptors read. */
export const MAX_IMPORT_DESCRIPTORS = 4096;
/** Most functions read in total (all descriptors). */
export const MAX_IMPORTS = 65536;
/** Longest DLL name (pefile's MAX_DLL_LENGTH). */
const MAX_DLL_LENGTH = 0x200;
/** Longest imported name (pefile's MAX_IMPORT_NAME_LENGTH). */
const MAX_IMPORT_NAME_LENGTH = 0x200;
/** Descriptors in a row yielding no functions before giving up (pefile stops after 5). */
const MAX_EMPTY_DESCRIPTORS = 5;
const DESCRIPTOR_SIZE = 20;

/** pefile's is_valid_function_name (strict): [A-Za-z0-9._?@$()<>]. */
function isValidFunctionName(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      c === 0x2e || c === 0x5f || c === 0x3f || c === 0x40 || c === 0x24 || c === 0x28 || c === 0x29 ||
      c === 0x3c || c === 0x3e;
    if (!ok) return false;
  }
  return true;
}

/** pefile's allowed_filename plus path separators. */
const DOS_FILENAME_EXTRA = "!#$%&'()-@^_`{}~+,.;=[]\\/";

/** pefile's is_valid_dos_filename: letters, digits, DOS-allowed punctuation and path separators. */
function isValidDosFilename(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
      DOS_FILENAME_EXTRA.includes(s[i]!);
    if (!ok) return false;
  }
  return true;
}

/** Reads one thunk table (ILT or IAT) at `rva`: the raw entries up to a zero entry or `maxEntries`, whichever comes first. */
function readThunks(img: PeImage, rva: number, maxEntries: number): number[] | null {
  if (rva === 0) return null;
  const off = mapRva(img, rva);
  if (off < 0) return null;
  const data = img.data;
  const step = img.is64 ? 8 : 4;
  const out: number[] = [];
  for (let p = off; out.length < maxEntries; p += step) {
    if (p + step > data.length) break;
    let v: number;
    if (img.is64) {
      const lo = data.readUInt32LE(p);
      const hi = data.readUInt32LE(p + 4);
      if (lo === 0 && hi === 0) break;
      // Keep the low 32 bits plus the ordinal flag (bit 63) folded to bit 31's position via a sign: names are RVAs < 2^31.
      v = hi & 0x80000000 ? -1 - (lo & 0xffff) : hi !== 0 ? -0x1_0000_0000 : lo;
    } else {
      v = data.readUInt32LE(p);
      if (v === 0) break;
      v = v & 0x80000000 ? -1 - (v & 0xffff) : v;
    }
    out.push(v);
  }
  return out.length === 0 ? null : out;
}

/** Thunks left in a table from entry `from` on (up to a zero entry or end of file): counted, not read, once MAX_IMPORTS is reached. */
function countThunks(img: PeImage, rva: number, from: number): number {
  const off = mapRva(img, rva);
  if (off < 0) return 0;
  const step = img.is64 ? 8 : 4;
  let n = 0;
  for (let p = off + from * step; p + step <= img.data.length; p += step) {
    if (img.data.readUInt32LE(p) === 0 && (!img.is64 || img.data.readUInt32LE(p + 4) === 0)) break;
    n++;
  }
  return n;
}

/**
 * Parses the import directory at `rva` into descriptors with their functions. A name is
 * read once per hint/name offset and shared: a hostile table can point 65,536 thunks at
 * one 500-byte name, and must not cost 65,536 copies of it.
 */
export function parseImports(img: PeImage, rva: number): PeImport[] {
  const out: PeImport[] = [];
  const data = img.data;
  const names = new Map<number, string | null>();
  let total = 0;
  let empty = 0;
  for (let i = 0; i < MAX_IMPORT_DESCRIPTORS; i++, rva += DESCRIPTOR_SIZE) {
    const off = mapRva(img, rva);
    if (off < 0 || off + DESCRIPTOR_SIZE > data.length) {
      img.errors.push(`imports: descriptor ${i} points past end of file`);
      img.anomalies.add('size-past-eof');
      break;
    }
    const oft = data.readUInt32LE(off);
    const nameRva = data.readUInt32LE(off + 12);
    const ft = data.readUInt32LE(off + 16);
    if (oft === 0 && nameRva === 0 && ft === 0 && data.readUInt32LE(off + 4) === 0 && data.readUInt32LE(off + 8) === 0) break;
    const remaining = MAX_IMPORTS - total;
    // One entry past the cap tells a table that ends exactly at it from one that goes on.
    const tableRva = readThunks(img, oft, 1) !== null ? oft : ft;
    const table = readThunks(img, tableRva, remaining + 1);
    let capped = false;
    if (table !== null && table.length > remaining) {
      table.length = remaining;
      capped = true;
    }
    const functions: PeImportFunction[] = [];
    let broken = false;
    if (table !== null) {
      for (const v of table) {
        if (v < 0) {
          if (v === -0x1_0000_0000) { broken = true; break; }
          functions.push({ ordinal: -1 - v });
          continue;
        }
        const hintOff = mapRva(img, v);
        if (hintOff < 0 || hintOff + 2 > data.length) { broken = true; break; }
        let name = names.get(hintOff);
        if (name === undefined) {
          const read = readAsciiAt(data, hintOff + 2, MAX_IMPORT_NAME_LENGTH);
          name = read !== null && isValidFunctionName(read) ? read : null;
          if (read === null) { broken = true; break; }
          names.set(hintOff, name);
        }
        if (name === null) continue; // pefile drops '*invalid*' names
        functions.push({ name, hint: data.readUInt16LE(hintOff) });
      }
    }
    if (broken) img.errors.push(`imports: descriptor ${i} has a thunk pointing past end of file`);
    if (capped) {
      img.errors.push(`imports: more than ${MAX_IMPORTS} functions, rest ignored`);
      // Those of this descriptor are counted (cheap: no names read); later descriptors are not.
      img.truncated.imports = total + functions.length + countThunks(img, tableRva, remaining);
    }
    if (functions.length === 0) {
      if (capped) break;
      if (++empty > MAX_EMPTY_DESCRIPTORS) {
        img.errors.push(`imports: too many descriptors without functions, stopped at ${i}`);
        break;
      }
      continue;
    }
    total += functions.length;
    let dll = readAsciiAtRva(img, nameRva, MAX_DLL_LENGTH) ?? '';
    if (!isValidDosFilename(dll)) dll = '*invalid*';
    if (dll === '') {
      if (capped) break;
      continue;
    }
    const dllLower = dll.toLowerCase();
    for (const f of functions) {
      if (f.name === undefined && f.ordinal !== undefined) {
        const mapped = lookupOrdinal(dllLower, f.ordinal, false);
        if (mapped !== undefined) f.name = mapped;
      }
    }
    out.push({ dll, functions });
    if (capped) break;
  }
  return out;
}

/**
 * pefile's get_imphash(): md5 of 'dll.func' (lower case, .dll/.ocx/.sys dropped, ordinals as ord<n>) joined by ','; '' without imports.
 * Fed to the hash part by part, never joined: 65,536 imports of a 500-byte name would be a 33 MB string.
 */
export function computeImphash(imports: PeImport[]): string {
  if (imports.length === 0) return '';
  const hash = createHash('md5');
  const lowered = new Map<string, string>();
  let first = true;
  for (const imp of imports) {
    let lib = imp.dll.toLowerCase();
    const dot = lib.lastIndexOf('.');
    if (dot >= 0) {
      const ext = lib.slice(dot + 1);
      if (ext === 'dll' || ext === 'ocx' || ext === 'sys') lib = lib.slice(0, dot);
    }
    for (const f of imp.functions) {
      const fn = f.name ?? lookupOrdinal(imp.dll.toLowerCase(), f.ordinal ?? 0, true) ?? '';
      if (fn === '') continue;
      let low = lowered.get(fn);
      if (low === undefined) { low = fn.toLowerCase(); lowered.set(fn, low); }
      hash.update((first ? '' : ',') + lib + '.' + low, 'latin1');
      first = false;
    }
  }
  return hash.digest('hex');
}
