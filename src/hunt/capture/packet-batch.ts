/**
 * Packets packed into one transferable ArrayBuffer for a worker thread:
 * per packet [u32 number][f64 ts, NaN = none][u32 linktype][u32 length][bytes].
 */

/** Bytes of one packet's header in a batch. */
export const PACKET_HEADER_BYTES = 20;
/** A batch is shipped once it holds this many bytes. */
export const BATCH_BYTES = 1024 * 1024;

/** A growing batch of packets. */
export class PacketBatchWriter {
  private buf: Buffer;
  used = 0;
  count = 0;

  constructor(size = BATCH_BYTES + 256 * 1024) {
    this.buf = Buffer.alloc(size);
  }

  /** Appends one packet (copying its bytes). */
  add(number: number, ts: number | null, linktype: number, data: Buffer, off: number, len: number): void {
    const need = this.used + PACKET_HEADER_BYTES + len;
    if (need > this.buf.length) {
      const nb = Buffer.alloc(Math.max(need, this.buf.length * 2));
      this.buf.copy(nb, 0, 0, this.used);
      this.buf = nb;
    }
    const b = this.buf;
    const at = this.used;
    b.writeUInt32LE(number, at);
    b.writeDoubleLE(ts ?? NaN, at + 4);
    b.writeUInt32LE(linktype, at + 12);
    b.writeUInt32LE(len, at + 16);
    data.copy(b, at + PACKET_HEADER_BYTES, off, off + len);
    this.used = need;
    this.count++;
  }

  /** Hands over the packed bytes (to transfer) and starts a fresh buffer. */
  take(): ArrayBuffer {
    const out = this.buf.buffer.slice(this.buf.byteOffset, this.buf.byteOffset + this.used) as ArrayBuffer;
    this.used = 0;
    this.count = 0;
    return out;
  }
}

/** Calls fn for every packet in a packed batch. */
export function readPacketBatch(ab: ArrayBuffer, fn: (number: number, ts: number | null, linktype: number, buf: Buffer, off: number, len: number) => void): void {
  const b = Buffer.from(ab);
  let at = 0;
  while (b.length - at >= PACKET_HEADER_BYTES) {
    const number = b.readUInt32LE(at);
    const ts = b.readDoubleLE(at + 4);
    const linktype = b.readUInt32LE(at + 12);
    const len = b.readUInt32LE(at + 16);
    at += PACKET_HEADER_BYTES;
    if (b.length - at < len) return;
    fn(number, Number.isNaN(ts) ? null : ts, linktype, b, at, len);
    at += len;
  }
}
