/**
 * The EVTX reader: file bytes in (push() in order, end() at EOF), one
 * WinEvent per record out, with per-file counts and diagnostics.
 *
 * Layout (MS-EVEN6 and libevtx's "Windows XML Event Log format"): a 4 KiB
 * file header (`ElfFile\0`, CRC32 of its first 120 bytes, flags dirty/full),
 * then 64 KiB chunks (`ElfChnk\0`, CRC32 of header bytes 0–120 and 128–512,
 * CRC32 of the records area, a common string table and a template table),
 * each holding records (`**\0\0`, size, record id, FILETIME, Binary XML,
 * size again). Chunks are read one at a time, in place, so memory stays at
 * one chunk whatever the file's size. A damaged chunk (bad magic, bad CRC,
 * bad offsets) is skipped with a diagnostic naming it; a bad record ends its
 * chunk's walk with a diagnostic; the other chunks are still read. A dirty
 * (unclosed) file is read as far as it is valid: every chunk in the file,
 * whatever its header says.
 */
import { crc32 } from 'node:zlib';
import { diag, type Diagnostic } from '../../core/diagnostic.js';
import type { WinEvent } from '../winevent/event.js';
import { ChunkContext, EvtxFormatError, parseStream, walk, type XmlVisitor } from './binxml.js';
import { EventExtractor } from './event-extractor.js';
import { XmlWriter } from './xml-writer.js';

/** Size of the file header block. */
export const EVTX_HEADER_SIZE = 4096;
/** Size of a chunk. */
export const EVTX_CHUNK_SIZE = 65536;
/** Size of a chunk's header (string and template tables included); records start here. */
const CHUNK_HEADER_SIZE = 512;
/** Smallest record: header (24 bytes), at least one byte of XML, size copy. */
const MIN_RECORD_SIZE = 28;
/** Diagnostics about damaged chunks given per file; the rest are counted in one last diagnostic. */
const MAX_CHUNK_DIAGNOSTICS = 100;
/** File header flags. */
const FLAG_DIRTY = 1, FLAG_FULL = 2;

const FILE_MAGIC = Buffer.from('ElfFile\0', 'latin1');
const CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1');
const RECORD_MAGIC = 0x00002a2a;

/** True when `head` starts like an EVTX file (`ElfFile\0`). */
export function detectEvtx(head: Buffer): boolean {
  return head.length >= 8 && head.subarray(0, 8).equals(FILE_MAGIC);
}

/** Counts of one EVTX file read. */
export interface EvtxStats {
  /** Bytes of the file read. */
  bytes: number;
  /** Chunks read (damaged and empty ones included). */
  chunks: number;
  /** Chunks never written (all zero), holding nothing. */
  emptyChunks: number;
  /** Damaged chunks: skipped (bad magic) or read as far as their records are whole (bad CRC, bad offsets). */
  damagedChunks: number;
  /** Records read into events. */
  records: number;
  /** Records that did not parse, skipped with a diagnostic. */
  skipped: number;
  /** The header's dirty flag: the log was not closed cleanly. */
  dirty: boolean;
  /** The header's full flag. */
  full: boolean;
}

/** One record as the framer hands it on: its chunk, id, and where its header and Binary XML are. */
interface RecordRef {
  ctx: ChunkContext;
  /** Record id from the record header. */
  id: number;
  /** Chunk offset of the record (its FILETIME is at +16, its XML at +24). */
  at: number;
  /** End of its Binary XML (chunk offset). */
  end: number;
}

/**
 * Frames a file into chunks and records; the record callback parses them.
 * Shared by the event reader and the XML renderer.
 */
class EvtxFramer {
  readonly stats: EvtxStats = { bytes: 0, chunks: 0, emptyChunks: 0, damagedChunks: 0, records: 0, skipped: 0, dirty: false, full: false };
  private readonly header = Buffer.alloc(EVTX_HEADER_SIZE);
  private readonly scratch = Buffer.alloc(EVTX_CHUNK_SIZE);
  /** Bytes held in header (before the first chunk) or scratch. */
  private held = 0;
  private headerDone = false;
  private chunkDiagnostics = 0;

  constructor(
    private readonly path: string,
    private readonly onRecord: (r: RecordRef) => void,
    private readonly onDiagnostic: (d: Diagnostic) => void,
  ) {}

  push(data: Buffer): void {
    this.stats.bytes += data.length;
    let p = 0;
    while (p < data.length) {
      if (!this.headerDone) {
        const n = Math.min(EVTX_HEADER_SIZE - this.held, data.length - p);
        data.copy(this.header, this.held, p, p + n);
        this.held += n;
        p += n;
        if (this.held === EVTX_HEADER_SIZE) { this.readHeader(this.header); this.headerDone = true; this.held = 0; }
        continue;
      }
      if (this.held === 0 && data.length - p >= EVTX_CHUNK_SIZE) {
        // A whole chunk in the pushed buffer: read it where it is.
        this.readChunk(data.subarray(p, p + EVTX_CHUNK_SIZE), EVTX_CHUNK_SIZE);
        p += EVTX_CHUNK_SIZE;
        continue;
      }
      const n = Math.min(EVTX_CHUNK_SIZE - this.held, data.length - p);
      data.copy(this.scratch, this.held, p, p + n);
      this.held += n;
      p += n;
      if (this.held === EVTX_CHUNK_SIZE) { this.readChunk(this.scratch, EVTX_CHUNK_SIZE); this.held = 0; }
    }
  }

  end(): EvtxStats {
    if (!this.headerDone) {
      this.readHeader(this.header.subarray(0, this.held));
      this.held = 0;
    } else if (this.held > 0) {
      const n = this.held;
      this.held = 0;
      this.onDiagnostic(diag('truncated', this.path, `${this.chunkName(this.stats.chunks)}: file ends ${n} bytes into the chunk; its whole records are read`));
      this.readChunk(this.scratch, n);
    }
    if (this.chunkDiagnostics > MAX_CHUNK_DIAGNOSTICS) {
      this.onDiagnostic(diag('bad-record', this.path, `${this.chunkDiagnostics - MAX_CHUNK_DIAGNOSTICS} more damaged chunks not listed`));
    }
    return this.stats;
  }

  private readHeader(h: Buffer): void {
    if (h.length < 128) {
      this.onDiagnostic(diag('truncated', this.path, `file header cut off after ${h.length} bytes`));
      return;
    }
    if (!detectEvtx(h)) {
      this.onDiagnostic(diag('bad-record', this.path, 'file header: no ElfFile signature; reading its chunks anyway'));
      return;
    }
    if (crc32(h.subarray(0, 120)) !== h.readUInt32LE(124)) {
      this.onDiagnostic(diag('bad-record', this.path, 'file header: CRC32 mismatch; reading its chunks anyway'));
    }
    const flags = h.readUInt32LE(120);
    this.stats.dirty = (flags & FLAG_DIRTY) !== 0;
    this.stats.full = (flags & FLAG_FULL) !== 0;
  }

  private chunkName(index: number): string {
    return `chunk ${index} at offset ${EVTX_HEADER_SIZE + index * EVTX_CHUNK_SIZE}`;
  }

  private damaged(index: number, reason: string): void {
    this.stats.damagedChunks++;
    if (++this.chunkDiagnostics <= MAX_CHUNK_DIAGNOSTICS) {
      this.onDiagnostic(diag('bad-record', this.path, `${this.chunkName(index)}: ${reason}`));
    }
  }

  /** Reads one chunk: c[0, len) are its bytes (len < 64 KiB only for a file cut off). */
  private readChunk(c: Buffer, len: number): void {
    const index = this.stats.chunks++;
    if (len < CHUNK_HEADER_SIZE) {
      this.damaged(index, `only ${len} bytes; chunk skipped`);
      return;
    }
    if (!c.subarray(0, 8).equals(CHUNK_MAGIC)) {
      if (isZero(c, 0, len)) { this.stats.emptyChunks++; return; }
      this.damaged(index, 'bad magic (no ElfChnk signature); chunk skipped');
      return;
    }
    // A bad CRC marks damage somewhere in the chunk, not in every record: its
    // records are still read one by one, each checked, up to the first that is
    // not whole (as libevtx and python-evtx do).
    const problems: string[] = [];
    if (crc32(c.subarray(128, CHUNK_HEADER_SIZE), crc32(c.subarray(0, 120))) !== c.readUInt32LE(124)) problems.push('header CRC32 mismatch');
    let free = c.readUInt32LE(48);
    if (free < CHUNK_HEADER_SIZE || free > EVTX_CHUNK_SIZE) {
      problems.push(`free space offset ${free} outside the chunk`);
      free = EVTX_CHUNK_SIZE;
    } else if (free <= len && crc32(c.subarray(CHUNK_HEADER_SIZE, free)) !== c.readUInt32LE(52)) problems.push('event records CRC32 mismatch');
    const end = Math.min(free, len);
    if (problems.length > 0) this.damaged(index, `${problems.join(', ')}; its records read as far as they are whole`);
    const ctx = new ChunkContext(c, len);
    let at = CHUNK_HEADER_SIZE;
    while (at + MIN_RECORD_SIZE <= end) {
      if (c.readUInt32LE(at) !== RECORD_MAGIC) {
        if (isZero(c, at, Math.min(end, at + 8))) break; // zero fill after the last record
        this.badRecord(index, at, null, 'no record signature; rest of the chunk skipped');
        return;
      }
      const size = c.readUInt32LE(at + 4);
      const id = Number(c.readBigUInt64LE(at + 8));
      if (size < MIN_RECORD_SIZE || at + size > end) {
        this.badRecord(index, at, id, `record size ${size} does not fit the chunk; rest of the chunk skipped`);
        return;
      }
      if (c.readUInt32LE(at + size - 4) !== size) {
        this.badRecord(index, at, id, 'record size and its copy at the end differ; rest of the chunk skipped');
        return;
      }
      try {
        ctx.walked = 0;
        this.onRecord({ ctx, id, at, end: at + size - 4 });
        this.stats.records++;
      } catch (e) {
        if (!(e instanceof EvtxFormatError)) throw e;
        this.badRecord(index, at, id, e.message);
      }
      at += size;
    }
  }

  private badRecord(index: number, at: number, id: number | null, reason: string): void {
    this.stats.skipped++;
    const rec = id === null ? 'record' : `record ${id}`;
    this.onDiagnostic(diag('bad-record', this.path, `${this.chunkName(index)}: ${rec} at chunk offset ${at}: ${reason}`));
  }
}

function isZero(b: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

/** Walks one record's Binary XML for a visitor. */
function walkRecord(r: RecordRef, v: XmlVisitor): void {
  walk(r.ctx, parseStream(r.ctx, r.at + 24, r.end, false, 0), [], v, 0);
}

/**
 * Streaming EVTX reader: push() the file's bytes in order (chunks of any
 * size), end() at EOF. Every record becomes a WinEvent passed to onEvent;
 * damaged chunks and records become diagnostics.
 */
export class EvtxReader {
  private readonly framer: EvtxFramer;
  private readonly x = new EventExtractor();

  constructor(private readonly path: string, onEvent: (e: WinEvent) => void, private readonly onDiagnostic: (d: Diagnostic) => void) {
    this.framer = new EvtxFramer(path, (r) => {
      const e = this.event(r);
      if (e) onEvent(e);
    }, onDiagnostic);
  }

  private event(r: RecordRef): WinEvent | null {
    const x = this.x;
    x.reset();
    walkRecord(r, x);
    const eventId = parseDecimal(x.eventId);
    if (eventId === null) throw new EvtxFormatError(x.eventId ? `EventID ${JSON.stringify(x.eventId.slice(0, 20))} is not a number` : 'no System/EventID');
    const recordId = parseDecimal(x.recordId) ?? r.id;
    return {
      recordId, eventId, provider: x.provider, channel: x.channel, computer: x.computer,
      // The record header's FILETIME (when the record was written) stands in for a missing TimeCreated.
      ts: x.ts ?? (x.hasTime ? null : recordTime(r)),
      data: x.data,
    };
  }

  /** Feeds the next bytes of the file. */
  push(chunk: Buffer): void {
    this.framer.push(chunk);
  }

  /** Signals the end of the file: reads what is held, returns the counts. */
  end(): EvtxStats {
    return this.framer.end();
  }

  /** Counts so far. */
  get stats(): EvtxStats {
    return this.framer.stats;
  }
}

function recordTime(r: RecordRef): number | null {
  const ticks = r.ctx.buf.readBigUInt64LE(r.at + 16);
  if (ticks === 0n) return null;
  const ms = Number((ticks - 116444736000000000n) / 10000n);
  return Math.abs(ms) <= 8.64e15 ? ms : null;
}

function parseDecimal(s: string): number | null {
  if (s.length === 0 || s.length > 20) return null;
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 48 || c > 57) return null; }
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

/** One record rendered whole, for oracle tests and inspection. */
export interface EvtxXmlRecord {
  /** Record id from the record header. */
  id: number;
  xml: string;
}

/** Renders every record of a whole EVTX file as XML (damaged chunks and records as diagnostics). */
export function renderEvtxXml(path: string, file: Buffer, onDiagnostic: (d: Diagnostic) => void): { records: EvtxXmlRecord[]; stats: EvtxStats } {
  const w = new XmlWriter();
  const records: EvtxXmlRecord[] = [];
  const framer = new EvtxFramer(path, (r) => {
    try {
      walkRecord(r, w);
      records.push({ id: r.id, xml: w.take() });
    } catch (e) {
      w.take(); // a record that failed is reported, its partial XML dropped
      throw e;
    }
  }, onDiagnostic);
  framer.push(file);
  const stats = framer.end();
  return { records, stats };
}
