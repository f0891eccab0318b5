/**
 * A set of byte strings with ids, for millions of entries in little memory:
 * one byte arena (`[len u16][id u32][bytes]` per entry, little-endian) and an
 * open-addressing table of arena offsets (+1; 0 is empty) with one tag byte
 * per slot (0 only when empty), so most probes touch neither the arena nor
 * the offsets. Duplicate strings are kept as separate entries; a lookup
 * walks its probe run to the first empty slot and so finds them all. Strings
 * are hashed from their LAST byte to their first, so a caller walking a
 * domain name right to left has the hash of every suffix for free (see
 * `reverseHashStep`).
 */
import {
  ByteBuilder, allocSharedU32, allocSharedU8, capacityFor, mixHash, slotOf, viewU32, viewU8,
} from './shared-memory.js';

/** Longest string stored (indicator values are capped at 4096 characters; UTF-8 may triple that). */
export const MAX_TABLE_STRING_BYTES = 65535;
const ENTRY_HEADER_BYTES = 6;
/** FNV-1a offset basis: the hash of the empty string. */
export const HASH_SEED = 0x811c9dc5;

/** One step of the reverse FNV-1a hash: fold in the byte that comes BEFORE those hashed so far. */
export function reverseHashStep(h: number, byte: number): number {
  return Math.imul(h ^ byte, 0x01000193);
}

/** The reverse FNV-1a hash of bytes[start, end). */
export function hashBytesReverse(bytes: Uint8Array, start: number, end: number): number {
  let h = HASH_SEED;
  for (let i = end - 1; i >= start; i--) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

/** The transferable form of a StringTable. */
export interface SharedStringTable {
  arena: SharedArrayBuffer;
  arenaLength: number;
  slots: SharedArrayBuffer;
  tags: SharedArrayBuffer;
  capacity: number;
  count: number;
}

/** Collects entries for a StringTable. */
export class StringTableBuilder {
  private arena = new ByteBuilder();
  private count = 0;
  /** Entries refused for length or because the arena is full. */
  refused = 0;

  /** Adds bytes[start, end) with `id`; false (and counted in `refused`) when it cannot be stored. */
  add(bytes: Uint8Array, start: number, end: number, id: number): boolean {
    const len = end - start;
    if (len < 0 || len > MAX_TABLE_STRING_BYTES || !this.arena.reserve(ENTRY_HEADER_BYTES + len)) {
      this.refused++;
      return false;
    }
    const a = this.arena.bytes;
    let o = this.arena.length;
    a[o] = len & 0xff;
    a[o + 1] = len >>> 8;
    a[o + 2] = id & 0xff;
    a[o + 3] = (id >>> 8) & 0xff;
    a[o + 4] = (id >>> 16) & 0xff;
    a[o + 5] = id >>> 24;
    o += ENTRY_HEADER_BYTES;
    a.set(bytes.subarray(start, end), o);
    this.arena.length = o + len;
    this.count++;
    return true;
  }

  /** Builds the hash table over the collected entries. */
  finish(): StringTable {
    const arenaLength = this.arena.length;
    const arena = viewU8(this.arena.finish(), arenaLength);
    const capacity = capacityFor(this.count);
    const slots = allocSharedU32(capacity);
    const tags = allocSharedU8(capacity);
    for (let o = 0; o < arenaLength; ) {
      const len = arena[o]! | (arena[o + 1]! << 8);
      const start = o + ENTRY_HEADER_BYTES;
      const mixed = mixHash(hashBytesReverse(arena, start, start + len));
      let i = slotOf(mixed, capacity);
      while (slots[i] !== 0) i = i + 1 === capacity ? 0 : i + 1;
      slots[i] = o + 1;
      tags[i] = tagOf(mixed);
      o = start + len;
    }
    return new StringTable(arena, slots, tags, this.count);
  }
}

/**
 * A slot's tag byte, from its key's mixed hash: never 0, which marks an
 * empty slot, so a miss (the common case) walks its probe run in the tags
 * alone — a quarter of the slots' memory, which stays in cache — and reads a
 * slot only when its tag agrees.
 */
function tagOf(mixed: number): number {
  return (mixed & 0xff) || 1;
}

/** A read-only set of byte strings with ids (see the file comment). */
export class StringTable {
  constructor(
    private readonly arena: Uint8Array,
    private readonly slots: Uint32Array,
    /** One byte per slot: 0 when empty, else its tag (tagOf). */
    private readonly tags: Uint8Array,
    /** Number of entries. */
    readonly count: number,
  ) {}

  /** Re-creates a table from its shared form without copying. */
  static fromShared(s: SharedStringTable): StringTable {
    return new StringTable(viewU8(s.arena, s.arenaLength), viewU32(s.slots, s.capacity), viewU8(s.tags, s.capacity), s.count);
  }

  /** The shared form (the same memory, not a copy). */
  toShared(): SharedStringTable {
    return {
      arena: this.arena.buffer as SharedArrayBuffer, arenaLength: this.arena.length,
      slots: this.slots.buffer as SharedArrayBuffer, tags: this.tags.buffer as SharedArrayBuffer,
      capacity: this.slots.length, count: this.count,
    };
  }

  /** Bytes held: arena, slots and tags. */
  memoryBytes(): number {
    return this.arena.length + this.slots.byteLength + this.tags.byteLength;
  }

  /**
   * Pushes the id of every entry equal to key[start, end) into `out`; `hash`
   * must be hashBytesReverse(key, start, end). Returns the number pushed.
   */
  lookup(key: Uint8Array, start: number, end: number, hash: number, out: number[]): number {
    if (this.count === 0) return 0;
    const { arena, slots, tags } = this;
    const capacity = slots.length;
    const mixed = mixHash(hash);
    const tag = tagOf(mixed);
    const len = end - start;
    let pushed = 0;
    for (let i = slotOf(mixed, capacity); ; i = i + 1 === capacity ? 0 : i + 1) {
      const t = tags[i]!;
      if (t === 0) return pushed;
      if (t !== tag) continue;
      const o = slots[i]! - 1;
      if ((arena[o]! | (arena[o + 1]! << 8)) !== len) continue;
      const a = o + ENTRY_HEADER_BYTES;
      let k = 0;
      while (k < len && arena[a + k] === key[start + k]) k++;
      if (k !== len) continue;
      out.push((arena[o + 2]! | (arena[o + 3]! << 8) | (arena[o + 4]! << 16) | (arena[o + 5]! << 24)) >>> 0);
      pushed++;
    }
  }
}
