/**
 * File hashes (md5, sha1, sha256) as their binary words, in an
 * open-addressing table of entry numbers (+1; 0 is empty). A digest is
 * already uniformly distributed, but observed values are attacker chosen, so
 * the slot still comes from a mixed hash of its first two words.
 */
import { U32List, allocSharedU32, capacityFor, mixHash, slotOf, viewU32 } from './shared-memory.js';

/** Shared form of a digest set. */
export interface SharedDigestSet {
  /** Words per digest: 4 (md5), 5 (sha1) or 8 (sha256). */
  words: number;
  count: number;
  capacity: number;
  keys: SharedArrayBuffer;
  ids: SharedArrayBuffer;
  slots: SharedArrayBuffer;
}

function mixDigest(words: ArrayLike<number>, at: number): number {
  return mixHash(words[at]! ^ Math.imul(words[at + 1]!, 0x9e3779b1));
}

/** Collects digests of one length. */
export class DigestSetBuilder {
  private readonly keys = new U32List();
  private readonly ids = new U32List();

  constructor(private readonly words: 4 | 5 | 8) {}

  /** Adds a digest given as `words` big-endian words. */
  add(digest: ArrayLike<number>, id: number): void {
    for (let w = 0; w < this.words; w++) this.keys.push(digest[w]!);
    this.ids.push(id);
  }

  /** Builds the table. */
  finish(): DigestSet {
    const n = this.ids.length;
    const W = this.words;
    const keys = allocSharedU32(n * W);
    keys.set(this.keys.data.subarray(0, n * W));
    const ids = allocSharedU32(n);
    ids.set(this.ids.data.subarray(0, n));
    const capacity = capacityFor(n);
    const slots = allocSharedU32(capacity);
    for (let e = 0; e < n; e++) {
      let i = slotOf(mixDigest(keys, e * W), capacity);
      while (slots[i] !== 0) i = i + 1 === capacity ? 0 : i + 1;
      slots[i] = e + 1;
    }
    return new DigestSet(W, keys, ids, slots);
  }
}

/** A read-only set of digests of one length. */
export class DigestSet {
  constructor(
    private readonly words: number,
    private readonly keys: Uint32Array,
    private readonly ids: Uint32Array,
    private readonly slots: Uint32Array,
  ) {}

  /** Number of entries. */
  get count(): number {
    return this.ids.length;
  }

  /** Re-creates a set from its shared form without copying. */
  static fromShared(s: SharedDigestSet): DigestSet {
    if (s.words !== 4 && s.words !== 5 && s.words !== 8) throw new TypeError('bad shared digest set');
    return new DigestSet(s.words, viewU32(s.keys, s.count * s.words), viewU32(s.ids, s.count), viewU32(s.slots, s.capacity));
  }

  /** The shared form (the same memory, not a copy). */
  toShared(): SharedDigestSet {
    return {
      words: this.words, count: this.ids.length, capacity: this.slots.length, keys: this.keys.buffer as SharedArrayBuffer,
      ids: this.ids.buffer as SharedArrayBuffer, slots: this.slots.buffer as SharedArrayBuffer,
    };
  }

  /** Bytes held. */
  memoryBytes(): number {
    return this.keys.byteLength + this.ids.byteLength + this.slots.byteLength;
  }

  /** Pushes the ids of entries equal to the digest in `digest` (this set's word count). */
  lookup(digest: Uint32Array, out: number[]): number {
    if (this.ids.length === 0) return 0;
    const { keys, ids, slots, words: W } = this;
    const capacity = slots.length;
    let pushed = 0;
    for (let i = slotOf(mixDigest(digest, 0), capacity); ; i = i + 1 === capacity ? 0 : i + 1) {
      const s = slots[i]!;
      if (s === 0) return pushed;
      const e = s - 1;
      let w = 0;
      while (w < W && keys[e * W + w] === digest[w]) w++;
      if (w === W) { out.push(ids[e]!); pushed++; }
    }
  }
}
