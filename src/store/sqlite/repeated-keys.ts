/**
 * Which staged indicator rows may share their (type, value) with another
 * row of the same import, told by a 32-bit hash of the key in an
 * open-addressing table (8 bytes a slot, at most half full). A repeated
 * hash names every row of its key (and, rarely, rows of another key with
 * the same hash: harmless, they are folded by key like true repeats). The
 * SQLite writer folds only those rows with GROUP BY and sorts the rest as
 * they are, which costs less than aggregating a million groups of one.
 */

/** Keys tracked at most (a 256 MiB table); past them `overflowed` is set and every row is folded. */
export const MAX_TRACKED_KEYS = 16 * 1024 * 1024;
/** Slots of a new table (a power of two). */
const FIRST_SLOTS = 1 << 16;

export class RepeatedKeys {
  /** Per slot: the key's hash (meaningful when the row is not 0). */
  private hashes = new Uint32Array(FIRST_SLOTS);
  /** Per slot: the first row with the hash, negated once it is listed in `rows`; 0: empty. */
  private firsts = new Int32Array(FIRST_SLOTS);
  private keys = 0;
  /** The rows (ids given to add) whose hash another row has too, in no particular order. */
  readonly rows: number[] = [];
  /** Whether more keys came than are tracked: every row must then be folded. */
  overflowed = false;

  /** Notes row `row` (a positive 31-bit id, unique) with key (type, value). */
  add(type: string, value: string, row: number): void {
    if (this.overflowed) return;
    if (row > 0x7fffffff) {
      this.overflow();
      return;
    }
    const h = keyHash(type, value);
    const mask = this.firsts.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const first = this.firsts[s]!;
      if (first === 0) {
        this.hashes[s] = h;
        this.firsts[s] = row;
        if (++this.keys * 2 > this.firsts.length) this.grow();
        return;
      }
      if (this.hashes[s] === h) {
        if (first > 0) {
          this.rows.push(first);
          this.firsts[s] = -first;
        }
        this.rows.push(row);
        return;
      }
    }
  }

  /** The rows whose hash another row has too (see `rows`), and the table freed: nothing more may be added. */
  finish(): number[] {
    this.hashes = new Uint32Array(0);
    this.firsts = new Int32Array(0);
    this.keys = 0;
    return this.rows;
  }

  private overflow(): void {
    this.overflowed = true;
    this.hashes = new Uint32Array(0);
    this.firsts = new Int32Array(0);
  }

  private grow(): void {
    if (this.keys >= MAX_TRACKED_KEYS) {
      this.overflow();
      return;
    }
    const oldHashes = this.hashes, oldFirsts = this.firsts;
    this.hashes = new Uint32Array(oldHashes.length * 2);
    this.firsts = new Int32Array(oldFirsts.length * 2);
    const mask = this.firsts.length - 1;
    for (let k = 0; k < oldFirsts.length; k++) {
      const first = oldFirsts[k]!;
      if (first === 0) continue;
      const h = oldHashes[k]!;
      let s = h & mask;
      while (this.firsts[s] !== 0) s = (s + 1) & mask;
      this.hashes[s] = h;
      this.firsts[s] = first;
    }
  }
}

/** FNV-1a over the type, a separator no type holds, and the value's UTF-16 code units, with a final mix for the low bits. */
export function keyHash(type: string, value: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < type.length; k++) h = Math.imul(h ^ type.charCodeAt(k), 0x01000193);
  h = Math.imul(h ^ 0x7c, 0x01000193);
  for (let k = 0; k < value.length; k++) h = Math.imul(h ^ value.charCodeAt(k), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
