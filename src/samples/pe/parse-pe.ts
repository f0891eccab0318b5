/**
 * parsePe: every fact a PE file yields, read tolerantly from a Buffer. Never
 * throws: each count and offset is bounds-checked and capped, and a broken
 * directory adds an `errors` line while the other facts stay intact.
 */
import type { PeFacts, PeSection } from './types.js';
import {
  computeSectionSpans, formatUnixTime, mapRva, readAsciiAt, type PeImage,
} from './pe-image.js';
import { formatHex, nameDllFlags, nameFileFlags, nameMachine, nameSectionFlags, nameSubsystem } from './pe-names.js';
import { computeEntropy, computePeChecksum } from './checksum.js';
import { computeImphash, parseImports } from './parse-imports.js';
import { parseExports } from './parse-exports.js';
import { parseResources } from './parse-resources.js';
import { parseVersionInfo } from './parse-version-info.js';
import { MAX_RICH_ENTRIES, parseRich } from './parse-rich.js';
import { parseDebug } from './parse-debug.js';
import { collectAnomalies } from './anomalies.js';

/** Most sections read (yara-x's MAX_PE_SECTIONS). */
export const MAX_SECTIONS = 96;
/** Most data directories (the specification defines 16). */
const MAX_DIRECTORIES = 16;
/** Longest COFF string-table section name. */
const MAX_SECTION_NAME = 256;
const SECTION_HEADER_SIZE = 40;
const COFF_HEADER_SIZE = 20;
const SYMBOL_SIZE = 18;
const DIR_EXPORT = 0;
const DIR_IMPORT = 1;
const DIR_RESOURCE = 2;
const DIR_SECURITY = 4;
const DIR_DEBUG = 6;
const DIR_CLR = 14;
const RT_VERSION = 'RT_VERSION';

/** Options of parsePe. */
export interface ParsePeOptions {
  /** "Now" for 'timestamp-future' (default: the current time). */
  now?: Date;
}

function createFacts(): PeFacts {
  return {
    machine: 'unknown', machineRaw: 0, characteristics: 0, characteristicsFlags: [], magic: null, is32: false,
    is64: false, subsystem: null, dllCharacteristics: [], entryPoint: 0, imageBase: '0x0', sectionAlignment: 0,
    fileAlignment: 0, sizeOfImage: 0, sizeOfHeaders: 0, linkerVersion: '0.0', checksum: 0, checksumComputed: 0,
    checksumValid: false, timestamp: formatUnixTime(0), timestampRaw: 0, otherTimestamps: [], sections: [],
    imports: [], imphash: '', exports: [], exportName: null, resources: [], versionInfo: null, rich: null,
    pdb: null, codeView: null, reproducible: false, dotnet: false,
    authenticode: { present: false, offset: 0, size: 0 }, overlay: null, anomalies: [], errors: [], truncated: {},
  };
}

function readSectionName(data: Buffer, p: number, stringTable: number): string {
  let end = p;
  while (end < p + 8 && data[end] !== 0) end++;
  const raw = data.toString('latin1', p, end);
  if (raw.length > 1 && raw.charCodeAt(0) === 0x2f && stringTable > 0) {
    const n = Number(raw.slice(1));
    if (Number.isInteger(n) && /^\d+$/.test(raw.slice(1))) {
      const long = readAsciiAt(data, stringTable + n, MAX_SECTION_NAME);
      if (long !== null) return long;
    }
  }
  return raw;
}

/** null when `data` is not a PE (no MZ, or e_lfanew not pointing at "PE\0\0"); otherwise every fact that could be read. Never throws. */
export function parsePe(data: Buffer, opts: ParsePeOptions = {}): PeFacts | null {
  if (data.length < 0x40 || data[0] !== 0x4d || data[1] !== 0x5a) return null;
  const pe = data.readUInt32LE(0x3c);
  if (pe + 4 > data.length || data.readUInt32LE(pe) !== 0x00004550) return null;
  const facts = createFacts();
  try {
    fillFacts(data, pe, facts, opts.now ?? new Date());
  } catch (e) {
    // Defence in depth: every read is checked, but a bug must not take the caller down.
    facts.errors.push(`internal: ${e instanceof Error ? e.message : String(e)}`);
  }
  return facts;
}

function fillFacts(data: Buffer, pe: number, facts: PeFacts, now: Date): void {
  const img: PeImage = {
    data, is64: false, optionalOffset: pe + 4 + COFF_HEADER_SIZE, sizeOfOptionalHeader: 0, sectionAlignment: 0,
    fileAlignment: 0, sections: [], directories: [], errors: facts.errors, anomalies: new Set(), lastSection: null,
    truncated: facts.truncated,
  };
  const coff = pe + 4;
  if (coff + COFF_HEADER_SIZE > data.length) {
    img.anomalies.add('truncated-headers');
    facts.errors.push('headers: file ends inside the COFF header');
    facts.anomalies = [...img.anomalies].sort();
    return;
  }
  facts.machineRaw = data.readUInt16LE(coff);
  facts.machine = nameMachine(facts.machineRaw);
  const numSections = data.readUInt16LE(coff + 2);
  facts.timestampRaw = data.readUInt32LE(coff + 4);
  facts.timestamp = formatUnixTime(facts.timestampRaw);
  const symbolTable = data.readUInt32LE(coff + 8);
  const numSymbols = data.readUInt32LE(coff + 12);
  img.sizeOfOptionalHeader = data.readUInt16LE(coff + 16);
  facts.characteristics = data.readUInt16LE(coff + 18);
  facts.characteristicsFlags = nameFileFlags(facts.characteristics);

  readOptionalHeader(img, facts);
  readSections(img, facts, numSections, symbolTable === 0 ? 0 : symbolTable + numSymbols * SYMBOL_SIZE);
  facts.checksumComputed = computePeChecksum(data, img.optionalOffset + 64);
  facts.checksumValid = facts.checksum === facts.checksumComputed;
  const rich = parseRich(data, pe);
  facts.rich = rich?.rich ?? null;
  if (rich !== null && rich.held > MAX_RICH_ENTRIES) {
    facts.errors.push(`rich: ${rich.held} entries, only the first ${MAX_RICH_ENTRIES} read`);
    facts.truncated.rich = rich.held;
  }
  readDirectories(img, facts);
  facts.overlay = computeOverlay(img);
  collectAnomalies(img, facts, now);
  facts.anomalies = [...img.anomalies].sort();
}

function readOptionalHeader(img: PeImage, facts: PeFacts): void {
  const { data } = img;
  const o = img.optionalOffset;
  if (o + 2 > data.length) {
    img.anomalies.add('truncated-headers');
    facts.errors.push('headers: file ends before the optional header');
    return;
  }
  const magic = data.readUInt16LE(o);
  if (magic === 0x20b) { facts.magic = 'PE32+'; facts.is64 = true; img.is64 = true; }
  else if (magic === 0x10b) { facts.magic = 'PE32'; facts.is32 = true; }
  else facts.errors.push(`headers: unknown optional header magic ${formatHex(magic)}`);
  const dirBase = o + (img.is64 ? 112 : 96);
  if (o + 72 > data.length) {
    img.anomalies.add('truncated-headers');
    facts.errors.push('headers: file ends inside the optional header');
    return;
  }
  facts.linkerVersion = `${data[o + 2]}.${data[o + 3]}`;
  facts.entryPoint = data.readUInt32LE(o + 16);
  facts.imageBase = img.is64
    ? '0x' + ((BigInt(data.readUInt32LE(o + 28)) << 32n) | BigInt(data.readUInt32LE(o + 24))).toString(16)
    : formatHex(data.readUInt32LE(o + 28));
  img.sectionAlignment = facts.sectionAlignment = data.readUInt32LE(o + 32);
  img.fileAlignment = facts.fileAlignment = data.readUInt32LE(o + 36);
  facts.sizeOfImage = data.readUInt32LE(o + 56);
  facts.sizeOfHeaders = data.readUInt32LE(o + 60);
  facts.checksum = data.readUInt32LE(o + 64);
  facts.subsystem = nameSubsystem(data.readUInt16LE(o + 68));
  facts.dllCharacteristics = nameDllFlags(data.readUInt16LE(o + 70));
  if (dirBase > data.length) {
    img.anomalies.add('truncated-headers');
    facts.errors.push('headers: file ends inside the optional header');
    return;
  }
  const count = Math.min(data.readUInt32LE(dirBase - 4), MAX_DIRECTORIES);
  for (let i = 0; i < count; i++) {
    const p = dirBase + i * 8;
    if (p + 8 > data.length) {
      img.anomalies.add('truncated-headers');
      facts.errors.push(`headers: file ends inside data directory ${i}`);
      break;
    }
    img.directories.push([data.readUInt32LE(p), data.readUInt32LE(p + 4)]);
  }
}

function readSections(img: PeImage, facts: PeFacts, declared: number, stringTable: number): void {
  const { data } = img;
  const table = img.optionalOffset + img.sizeOfOptionalHeader;
  if (declared > MAX_SECTIONS) {
    img.anomalies.add('sections-capped');
    facts.errors.push(`sections: ${declared} declared, only the first ${MAX_SECTIONS} read`);
    facts.truncated.sections = declared;
  }
  const count = Math.min(declared, MAX_SECTIONS);
  const raw: Array<{ virtualAddress: number; virtualSize: number; rawSize: number; rawOffset: number }> = [];
  for (let i = 0; i < count; i++) {
    const p = table + i * SECTION_HEADER_SIZE;
    if (p + SECTION_HEADER_SIZE > data.length) {
      img.anomalies.add('truncated-headers');
      facts.errors.push(`sections: header ${i} is past end of file`);
      break;
    }
    const s: PeSection = {
      name: readSectionName(data, p, stringTable),
      virtualSize: data.readUInt32LE(p + 8),
      virtualAddress: data.readUInt32LE(p + 12),
      rawSize: data.readUInt32LE(p + 16),
      rawOffset: data.readUInt32LE(p + 20),
      characteristics: data.readUInt32LE(p + 36),
      characteristicsFlags: [],
      entropy: 0,
    };
    s.characteristicsFlags = nameSectionFlags(s.characteristics);
    raw.push(s);
    facts.sections.push(s);
  }
  img.sections = computeSectionSpans(raw, img.sectionAlignment, img.fileAlignment, data.length);
  for (let i = 0; i < facts.sections.length; i++) {
    const s = facts.sections[i]!;
    const start = img.sections[i]!.rawAdj;
    const end = Math.min(start + s.rawSize, s.rawOffset + s.rawSize, data.length);
    s.entropy = computeEntropy(data, start, end);
    if (s.rawSize > 0 && s.rawOffset + s.rawSize > data.length) {
      img.anomalies.add('size-past-eof');
      facts.errors.push(`sections: ${s.name} raw data ends past end of file`);
    }
  }
}

function readDirectories(img: PeImage, facts: PeFacts): void {
  const dirs = img.directories;
  const dir = (i: number): [number, number] => dirs[i] ?? [0, 0];
  const [expRva, expSize] = dir(DIR_EXPORT);
  if (expRva !== 0) {
    const r = parseExports(img, expRva, expSize);
    facts.exports = r.exports;
    facts.exportName = r.exportName;
    if (r.timestamp) facts.otherTimestamps.push({ source: 'export', raw: r.timestamp, iso: formatUnixTime(r.timestamp) });
  }
  const [impRva] = dir(DIR_IMPORT);
  if (impRva !== 0) {
    facts.imports = parseImports(img, impRva);
    facts.imphash = computeImphash(facts.imports);
  }
  const [resRva] = dir(DIR_RESOURCE);
  if (resRva !== 0) {
    const r = parseResources(img, resRva);
    facts.resources = r.resources;
    if (r.timestamp) facts.otherTimestamps.push({ source: 'resource', raw: r.timestamp, iso: formatUnixTime(r.timestamp) });
    const ver = r.resources.find((x) => x.type === RT_VERSION && x.offset >= 0);
    if (ver !== undefined) facts.versionInfo = parseVersionInfo(img.data, ver.offset, ver.size, img);
  }
  const [secOff, secSize] = dir(DIR_SECURITY);
  if (secOff !== 0 && secSize !== 0) {
    facts.authenticode = { present: true, offset: secOff, size: secSize };
    if (secOff + secSize > img.data.length) {
      img.anomalies.add('size-past-eof');
      facts.errors.push('security: certificate table ends past end of file');
    }
  }
  const [dbgRva, dbgSize] = dir(DIR_DEBUG);
  if (dbgRva !== 0 && dbgSize !== 0) {
    const r = parseDebug(img, dbgRva, dbgSize);
    facts.codeView = r.codeView;
    facts.pdb = r.codeView?.path ?? null;
    facts.reproducible = r.reproducible;
    facts.otherTimestamps.push(...r.timestamps);
  }
  const [clrRva, clrSize] = dir(DIR_CLR);
  facts.dotnet = clrRva !== 0 && clrSize !== 0;
  for (let i = 0; i < dirs.length; i++) {
    const [rva, size] = dirs[i]!;
    if (i === DIR_SECURITY || rva === 0 || size === 0) continue;
    const off = mapRva(img, rva);
    if (off < 0 || off + size > img.data.length) {
      img.anomalies.add('size-past-eof');
      facts.errors.push(`directories: directory ${i} ends past end of file`);
    }
  }
}

/** pefile's get_overlay_data_start_offset: the furthest in-file end of headers, sections and directories (not the certificate table). */
function computeOverlay(img: PeImage): { offset: number; size: number } | null {
  const len = img.data.length;
  let best = 0;
  const consider = (off: number, size: number): void => {
    const end = off + size;
    if (end <= len && end > best) best = end;
  };
  consider(img.optionalOffset, img.sizeOfOptionalHeader);
  for (const s of img.sections) consider(s.rawOffset, s.rawSize);
  for (let i = 0; i < img.directories.length; i++) {
    if (i === DIR_SECURITY) continue;
    const [rva, size] = img.directories[i]!;
    const off = mapRva(img, rva);
    if (off >= 0) consider(off, size);
  }
  return len > best ? { offset: best, size: len - best } : null;
}
