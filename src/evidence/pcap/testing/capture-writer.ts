/**
 * Test fixture builders: classic pcap and pcapng files from packets, in either
 * byte order, with µs/ns and if_tsresol timestamps, several sections and
 * interfaces, and raw blocks for hostile cases.
 */

/** One packet to write. ts is epoch milliseconds (may be fractional). */
export interface WrittenPacket { ts: number; data: Buffer; origLength?: number; caplen?: number }

/** Classic pcap: header + records. */
export function writePcap(packets: WrittenPacket[], o: { linktype?: number; bigEndian?: boolean; nano?: boolean; snaplen?: number } = {}): Buffer {
  const be = o.bigEndian ?? false;
  const u32 = (b: Buffer, v: number, at: number): void => { if (be) b.writeUInt32BE(v >>> 0, at); else b.writeUInt32LE(v >>> 0, at); };
  const u16 = (b: Buffer, v: number, at: number): void => { if (be) b.writeUInt16BE(v, at); else b.writeUInt16LE(v, at); };
  const h = Buffer.alloc(24);
  u32(h, o.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  u16(h, 2, 4); u16(h, 4, 6);
  u32(h, o.snaplen ?? 262144, 16);
  u32(h, o.linktype ?? 1, 20);
  const parts: Buffer[] = [h];
  for (const p of packets) {
    const r = Buffer.alloc(16);
    const sec = Math.floor(p.ts / 1000);
    const frac = Math.round((p.ts - sec * 1000) * (o.nano ? 1e6 : 1e3));
    u32(r, sec, 0); u32(r, frac, 4);
    u32(r, p.caplen ?? p.data.length, 8);
    u32(r, p.origLength ?? p.data.length, 12);
    parts.push(r, p.data);
  }
  return Buffer.concat(parts);
}

/** One pcapng interface: link type and if_tsresol byte (default 6 = µs). */
export interface WrittenInterface { linktype: number; tsresol?: number; snaplen?: number }

/** A block inside a section. ts is in the interface's units (bigint ticks). */
export type WrittenBlock =
  | { type: 'epb'; iface: number; ticks: bigint; data: Buffer; origLength?: number }
  | { type: 'spb'; data: Buffer; origLength?: number }
  | { type: 'pb'; iface: number; ticks: bigint; data: Buffer }
  | { type: 'raw'; blockType: number; body: Buffer; length?: number; trailer?: number };

/** One section: its byte order, interfaces, and blocks (written after the interfaces). */
export interface WrittenSection { bigEndian?: boolean; interfaces: WrittenInterface[]; blocks: WrittenBlock[] }

function pad4(b: Buffer): Buffer {
  const n = (4 - (b.length % 4)) % 4;
  return n ? Buffer.concat([b, Buffer.alloc(n)]) : b;
}

/** pcapng file of the given sections. */
export function writePcapng(sections: WrittenSection[]): Buffer {
  const out: Buffer[] = [];
  for (const s of sections) {
    const be = s.bigEndian ?? false;
    const u32 = (v: number): Buffer => { const b = Buffer.alloc(4); if (be) b.writeUInt32BE(v >>> 0); else b.writeUInt32LE(v >>> 0); return b; };
    const u16 = (v: number): Buffer => { const b = Buffer.alloc(2); if (be) b.writeUInt16BE(v); else b.writeUInt16LE(v); return b; };
    const block = (type: number, body: Buffer, length?: number, trailer?: number): Buffer => {
      const b = pad4(body);
      const len = 12 + b.length;
      return Buffer.concat([u32(type), u32(length ?? len), b, u32(trailer ?? length ?? len)]);
    };
    out.push(block(0x0a0d0d0a, Buffer.concat([u32(0x1a2b3c4d), u16(1), u16(0), Buffer.alloc(8, 0xff)])));
    for (const i of s.interfaces) {
      const opts = i.tsresol !== undefined ? Buffer.concat([u16(9), u16(1), Buffer.from([i.tsresol, 0, 0, 0]), u16(0), u16(0)]) : Buffer.alloc(0);
      out.push(block(1, Buffer.concat([u16(i.linktype), u16(0), u32(i.snaplen ?? 0), opts])));
    }
    for (const b of s.blocks) {
      if (b.type === 'epb') {
        out.push(block(6, Buffer.concat([u32(b.iface), u32(Number(b.ticks >> 32n)), u32(Number(b.ticks & 0xffffffffn)), u32(b.data.length), u32(b.origLength ?? b.data.length), b.data])));
      } else if (b.type === 'pb') {
        out.push(block(2, Buffer.concat([u16(b.iface), u16(0), u32(Number(b.ticks >> 32n)), u32(Number(b.ticks & 0xffffffffn)), u32(b.data.length), u32(b.data.length), b.data])));
      } else if (b.type === 'spb') {
        out.push(block(3, Buffer.concat([u32(b.origLength ?? b.data.length), b.data])));
      } else {
        out.push(block(b.blockType, b.body, b.length, b.trailer));
      }
    }
  }
  return Buffer.concat(out);
}
