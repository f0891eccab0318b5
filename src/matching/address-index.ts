/**
 * Addresses and CIDRs, IPv4 and IPv6, in one structure per family: entries
 * sorted by (prefix length, network address), one bucket per prefix length
 * (an exact address is a /32 or /128). A lookup masks the address to each
 * prefix length that has entries and binary-searches that bucket: at most
 * 33 or 129 searches, and overlapping networks all match. Edges are exact:
 * the network and broadcast addresses are inside.
 */
import { U32List, allocSharedU32, viewU32 } from './shared-memory.js';

/** Shared form of an address set. */
export interface SharedAddressSet {
  /** Address words per key: 1 (IPv4) or 4 (IPv6). */
  words: number;
  count: number;
  keys: SharedArrayBuffer;
  ids: SharedArrayBuffer;
  /** Bucket boundaries: entries with prefix length L are [starts[L], starts[L+1]). */
  starts: number[];
}

/** mayHoldV4's blocks: /20 networks (the address shifted right by 12 bits). */
const V4_BLOCK_SHIFT = 12;

/** Collects (address, prefix length, id) entries of one family. */
export class AddressSetBuilder {
  private readonly keys = new U32List();
  private readonly lens = new U32List();
  private readonly ids = new U32List();

  /** `words` is 1 for IPv4, 4 for IPv6. */
  constructor(private readonly words: 1 | 4) {}

  /** Adds a network: `addr` holds `words` big-endian words; host bits are cleared here. */
  add(addr: ArrayLike<number>, len: number, id: number): void {
    for (let w = 0; w < this.words; w++) this.keys.push(maskWord(addr[w]!, len - 32 * w));
    this.lens.push(len);
    this.ids.push(id);
  }

  /** Sorts the entries into their final shared arrays. */
  finish(): AddressSet {
    const n = this.lens.length;
    const W = this.words;
    const maxLen = 32 * W;
    const lens = this.lens.data;
    const src = this.keys.data;
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (W === 1) sortOrderByLenAndKey(order, lens, src);
    else {
      const sorted = Array.from(order).sort((a, b) => {
        const d = lens[a]! - lens[b]!;
        if (d !== 0) return d;
        for (let w = 0; w < W; w++) {
          const x = src[a * W + w]!, y = src[b * W + w]!;
          if (x !== y) return x < y ? -1 : 1;
        }
        return a - b;
      });
      order.set(sorted);
    }
    const keys = allocSharedU32(n * W);
    const ids = allocSharedU32(n);
    const starts = new Array<number>(maxLen + 2).fill(0);
    for (let i = 0; i < n; i++) {
      const j = order[i]!;
      for (let w = 0; w < W; w++) keys[i * W + w] = src[j * W + w]!;
      ids[i] = this.ids.data[j]!;
      starts[lens[j]! + 1]!++;
    }
    for (let l = 1; l < starts.length; l++) starts[l]! += starts[l - 1]!;
    return new AddressSet(W, keys, ids, starts);
  }
}

/** Clears the host bits of one 32-bit word, `bits` being how many of its leading bits are network bits. */
function maskWord(v: number, bits: number): number {
  if (bits >= 32) return v >>> 0;
  if (bits <= 0) return 0;
  return (v & (0xffffffff << (32 - bits))) >>> 0;
}

/** Stable LSD radix sort of `order` by (lens, key): two 16-bit key passes, then one by length. */
function sortOrderByLenAndKey(order: Uint32Array, lens: Uint32Array, keys: Uint32Array): void {
  const n = order.length;
  let from: Uint32Array = order;
  let to: Uint32Array = new Uint32Array(n);
  const pass = (digit: (i: number) => number, buckets: number): void => {
    const count = new Uint32Array(buckets + 1);
    for (let i = 0; i < n; i++) count[digit(from[i]!) + 1]!++;
    for (let b = 1; b <= buckets; b++) count[b]! += count[b - 1]!;
    for (let i = 0; i < n; i++) { const j = from[i]!; to[count[digit(j)]!++] = j; }
    const t = from; from = to; to = t;
  };
  pass((j) => keys[j]! & 0xffff, 65536);
  pass((j) => keys[j]! >>> 16, 65536);
  pass((j) => lens[j]!, 33);
  if (from !== order) order.set(from);
}

/** A read-only set of networks of one family (see the file comment). */
export class AddressSet {
  /** The prefix lengths that have entries, longest first. */
  private readonly present: Int32Array;
  private readonly masked: Uint32Array;

  constructor(
    private readonly words: number,
    private readonly keys: Uint32Array,
    private readonly ids: Uint32Array,
    private readonly starts: readonly number[],
  ) {
    const present: number[] = [];
    for (let l = starts.length - 2; l >= 0; l--) if (starts[l + 1]! > starts[l]!) present.push(l);
    this.present = Int32Array.from(present);
    this.masked = new Uint32Array(words);
  }

  /** Number of entries. */
  get count(): number {
    return this.ids.length;
  }

  /**
   * IPv4 only: false when no entry can hold `addr` — its /20 block is in no
   * entry's network (a bit per block, 128 KiB, built on first use in each
   * thread: cheaper than the binary searches for the many addresses that miss).
   */
  mayHoldV4(addr: number): boolean {
    const blocks = this.v4Blocks ??= this.buildV4Blocks();
    const b = addr >>> V4_BLOCK_SHIFT;
    return (blocks[b >>> 3]! & (1 << (b & 7))) !== 0;
  }

  private v4Blocks: Uint8Array | null = null;

  private buildV4Blocks(): Uint8Array {
    const blocks = new Uint8Array(1 << (32 - V4_BLOCK_SHIFT - 3));
    const { keys, starts } = this;
    for (let len = 0; len <= 32; len++) {
      // A network shorter than a block covers 2^(20 - len) whole blocks.
      const span = len >= 32 - V4_BLOCK_SHIFT ? 1 : 2 ** (32 - V4_BLOCK_SHIFT - len);
      for (let i = starts[len]!; i < starts[len + 1]!; i++) {
        // Keys are sorted: a network met again marks nothing new (so at most 2^20 blocks are marked per length).
        if (i > starts[len]! && keys[i] === keys[i - 1]) continue;
        const first = keys[i]! >>> V4_BLOCK_SHIFT;
        for (let b = first; b < first + span; b++) blocks[b >>> 3]! |= 1 << (b & 7);
      }
    }
    return blocks;
  }

  /** Re-creates a set from its shared form without copying. */
  static fromShared(s: SharedAddressSet): AddressSet {
    if ((s.words !== 1 && s.words !== 4) || s.starts.length !== 32 * s.words + 2) throw new TypeError('bad shared address set');
    return new AddressSet(s.words, viewU32(s.keys, s.count * s.words), viewU32(s.ids, s.count), s.starts.slice());
  }

  /** The shared form (the same memory, not a copy). */
  toShared(): SharedAddressSet {
    return {
      words: this.words, count: this.ids.length, keys: this.keys.buffer as SharedArrayBuffer,
      ids: this.ids.buffer as SharedArrayBuffer, starts: this.starts.slice(),
    };
  }

  /** Bytes held by keys and ids. */
  memoryBytes(): number {
    return this.keys.byteLength + this.ids.byteLength;
  }

  /** Pushes the ids of every network containing the IPv4 address `addr` (a 1-word set only). */
  lookupV4(addr: number, out: number[]): number {
    const { present, keys, ids, starts } = this;
    let pushed = 0;
    for (let p = 0; p < present.length; p++) {
      const len = present[p]!;
      const key = maskWord(addr, len);
      let lo = starts[len]!, hi = starts[len + 1]!;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid]! < key) lo = mid + 1; else hi = mid;
      }
      for (const end = starts[len + 1]!; lo < end && keys[lo] === key; lo++) { out.push(ids[lo]!); pushed++; }
    }
    return pushed;
  }

  /** Pushes the ids of every network containing the IPv6 address in `addr` (4 big-endian words; a 4-word set only). */
  lookupV6(addr: Uint32Array, out: number[]): number {
    const { present, keys, ids, starts, masked } = this;
    let pushed = 0;
    for (let p = 0; p < present.length; p++) {
      const len = present[p]!;
      for (let w = 0; w < 4; w++) masked[w] = maskWord(addr[w]!, len - 32 * w);
      let lo = starts[len]!, hi = starts[len + 1]!;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareKey(keys, mid, masked) < 0) lo = mid + 1; else hi = mid;
      }
      for (const end = starts[len + 1]!; lo < end && compareKey(keys, lo, masked) === 0; lo++) { out.push(ids[lo]!); pushed++; }
    }
    return pushed;
  }
}

/** Compares the 4-word key at index i with `k`. */
function compareKey(keys: Uint32Array, i: number, k: Uint32Array): number {
  const b = i * 4;
  for (let w = 0; w < 4; w++) {
    const x = keys[b + w]!, y = k[w]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
