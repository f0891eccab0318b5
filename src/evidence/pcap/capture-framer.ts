/**
 * Streaming framer: classic pcap and pcapng records → packets. Chunks of any
 * size go in, packets {number, ts, linktype, bytes} come out. Knows nothing of
 * protocols. Specs: pcap (draft-ietf-opsawg-pcap), pcapng (draft-ietf-opsawg-pcapng).
 */
import { diag, type Diagnostic, type DiagnosticCode } from '../../core/diagnostic.js';
import { detectCaptureFormat, MODIFIED_PCAP_MAGICS, PCAPNG_SHB_TYPE, type CaptureFormat } from './capture-format.js';

/** Largest captured length of one classic pcap record; more means the file is corrupt (libpcap's limit). */
export const MAX_CAPLEN = 256 * 1024;
/** Largest pcapng block accepted; a longer claim is a lying block length. */
export const MAX_PCAPNG_BLOCK = 16 * 1024 * 1024;
/** Interfaces per pcapng section. */
export const MAX_INTERFACES = 4096;
/** Diagnostics per capture before the rest are counted silently. */
export const MAX_DIAGNOSTICS = 200;
/**
 * Classic pcap records walked to tell the record header's length. Red Hat 6.1 (24 bytes) and
 * Nokia (20 bytes) pcap share the standard magic, and the two "modified" pcaps (24 and 28 bytes)
 * share theirs: like wiretap, we take the length under which the first records read consistently.
 */
export const PROBE_RECORDS = 8;
/** Bytes gathered before the record header's length is judged on fewer than PROBE_RECORDS records. */
export const PROBE_BYTES = 64 * 1024;

const PCAP_HEADER = 24;
const PCAP_RECORD_HEADER = 16;
/** Record header lengths to try, in order of preference: standard, Nokia, Red Hat 6.1. */
const STANDARD_RECORD_HEADERS = [16, 20, 24];
/** Modified pcap (Kuznetzov, 24: ifindex, protocol, packet type, pad) and SuSE 6.3 (28). */
const MODIFIED_RECORD_HEADERS = [24, 28];
const BOM = 0x1a2b3c4d;
const SHB_BYTES = Buffer.from([0x0a, 0x0d, 0x0d, 0x0a]);
const TWO_POW_53 = 2 ** 53;

/** One framed packet. The object and its `buf` are only valid during the sink call (they are reused). */
export interface FramedPacket {
  /** 1-based, over the whole file. */
  number: number;
  /** Epoch milliseconds, or null (pcapng Simple Packet Block). */
  ts: number | null;
  linktype: number;
  buf: Buffer;
  offset: number;
  /** Captured length (bytes at buf[offset..]). */
  length: number;
  /** Length on the wire. */
  origLength: number;
}

/** Receives framed packets and framing diagnostics. */
export interface FramerSink {
  packet(p: FramedPacket): void;
  diagnostic(d: Diagnostic): void;
}

/** Counts kept by a framer. */
export interface FramerStats {
  packets: number;
  bytes: number;
  /** Records (packets or blocks) skipped as bad. */
  badRecords: number;
  diagnostics: number;
}

interface PcapngInterface {
  linktype: number;
  snaplen: number;
  /** Timestamp units per second. */
  ups: number;
  upsBig: bigint;
  /** Seconds added to every timestamp (if_tsoffset). */
  offsetMs: number;
}

type FramerState = 'start' | 'pcap' | 'pcapng' | 'resync' | 'stopped';

/** Frames a pcap or pcapng byte stream into packets. */
export class CaptureFramer {
  /** Detected format, once the first bytes are in. */
  format: CaptureFormat | null = null;
  readonly stats: FramerStats = { packets: 0, bytes: 0, badRecords: 0, diagnostics: 0 };
  private state: FramerState = 'start';
  private pending: Buffer | null = null;
  private little = true;
  private pcapLinktype = 1;
  private pcapSnaplen = 0;
  private pcapNano = false;
  /** Bytes of each classic pcap record's header (16, or more in the variants). */
  private pcapRecordHeader = PCAP_RECORD_HEADER;
  /** end() was called: judge the record header on whatever bytes there are. */
  private atEnd = false;
  /** Where the last walkRecords stopped. */
  private walkEnd = 0;
  private interfaces: PcapngInterface[] = [];
  private readonly pkt: FramedPacket = { number: 0, ts: null, linktype: 1, buf: Buffer.alloc(0), offset: 0, length: 0, origLength: 0 };

  constructor(private readonly path: string, private readonly sink: FramerSink) {}

  /** Feeds the next chunk of the file. */
  push(chunk: Buffer): void {
    this.stats.bytes += chunk.length;
    if (this.stopped()) return;
    let off = 0;
    // A record straddling chunks: join only its bytes, not the whole chunk (copying every chunk is slow).
    while (this.pending !== null && off < chunk.length) {
      const pending = this.pending;
      const need = this.needed(pending);
      const take = need === Infinity ? chunk.length - off : Math.min(need - pending.length, chunk.length - off);
      const n = take > 0 ? take : chunk.length - off;
      const joined = Buffer.concat([pending, chunk.subarray(off, off + n)]);
      off += n;
      this.pending = null;
      const pos = this.run(joined);
      if (this.stopped()) return;
      if (pos < joined.length) this.pending = joined.subarray(pos);
    }
    if (off >= chunk.length) return;
    const rest = off === 0 ? chunk : chunk.subarray(off);
    const pos = this.run(rest);
    // Keep only the unread tail, copied, so the chunk itself is not retained.
    if (!this.stopped() && pos < rest.length) this.pending = Buffer.from(rest.subarray(pos));
  }

  private stopped(): boolean {
    return this.state === 'stopped';
  }

  /** Bytes the first record in buf needs in all (Infinity: unknown, join everything). */
  private needed(buf: Buffer): number {
    if (this.state === 'pcap') {
      const h = this.pcapRecordHeader;
      if (buf.length < h) return h;
      const caplen = this.u32(buf, 8);
      return caplen > MAX_CAPLEN ? h : h + caplen;
    }
    if (this.state === 'pcapng') {
      if (buf.length < 12) return 12;
      if (buf.readUInt32BE(0) === PCAPNG_SHB_TYPE) return Infinity;
      const len = this.u32(buf, 4);
      return len < 12 || len > MAX_PCAPNG_BLOCK ? 12 : len;
    }
    if (this.state === 'start') return buf.length < PCAP_HEADER ? PCAP_HEADER : Infinity;
    return Infinity;
  }

  /** Signals the end of the file. */
  end(): void {
    if (this.state === 'start' && this.pending !== null && this.pending.length >= PCAP_HEADER) {
      // A short capture still waiting for enough records to judge its record header.
      this.atEnd = true;
      const p = this.pending;
      this.pending = null;
      const pos = this.run(p);
      if (!this.stopped() && pos < p.length) this.pending = p.subarray(pos);
    }
    const left = this.pending ? this.pending.length : 0;
    this.pending = null;
    if (this.state === 'start') {
      if (this.stats.bytes === 0) this.report('unknown-format', 'empty file: not a pcap or pcapng capture');
      else this.report('truncated', `file of ${this.stats.bytes} bytes is too short for a capture header`);
    } else if (left > 0 && this.state === 'pcap') {
      this.report('truncated', `capture cut off mid-packet: ${left} bytes of an incomplete record at the end`);
    } else if (left > 0 && this.state === 'pcapng') {
      this.report('truncated', `capture cut off inside a block: ${left} bytes of an incomplete block at the end`);
    }
    this.state = 'stopped';
  }

  /** Reports a problem at `packet` (default: the packet that would come next). */
  private report(code: DiagnosticCode, reason: string, packet = this.stats.packets + 1): void {
    this.stats.diagnostics++;
    if (this.stats.diagnostics <= MAX_DIAGNOSTICS) {
      this.sink.diagnostic(diag(code, this.path, reason, { packet }));
    } else if (this.stats.diagnostics === MAX_DIAGNOSTICS + 1) {
      this.sink.diagnostic(diag('skipped', this.path, `more than ${MAX_DIAGNOSTICS} problems: further ones are not reported`, { packet }));
    }
  }

  /** Reads what it can from buf; returns where it stopped. */
  private run(buf: Buffer): number {
    let pos = 0;
    for (;;) {
      switch (this.state) {
        case 'start': {
          if (buf.length < 12) return 0;
          const f = detectCaptureFormat(buf.subarray(0, 12));
          if (f === null) {
            this.report('unknown-format', 'not a pcap or pcapng capture (unknown magic number)');
            this.state = 'stopped';
            return buf.length;
          }
          this.format = f;
          if (f === 'pcapng') { this.state = 'pcapng'; continue; }
          if (buf.length < PCAP_HEADER) return 0;
          this.readPcapHeader(buf);
          const h = this.probeRecordHeader(buf);
          if (h === 0) return 0;
          this.pcapRecordHeader = h;
          pos = PCAP_HEADER;
          this.state = 'pcap';
          continue;
        }
        case 'pcap': return this.runPcap(buf, pos);
        case 'pcapng': {
          pos = this.runPcapng(buf, pos);
          if ((this.state as FramerState) === 'resync') continue;
          return pos;
        }
        case 'resync': {
          pos = this.resync(buf, pos);
          if ((this.state as FramerState) === 'pcapng') continue;
          return pos;
        }
        case 'stopped': return buf.length;
      }
    }
  }

  private readPcapHeader(buf: Buffer): void {
    const m = buf.readUInt32LE(0);
    this.little = m === 0xa1b2c3d4 || m === 0xa1b23c4d || m === 0xa1b2cd34;
    this.pcapNano = m === 0xa1b23c4d || m === 0x4d3cb2a1;
    this.pcapSnaplen = this.u32(buf, 16);
    // The top bits of the link-type field carry FCS information, not the link type.
    this.pcapLinktype = this.u32(buf, 20) & 0x0fffffff;
  }

  /**
   * The record header length under which the first records of a classic pcap read consistently
   * (microseconds below a second, captured length within limits and not over the packet length);
   * 0 while too few bytes are in to tell.
   */
  private probeRecordHeader(buf: Buffer): number {
    const candidates = MODIFIED_PCAP_MAGICS.includes(buf.readUInt32BE(0)) ? MODIFIED_RECORD_HEADERS : STANDARD_RECORD_HEADERS;
    let best = candidates[0]!;
    let bestCount = -1;
    for (const h of candidates) {
      const n = this.walkRecords(buf, h);
      if (n >= PROBE_RECORDS) return h;
      // At the end of the file, records that end exactly where it ends break a tie.
      const score = n < 0 ? -1 : 2 * n + (this.atEnd && this.walkEnd === buf.length ? 1 : 0);
      if (score > bestCount) { best = h; bestCount = score; }
    }
    if (!this.atEnd && buf.length < PROBE_BYTES) return 0;
    return best;
  }

  /** Records read consistently from the start with headers of h bytes (at most PROBE_RECORDS); -1 when one is inconsistent. */
  private walkRecords(buf: Buffer, h: number): number {
    const subsecond = this.pcapNano ? 1e9 : 1e6;
    let pos = PCAP_HEADER;
    let n = 0;
    while (n < PROBE_RECORDS && buf.length - pos >= h) {
      const caplen = this.u32(buf, pos + 8);
      if (this.u32(buf, pos + 4) >= subsecond || caplen > MAX_CAPLEN || caplen > this.u32(buf, pos + 12)) return -1;
      if (buf.length - pos - h < caplen) break;
      pos += h + caplen;
      n++;
    }
    this.walkEnd = pos;
    return n;
  }

  private u32(buf: Buffer, off: number): number {
    return this.little ? buf.readUInt32LE(off) : buf.readUInt32BE(off);
  }

  private u16(buf: Buffer, off: number): number {
    return this.little ? buf.readUInt16LE(off) : buf.readUInt16BE(off);
  }

  private runPcap(buf: Buffer, start: number): number {
    let pos = start;
    const p = this.pkt;
    p.buf = buf;
    p.linktype = this.pcapLinktype;
    const div = this.pcapNano ? 1e6 : 1e3;
    const le = this.little;
    const h = this.pcapRecordHeader;
    while (buf.length - pos >= h) {
      const caplen = le ? buf.readUInt32LE(pos + 8) : buf.readUInt32BE(pos + 8);
      if (caplen > MAX_CAPLEN) {
        this.stats.badRecords++;
        this.report('bad-record', `record claims ${caplen} captured bytes (over ${MAX_CAPLEN}): corrupt capture, reading stops`);
        this.state = 'stopped';
        return buf.length;
      }
      if (buf.length - pos - h < caplen) break;
      const origLen = le ? buf.readUInt32LE(pos + 12) : buf.readUInt32BE(pos + 12);
      this.stats.packets++;
      if (caplen > origLen) {
        this.report('bad-record', `captured length ${caplen} is over the packet length ${origLen}`, this.stats.packets);
      } else if (this.pcapSnaplen > 0 && caplen > this.pcapSnaplen) {
        this.report('bad-record', `captured length ${caplen} is over the snapshot length ${this.pcapSnaplen}`, this.stats.packets);
      }
      p.number = this.stats.packets;
      p.ts = le
        ? buf.readUInt32LE(pos) * 1000 + Math.floor(buf.readUInt32LE(pos + 4) / div)
        : buf.readUInt32BE(pos) * 1000 + Math.floor(buf.readUInt32BE(pos + 4) / div);
      p.offset = pos + h;
      p.length = caplen;
      p.origLength = origLen;
      this.sink.packet(p);
      pos += h + caplen;
    }
    return pos;
  }

  private runPcapng(buf: Buffer, start: number): number {
    let pos = start;
    while (buf.length - pos >= 12) {
      const typeBE = buf.readUInt32BE(pos);
      if (typeBE === PCAPNG_SHB_TYPE) {
        const bom = buf.readUInt32LE(pos + 8);
        if (bom === BOM) this.little = true;
        else if (bom === 0x4d3c2b1a) this.little = false;
        else {
          this.badBlock(`section header with a bad byte-order magic 0x${bom.toString(16)}: skipping to the next section`);
          return pos + 4;
        }
      }
      const len = this.u32(buf, pos + 4);
      if (len < 12 || len % 4 !== 0 || len > MAX_PCAPNG_BLOCK) {
        this.badBlock(`block claims a length of ${len} bytes (must be a multiple of 4 from 12 to ${MAX_PCAPNG_BLOCK}): skipping to the next section`);
        return pos + 4;
      }
      if (buf.length - pos < len) break;
      const trailer = this.u32(buf, pos + len - 4);
      if (trailer !== len) {
        this.badBlock(`block length ${len} does not match its trailing copy ${trailer}: skipping to the next section`);
        return pos + 4;
      }
      this.readBlock(buf, pos, len);
      if (this.state !== 'pcapng') return pos + len;
      pos += len;
    }
    return pos;
  }

  private badBlock(reason: string): void {
    this.stats.badRecords++;
    this.report('bad-record', reason);
    this.state = 'resync';
  }

  /** Looks for the next Section Header Block after a lying block length. */
  private resync(buf: Buffer, start: number): number {
    let from = start;
    for (;;) {
      const i = buf.indexOf(SHB_BYTES, from);
      if (i < 0) return Math.max(from, buf.length - 3);
      if (buf.length - i < 12) return i;
      const bom = buf.readUInt32BE(i + 8);
      if (bom === BOM || bom === 0x4d3c2b1a) {
        this.state = 'pcapng';
        return i;
      }
      from = i + 1;
    }
  }

  private readBlock(buf: Buffer, pos: number, len: number): void {
    const type = this.u32(buf, pos);
    switch (type) {
      case PCAPNG_SHB_TYPE:
        this.interfaces = [];
        return;
      case 1: return this.readInterface(buf, pos, len);
      case 6: return this.readPacket(buf, pos, len, this.u32(buf, pos + 8), 28);
      case 2: return this.readPacket(buf, pos, len, this.u16(buf, pos + 8), 28);
      case 3: return this.readSimplePacket(buf, pos, len);
      default: return; // other blocks (name resolution, statistics, custom, …) are skipped by length
    }
  }

  private readInterface(buf: Buffer, pos: number, len: number): void {
    if (len < 20) {
      this.stats.badRecords++;
      this.report('bad-record', `interface description block of ${len} bytes is too short`);
      return;
    }
    if (this.interfaces.length >= MAX_INTERFACES) {
      this.report('too-large', `more than ${MAX_INTERFACES} interfaces in one section: the rest are ignored`);
      return;
    }
    const iface: PcapngInterface = { linktype: this.u16(buf, pos + 8), snaplen: this.u32(buf, pos + 12), ups: 1e6, upsBig: 1000000n, offsetMs: 0 };
    // Options: code u16, length u16, value padded to 4; opt_endofopt (0) ends them.
    let o = pos + 16;
    const end = pos + len - 4;
    while (end - o >= 4) {
      const code = this.u16(buf, o);
      const olen = this.u16(buf, o + 2);
      if (code === 0 || end - o - 4 < olen) break;
      if (code === 9 && olen >= 1) {
        const v = buf[o + 4]!;
        const exp = v & 0x7f;
        // if_tsresol: high bit clear = 10^-v, set = 2^-v; a resolution finer than 10^-18 / 2^-63 is nonsense.
        if (v & 0x80) {
          if (exp <= 63) { iface.ups = 2 ** exp; iface.upsBig = 1n << BigInt(exp); }
        } else if (exp <= 18) {
          iface.ups = 10 ** exp;
          iface.upsBig = 10n ** BigInt(exp);
        }
      } else if (code === 14 && olen >= 8) {
        const hi = this.little ? buf.readInt32LE(o + 8) : buf.readInt32BE(o + 4);
        const lo = this.little ? buf.readUInt32LE(o + 4) : buf.readUInt32BE(o + 8);
        iface.offsetMs = (hi * 4294967296 + lo) * 1000;
      }
      o += 4 + ((olen + 3) & ~3);
    }
    this.interfaces.push(iface);
  }

  private readPacket(buf: Buffer, pos: number, len: number, ifId: number, hdr: number): void {
    this.stats.packets++;
    if (len < hdr + 4) {
      this.stats.badRecords++;
      this.report('bad-record', `packet block of ${len} bytes is too short: packet skipped`, this.stats.packets);
      return;
    }
    const caplen = this.u32(buf, pos + 20);
    const origLen = this.u32(buf, pos + 24);
    const iface = this.interfaces[ifId];
    if (iface === undefined) {
      this.stats.badRecords++;
      this.report('bad-record', `packet names interface ${ifId}, but the section describes ${this.interfaces.length}: packet skipped`, this.stats.packets);
      return;
    }
    if (caplen > len - hdr - 4) {
      this.stats.badRecords++;
      this.report('bad-record', `captured length ${caplen} is over the ${len - hdr - 4} bytes its block holds: packet skipped`, this.stats.packets);
      return;
    }
    if (caplen > origLen) {
      this.report('bad-record', `captured length ${caplen} is over the packet length ${origLen}`, this.stats.packets);
    }
    const p = this.pkt;
    p.number = this.stats.packets;
    p.ts = this.timestamp(iface, this.u32(buf, pos + 12), this.u32(buf, pos + 16));
    p.linktype = iface.linktype;
    p.buf = buf;
    p.offset = pos + hdr;
    p.length = caplen;
    p.origLength = origLen;
    this.sink.packet(p);
  }

  private readSimplePacket(buf: Buffer, pos: number, len: number): void {
    this.stats.packets++;
    const iface = this.interfaces[0];
    if (iface === undefined || len < 16) {
      this.stats.badRecords++;
      this.report('bad-record', 'simple packet block without an interface: packet skipped', this.stats.packets);
      return;
    }
    const origLen = this.u32(buf, pos + 8);
    let caplen = Math.min(origLen, len - 16);
    if (iface.snaplen > 0) caplen = Math.min(caplen, iface.snaplen);
    const p = this.pkt;
    p.number = this.stats.packets;
    p.ts = null;
    p.linktype = iface.linktype;
    p.buf = buf;
    p.offset = pos + 12;
    p.length = caplen;
    p.origLength = origLen;
    this.sink.packet(p);
  }

  /** Epoch ms from a pcapng 64-bit timestamp in the interface's units. */
  private timestamp(iface: PcapngInterface, hi: number, lo: number): number {
    const ticks = hi * 4294967296 + lo;
    const ups = iface.ups;
    if (ticks <= TWO_POW_53) {
      if (ups % 1000 === 0 && ups <= 1e6) return Math.floor(ticks / (ups / 1000)) + iface.offsetMs;
      if (ticks * 1000 <= TWO_POW_53) return Math.floor((ticks * 1000) / ups) + iface.offsetMs;
    }
    const big = (BigInt(hi) << 32n) | BigInt(lo);
    return Number((big * 1000n) / iface.upsBig) + iface.offsetMs;
  }
}
