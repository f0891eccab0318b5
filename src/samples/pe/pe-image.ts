/**
 * The parsed headers shared by the directory readers, and RVA → file offset
 * mapping done as pefile does (section alignment/file alignment rounding,
 * the "next section" cut, and RVAs outside every section taken as offsets).
 */
import type { PeListName } from './types.js';

/** pefile's FILE_ALIGNMENT_HARDCODED_VALUE: PointerToRawData is rounded down to 0x200 when FileAlignment ≥ it. */
const FILE_ALIGNMENT_HARDCODED = 0x200;
/** Longest NUL-terminated ASCII string read (pefile's MAX_STRING_LENGTH is 0x100000; names never need that). */
const MAX_ASCII_STRING = 0x1000;

/** A section as the RVA mapper needs it. */
export interface SectionSpan {
  virtualAddress: number;
  virtualSize: number;
  rawSize: number;
  rawOffset: number;
  /** pefile's VirtualAddress_adj. */
  vaAdj: number;
  /** pefile's PointerToRawData_adj. */
  rawAdj: number;
  /** [minRva, maxRva) as pefile's contains_rva computes it. */
  minRva: number;
  maxRva: number;
}

/** The headers and section table of a PE image being parsed. */
export interface PeImage {
  data: Buffer;
  is64: boolean;
  /** File offset of the optional header. */
  optionalOffset: number;
  sizeOfOptionalHeader: number;
  sectionAlignment: number;
  fileAlignment: number;
  sections: SectionSpan[];
  /** Data directories [rva, size] (at most 16; missing ones absent). */
  directories: Array<[number, number]>;
  errors: string[];
  anomalies: Set<string>;
  /** PeFacts.truncated, filled by the directory readers when a list passes its limit. */
  truncated: Partial<Record<PeListName, number>>;
  /** Cache of the last section found by mapRva (pefile does the same). */
  lastSection: SectionSpan | null;
}

/** pefile's adjust_FileAlignment. */
export function adjustFileAlignment(value: number, fileAlignment: number): number {
  if (fileAlignment < FILE_ALIGNMENT_HARDCODED) return value;
  return Math.floor(value / 0x200) * 0x200;
}

/** pefile's adjust_SectionAlignment. */
export function adjustSectionAlignment(value: number, sectionAlignment: number, fileAlignment: number): number {
  let align = sectionAlignment;
  if (align < 0x1000) align = fileAlignment;
  if (align && value % align) return align * Math.floor(value / align);
  return value;
}

/** Computes each section's adjusted bounds as pefile's contains_rva does. */
export function computeSectionSpans(
  raw: Array<{ virtualAddress: number; virtualSize: number; rawSize: number; rawOffset: number }>,
  sectionAlignment: number,
  fileAlignment: number,
  fileSize: number,
): SectionSpan[] {
  const out: SectionSpan[] = [];
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i]!;
    const vaAdj = adjustSectionAlignment(s.virtualAddress, sectionAlignment, fileAlignment);
    const rawAdj = adjustFileAlignment(s.rawOffset, fileAlignment);
    let size = fileSize - rawAdj < s.rawSize ? s.virtualSize : Math.max(s.rawSize, s.virtualSize);
    const next = raw[i + 1];
    if (next !== undefined && next.virtualAddress > s.virtualAddress && vaAdj + size > next.virtualAddress) {
      size = next.virtualAddress - vaAdj;
    }
    // Only the span's own fields: spreading the whole section header (name, flags…) cost more than the rest of this loop.
    out.push({
      virtualAddress: s.virtualAddress, virtualSize: s.virtualSize, rawSize: s.rawSize, rawOffset: s.rawOffset,
      vaAdj, rawAdj, minRva: vaAdj, maxRva: vaAdj + size,
    });
  }
  return out;
}

/** The section containing `rva`, or null. */
export function findSectionByRva(img: PeImage, rva: number): SectionSpan | null {
  const last = img.lastSection;
  if (last !== null && last.minRva <= rva && rva < last.maxRva) return last;
  for (const s of img.sections) {
    if (s.minRva <= rva && rva < s.maxRva) {
      img.lastSection = s;
      return s;
    }
  }
  return null;
}

/** pefile's get_offset_from_rva: a file offset, or -1 when it cannot be mapped (it may still be ≥ file size). */
export function mapRva(img: PeImage, rva: number): number {
  const s = findSectionByRva(img, rva);
  if (s === null) return rva < img.data.length ? rva : -1;
  return rva - s.vaAdj + s.rawAdj;
}

/** File offset of `length` readable bytes at `rva`, or -1 when they are not all inside the file. */
export function mapRvaRange(img: PeImage, rva: number, length: number): number {
  const off = mapRva(img, rva);
  if (off < 0 || off + length > img.data.length) return -1;
  return off;
}

/** A NUL-terminated latin1 string at a file offset (at most `max` bytes; unterminated at EOF is accepted). */
export function readAsciiAt(data: Buffer, offset: number, max: number = MAX_ASCII_STRING): string | null {
  if (offset < 0 || offset >= data.length) return null;
  const end = Math.min(data.length, offset + max);
  let i = offset;
  while (i < end && data[i] !== 0) i++;
  return data.toString('latin1', offset, i);
}

/** A NUL-terminated string at an RVA, or null when it maps outside the file. */
export function readAsciiAtRva(img: PeImage, rva: number, max: number = MAX_ASCII_STRING): string | null {
  const off = mapRva(img, rva);
  return off < 0 ? null : readAsciiAt(img.data, off, max);
}

/** u32 at a file offset, or -1 when out of bounds. */
export function readU32(data: Buffer, offset: number): number {
  return offset >= 0 && offset + 4 <= data.length ? data.readUInt32LE(offset) : -1;
}

/** u16 at a file offset, or -1 when out of bounds. */
export function readU16(data: Buffer, offset: number): number {
  return offset >= 0 && offset + 2 <= data.length ? data.readUInt16LE(offset) : -1;
}

/** Formats a 32-bit Unix time as ISO 8601 UTC. */
export function formatUnixTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
