/**
 * Building blocks for indexes held in SharedArrayBuffers, so worker threads
 * share one copy. A byte arena grows inside a growable SharedArrayBuffer
 * (address space reserved, pages committed as written) so building needs no
 * final copy and no 2× transient; where growable buffers are unavailable it
 * falls back to doubling plus one copy at the end.
 */

/** Largest arena: offsets into it are stored as unsigned 32-bit numbers (+1). */
export const MAX_ARENA_BYTES = 2 ** 32 - 2;
/** How much a growable arena grows at a time (bounds its unused tail). */
const ARENA_GROW_STEP = 256 * 1024;
/** First size of a fallback (non-growable) arena. */
const FALLBACK_INITIAL_BYTES = 64 * 1024;

type GrowableSabConstructor = new (length: number, options: { maxByteLength: number }) => SharedArrayBuffer;
type GrowableSab = SharedArrayBuffer & { grow(n: number): void };

/** Appends bytes into memory that ends up as one SharedArrayBuffer. */
export class ByteBuilder {
  /** A fixed-length view of the written area and some slack; re-created on growth. */
  bytes: Uint8Array;
  length = 0;
  private growable: GrowableSab | null;
  private plain: ArrayBuffer | null = null;

  constructor() {
    try {
      const Ctor = SharedArrayBuffer as unknown as GrowableSabConstructor;
      this.growable = new Ctor(0, { maxByteLength: MAX_ARENA_BYTES }) as GrowableSab;
      if (typeof this.growable.grow !== 'function') throw new Error('no growable SharedArrayBuffer');
      this.bytes = new Uint8Array(0);
    } catch {
      this.growable = null;
      this.plain = new ArrayBuffer(FALLBACK_INITIAL_BYTES);
      this.bytes = new Uint8Array(this.plain);
    }
  }

  /** Makes room for `n` more bytes; false when the arena would pass MAX_ARENA_BYTES. */
  reserve(n: number): boolean {
    const need = this.length + n;
    if (need <= this.bytes.length) return true;
    if (need > MAX_ARENA_BYTES) return false;
    if (this.growable) {
      const size = Math.min(MAX_ARENA_BYTES, need + ARENA_GROW_STEP);
      this.growable.grow(size);
      this.bytes = new Uint8Array(this.growable, 0, size);
    } else {
      const size = Math.min(MAX_ARENA_BYTES, Math.max(need, this.bytes.length * 2));
      const next = new ArrayBuffer(size);
      new Uint8Array(next).set(this.bytes.subarray(0, this.length));
      this.plain = next;
      this.bytes = new Uint8Array(next);
    }
    return true;
  }

  /** The finished arena as a SharedArrayBuffer (may hold a short unused tail past `length`). */
  finish(): SharedArrayBuffer {
    if (this.growable) return this.growable;
    const sab = new SharedArrayBuffer(this.length);
    new Uint8Array(sab).set(this.bytes.subarray(0, this.length));
    this.plain = null;
    this.bytes = new Uint8Array(0);
    return sab;
  }
}

/** A growable list of unsigned 32-bit numbers in ordinary memory (build-time only). */
export class U32List {
  data = new Uint32Array(16);
  length = 0;

  /** Appends one value. */
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** A zero-filled Uint32Array over a new SharedArrayBuffer. */
export function allocSharedU32(n: number): Uint32Array {
  return new Uint32Array(new SharedArrayBuffer(n * 4));
}

/** A zero-filled Uint8Array over a new SharedArrayBuffer. */
export function allocSharedU8(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n));
}

/** A fixed-length Uint32Array view of `count` words of a shared buffer (fixed views stay fast on growable buffers). */
export function viewU32(buf: SharedArrayBuffer, count: number): Uint32Array {
  if (count * 4 > buf.byteLength) throw new RangeError(`shared index part too short: ${buf.byteLength} bytes for ${count} words`);
  return new Uint32Array(buf, 0, count);
}

/** A fixed-length Uint8Array view of `count` bytes of a shared buffer. */
export function viewU8(buf: SharedArrayBuffer, count: number): Uint8Array {
  if (count > buf.byteLength) throw new RangeError(`shared index part too short: ${buf.byteLength} bytes for ${count}`);
  return new Uint8Array(buf, 0, count);
}

/** Mixes a 32-bit hash (murmur3 finaliser) so all its bits depend on all input bits. */
export function mixHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Maps a mixed hash onto [0, capacity) by multiply-shift (capacity need not be a power of two). */
export function slotOf(mixed: number, capacity: number): number {
  return Math.floor((mixed * capacity) / 4294967296);
}

/** Open-addressing capacity for `count` keys at a load of at most 0.7. */
export function capacityFor(count: number): number {
  return Math.max(2, Math.ceil(count / 0.7) + 1);
}
