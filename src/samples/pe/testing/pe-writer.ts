/**
 * Test fixture builder: writes PE32/PE32+ files with chosen sections, imports,
 * exports, resources, Rich header, debug directory, certificate table, overlay
 * and checksum, and reports where each structure landed so tests can break it.
 * Data only: the files are never run.
 */
import { computePeChecksum } from '../checksum.js';
import { buildResources, buildVersionInfo, type ResourceSpec, type VersionInfoSpec } from './resource-writer.js';

const FILE_ALIGNMENT = 0x200;
const SECTION_ALIGNMENT = 0x1000;
const SCN_CODE = 0x60000020;
const SCN_RDATA = 0x40000040;

/** A section with caller-chosen content. */
export interface SectionSpec {
  /** Up to 8 bytes, or longer: then written as '/N' with a COFF string table. */
  name: string;
  data: Buffer;
  characteristics?: number;
  virtualSize?: number;
}

/** A debug directory entry to write. */
export interface DebugSpec {
  type: 'rsds' | 'nb10' | 'repro';
  timestamp?: number;
  path?: string;
  /** 16 bytes for RSDS. */
  guid?: Buffer;
  age?: number;
}

/** What to write. Every field is optional; the default is a minimal valid PE32 with one code section. */
export interface PeSpec {
  is64?: boolean;
  machine?: number;
  timestamp?: number;
  characteristics?: number;
  subsystem?: number;
  dllCharacteristics?: number;
  /** Entry point RVA; default: start of the first section. */
  entryPoint?: number;
  imageBase?: bigint;
  sections?: SectionSpec[];
  imports?: Array<{ dll: string; functions: Array<string | number> }>;
  /** Write each distinct import name once, every thunk naming it pointing at that one copy (as a hostile table may). */
  shareImportNames?: boolean;
  exports?: { dllName: string; base?: number; timestamp?: number; functions: Array<{ name?: string; rva?: number; forwarder?: string }> };
  resources?: ResourceSpec[];
  versionInfo?: VersionInfoSpec;
  rich?: { entries: Array<{ productId: number; build: number; count: number }>; key?: number };
  debug?: DebugSpec[];
  /** Certificate table bytes, appended last (security directory holds a file offset). */
  certificate?: Buffer;
  overlay?: Buffer;
  /** 'valid' (default) writes the computed checksum; a number writes that value. */
  checksum?: 'valid' | number;
  /** Resource directory timestamp. */
  resourceTimestamp?: number;
}

/** Where things are in the written file. */
export interface PeLayout {
  peOffset: number;
  coffOffset: number;
  optionalOffset: number;
  sectionTable: number;
  /** Section name → [fileOffset, rva]. */
  sections: Record<string, [number, number]>;
  /** Data directory index → file offset of its [rva,size] slot. */
  directorySlots: number[];
  /** File offset of each resource directory (root first). */
  resourceDirectories: number[];
  overlayOffset: number | null;
  certificateOffset: number | null;
}

type Builder = (rva: number, fileOffset: number) => Buffer;
interface PlannedSection { name: string; characteristics: number; virtualSize?: number; build: Builder; dir?: { index: number; offset: number; size: (b: Buffer) => number } }

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

function rotateLeft(v: number, n: number): number {
  n &= 31;
  return n === 0 ? v >>> 0 : ((v << n) | (v >>> (32 - n))) >>> 0;
}

/** The DOS header and stub (0x80 bytes) with e_lfanew left 0. */
function buildDosHeader(): Buffer {
  const b = Buffer.alloc(0x80);
  b.write('MZ', 0, 'latin1');
  b.writeUInt16LE(0x90, 2);
  b.writeUInt16LE(3, 4);
  b.writeUInt16LE(4, 8);
  b.writeUInt16LE(0xffff, 12);
  b.writeUInt16LE(0xb8, 16);
  b.writeUInt16LE(0x40, 24);
  b.write('This program cannot be run in DOS mode.\r\r\n$', 0x4e, 'latin1');
  return b;
}

/** The Rich header for `dos` (0x80 bytes), with the key computed as the linker does unless given. */
function buildRich(dos: Buffer, spec: NonNullable<PeSpec['rich']>): Buffer {
  let sum = 0x80;
  for (let i = 0; i < 0x80; i++) if (i < 0x3c || i >= 0x40) sum = (sum + rotateLeft(dos[i]!, i)) >>> 0;
  for (const e of spec.entries) sum = (sum + rotateLeft(((e.productId << 16) | e.build) >>> 0, e.count)) >>> 0;
  const key = spec.key ?? sum;
  const out = Buffer.alloc(align(16 + 8 * spec.entries.length + 8, 16));
  out.writeUInt32LE((0x536e6144 ^ key) >>> 0, 0);
  for (const o of [4, 8, 12]) out.writeUInt32LE(key, o);
  spec.entries.forEach((e, i) => {
    out.writeUInt32LE((((e.productId << 16) | e.build) ^ key) >>> 0, 16 + 8 * i);
    out.writeUInt32LE((e.count ^ key) >>> 0, 20 + 8 * i);
  });
  const r = 16 + 8 * spec.entries.length;
  out.write('Rich', r, 'latin1');
  out.writeUInt32LE(key, r + 4);
  return out;
}

function buildImports(spec: NonNullable<PeSpec['imports']>, is64: boolean, share: boolean): Builder {
  return (rva) => {
    const ptr = is64 ? 8 : 4;
    const descSize = 20 * (spec.length + 1);
    const thunkBytes = spec.reduce((n, d) => n + ptr * (d.functions.length + 1), 0);
    let p = descSize + 2 * thunkBytes; // ILTs then IATs
    const strings: Array<[number, Buffer]> = [];
    const written = new Map<string, number>();
    const hintName = spec.map((d) => d.functions.map((f) => {
      if (typeof f === 'number') return -1;
      const shared = share ? written.get(f) : undefined;
      if (shared !== undefined) return shared;
      const at = p;
      written.set(f, at);
      const b = Buffer.alloc(align(2 + f.length + 1, 2));
      b.write(f, 2, 'latin1');
      strings.push([at, b]);
      p += b.length;
      return at;
    }));
    const dllNames = spec.map((d) => {
      const at = p;
      strings.push([at, Buffer.from(d.dll + '\0', 'latin1')]);
      p += d.dll.length + 1;
      return at;
    });
    const out = Buffer.alloc(align(p, 4));
    let ilt = descSize;
    let iat = descSize + thunkBytes;
    spec.forEach((d, i) => {
      const desc = 20 * i;
      out.writeUInt32LE(rva + ilt, desc);
      out.writeUInt32LE(rva + dllNames[i]!, desc + 12);
      out.writeUInt32LE(rva + iat, desc + 16);
      d.functions.forEach((f, j) => {
        for (const base of [ilt, iat]) {
          const at = base + ptr * j;
          if (typeof f === 'number') {
            if (is64) { out.writeUInt32LE(f, at); out.writeUInt32LE(0x80000000, at + 4); }
            else out.writeUInt32LE((0x80000000 | f) >>> 0, at);
          } else out.writeUInt32LE(rva + hintName[i]![j]!, at);
        }
      });
      ilt += ptr * (d.functions.length + 1);
      iat += ptr * (d.functions.length + 1);
    });
    for (const [at, b] of strings) b.copy(out, at);
    return out;
  };
}

function buildExports(spec: NonNullable<PeSpec['exports']>, codeRva: number): Builder {
  return (rva) => {
    const n = spec.functions.length;
    const named = spec.functions.map((f, i) => ({ f, i })).filter((x) => x.f.name !== undefined);
    let p = 40 + 4 * n + 4 * named.length + 2 * named.length;
    const strings: Array<[number, string]> = [];
    const put = (s: string): number => { const at = p; strings.push([at, s]); p += s.length + 1; return at; };
    const dllName = put(spec.dllName);
    const nameAt = named.map((x) => put(x.f.name!));
    const fwdAt = spec.functions.map((f) => (f.forwarder === undefined ? -1 : put(f.forwarder)));
    const out = Buffer.alloc(align(p, 4));
    out.writeUInt32LE(spec.timestamp ?? 0, 4);
    out.writeUInt32LE(rva + dllName, 12);
    out.writeUInt32LE(spec.base ?? 1, 16);
    out.writeUInt32LE(n, 20);
    out.writeUInt32LE(named.length, 24);
    out.writeUInt32LE(rva + 40, 28);
    out.writeUInt32LE(rva + 40 + 4 * n, 32);
    out.writeUInt32LE(rva + 40 + 4 * n + 4 * named.length, 36);
    spec.functions.forEach((f, i) => {
      out.writeUInt32LE(fwdAt[i]! >= 0 ? rva + fwdAt[i]! : (f.rva ?? codeRva + 16 * i), 40 + 4 * i);
    });
    named.forEach((x, k) => {
      out.writeUInt32LE(rva + nameAt[k]!, 40 + 4 * n + 4 * k);
      out.writeUInt16LE(x.i, 40 + 4 * n + 4 * named.length + 2 * k);
    });
    for (const [at, s] of strings) out.write(s + '\0', at, 'latin1');
    return out;
  };
}

function buildDebug(spec: DebugSpec[]): Builder {
  return (rva, fileOffset) => {
    const records = spec.map((d) => {
      if (d.type === 'repro') return Buffer.alloc(0);
      const path = Buffer.from((d.path ?? '') + '\0', 'utf8');
      if (d.type === 'rsds') {
        const head = Buffer.alloc(24);
        head.write('RSDS', 0, 'latin1');
        (d.guid ?? Buffer.alloc(16, 0x11)).copy(head, 4, 0, 16);
        head.writeUInt32LE(d.age ?? 1, 20);
        return Buffer.concat([head, path]);
      }
      const head = Buffer.alloc(16);
      head.write('NB10', 0, 'latin1');
      head.writeUInt32LE(d.timestamp ?? 0, 8);
      head.writeUInt32LE(d.age ?? 1, 12);
      return Buffer.concat([head, path]);
    });
    let p = 28 * spec.length;
    const out: Buffer[] = [Buffer.alloc(p)];
    spec.forEach((d, i) => {
      const e = out[0]!;
      e.writeUInt32LE(d.timestamp ?? 0, 28 * i + 4);
      e.writeUInt32LE(d.type === 'rsds' || d.type === 'nb10' ? 2 : 16, 28 * i + 12);
      const r = records[i]!;
      e.writeUInt32LE(r.length, 28 * i + 16);
      e.writeUInt32LE(r.length ? rva + p : 0, 28 * i + 20);
      e.writeUInt32LE(r.length ? fileOffset + p : 0, 28 * i + 24);
      out.push(r);
      p += r.length;
    });
    return Buffer.concat(out);
  };
}

/** Builds a PE file from `spec`; returns the bytes and where each structure is. */
export function writePe(spec: PeSpec = {}): { data: Buffer; layout: PeLayout } {
  const is64 = spec.is64 ?? false;
  const planned: PlannedSection[] = (spec.sections ?? [{ name: '.text', data: Buffer.from([0xc3]) }]).map((s) => ({
    name: s.name, characteristics: s.characteristics ?? SCN_CODE, virtualSize: s.virtualSize, build: () => s.data,
  }));
  const codeRva = SECTION_ALIGNMENT;
  if (spec.imports) planned.push({ name: '.idata', characteristics: 0xc0000040, build: buildImports(spec.imports, is64, spec.shareImportNames ?? false), dir: { index: 1, offset: 0, size: () => 20 * (spec.imports!.length + 1) } });
  if (spec.exports) planned.push({ name: '.edata', characteristics: SCN_RDATA, build: buildExports(spec.exports, codeRva), dir: { index: 0, offset: 0, size: (b) => b.length } });
  const resources = [...(spec.resources ?? [])];
  if (spec.versionInfo) resources.push({ type: 16, name: 1, lang: 1033, data: buildVersionInfo(spec.versionInfo) });
  let resourceDirs: number[] = [];
  if (resources.length) {
    planned.push({ name: '.rsrc', characteristics: SCN_RDATA, build: (rva) => {
      const r = buildResources(resources, rva);
      r.bytes.writeUInt32LE(spec.resourceTimestamp ?? 0, 4);
      resourceDirs = r.layout.directories;
      return r.bytes;
    }, dir: { index: 2, offset: 0, size: (b) => b.length } });
  }
  if (spec.debug) planned.push({ name: '.debug', characteristics: SCN_RDATA, build: buildDebug(spec.debug), dir: { index: 6, offset: 0, size: () => 28 * spec.debug!.length } });

  const dos = buildDosHeader();
  const rich = spec.rich ? buildRich(dos, spec.rich) : Buffer.alloc(0);
  const peOffset = 0x80 + rich.length;
  const optSize = is64 ? 240 : 224;
  const optionalOffset = peOffset + 24;
  const sectionTable = optionalOffset + optSize;
  const headersSize = align(sectionTable + 40 * planned.length, FILE_ALIGNMENT);
  // Lay out: sizes do not depend on the RVA, so build once to size, again in place.
  let rva = SECTION_ALIGNMENT;
  let off = headersSize;
  const placed = planned.map((s) => {
    const size = s.build(0x10000, 0).length;
    const at = { s, rva, off, size, bytes: Buffer.alloc(0) as Buffer };
    rva += align(Math.max(size, s.virtualSize ?? 0, 1), SECTION_ALIGNMENT);
    off += align(size, FILE_ALIGNMENT);
    return at;
  });
  for (const p of placed) p.bytes = p.s.build(p.rva, p.off);
  const longNames = planned.filter((s) => s.name.length > 8).map((s) => s.name);
  const stringTable = longNames.length ? Buffer.concat([Buffer.alloc(4), ...longNames.map((n) => Buffer.from(n + '\0', 'latin1'))]) : Buffer.alloc(0);
  if (stringTable.length) stringTable.writeUInt32LE(stringTable.length, 0);
  const stringTableOffset = off;
  const overlayOffset = spec.overlay ? off + stringTable.length : null;
  const certOffset = spec.certificate ? align(off + stringTable.length + (spec.overlay?.length ?? 0), 8) : null;
  const total = certOffset !== null ? certOffset + spec.certificate!.length : off + stringTable.length + (spec.overlay?.length ?? 0);
  const data = Buffer.alloc(total);
  dos.copy(data, 0);
  data.writeUInt32LE(peOffset, 0x3c);
  rich.copy(data, 0x80);
  data.write('PE\0\0', peOffset, 'latin1');
  const coff = peOffset + 4;
  data.writeUInt16LE(spec.machine ?? (is64 ? 0x8664 : 0x14c), coff);
  data.writeUInt16LE(planned.length, coff + 2);
  data.writeUInt32LE(spec.timestamp ?? 0x5e0be100, coff + 4);
  if (stringTable.length) data.writeUInt32LE(stringTableOffset, coff + 8);
  data.writeUInt16LE(optSize, coff + 16);
  data.writeUInt16LE(spec.characteristics ?? (0x0002 | (is64 ? 0x20 : 0x100)), coff + 18);
  const o = optionalOffset;
  data.writeUInt16LE(is64 ? 0x20b : 0x10b, o);
  data[o + 2] = 14;
  data[o + 3] = 29;
  data.writeUInt32LE(spec.entryPoint ?? (placed[0]?.rva ?? 0), o + 16);
  const base = spec.imageBase ?? (is64 ? 0x140000000n : 0x400000n);
  if (is64) { data.writeUInt32LE(Number(base & 0xffffffffn), o + 24); data.writeUInt32LE(Number(base >> 32n), o + 28); }
  else data.writeUInt32LE(Number(base), o + 28);
  data.writeUInt32LE(SECTION_ALIGNMENT, o + 32);
  data.writeUInt32LE(FILE_ALIGNMENT, o + 36);
  data.writeUInt16LE(6, o + 40);
  data.writeUInt16LE(6, o + 48);
  data.writeUInt32LE(rva, o + 56);
  data.writeUInt32LE(headersSize, o + 60);
  data.writeUInt16LE(spec.subsystem ?? 2, o + 68);
  data.writeUInt16LE(spec.dllCharacteristics ?? 0x8140, o + 70);
  const dirBase = o + (is64 ? 112 : 96);
  data.writeUInt32LE(16, dirBase - 4);
  const sections: Record<string, [number, number]> = {};
  let nameIndex = 4;
  placed.forEach((p, i) => {
    const h = sectionTable + 40 * i;
    if (p.s.name.length > 8) { data.write(`/${nameIndex}`, h, 'latin1'); nameIndex += p.s.name.length + 1; }
    else data.write(p.s.name, h, 'latin1');
    data.writeUInt32LE(p.s.virtualSize ?? p.size, h + 8);
    data.writeUInt32LE(p.rva, h + 12);
    data.writeUInt32LE(align(p.size, FILE_ALIGNMENT), h + 16);
    data.writeUInt32LE(p.off, h + 20);
    data.writeUInt32LE(p.s.characteristics, h + 36);
    p.bytes.copy(data, p.off);
    sections[p.s.name] = [p.off, p.rva];
    if (p.s.dir) {
      data.writeUInt32LE(p.rva, dirBase + 8 * p.s.dir.index);
      data.writeUInt32LE(p.s.dir.size(p.bytes), dirBase + 8 * p.s.dir.index + 4);
    }
  });
  stringTable.copy(data, stringTableOffset);
  if (overlayOffset !== null) spec.overlay!.copy(data, overlayOffset);
  if (certOffset !== null) {
    spec.certificate!.copy(data, certOffset);
    data.writeUInt32LE(certOffset, dirBase + 8 * 4);
    data.writeUInt32LE(spec.certificate!.length, dirBase + 8 * 4 + 4);
  }
  const checksum = spec.checksum ?? 'valid';
  data.writeUInt32LE(checksum === 'valid' ? computePeChecksum(data, o + 64) : checksum, o + 64);
  const rsrc = sections['.rsrc'];
  return {
    data,
    layout: {
      peOffset, coffOffset: coff, optionalOffset, sectionTable, sections,
      directorySlots: Array.from({ length: 16 }, (_, i) => dirBase + 8 * i),
      resourceDirectories: rsrc ? resourceDirs.map((d) => rsrc[0] + d) : [],
      overlayOffset, certificateOffset: certOffset,
    },
  };
}
