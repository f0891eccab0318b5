/**
 * A small seeded PRNG (mulberry32) and the draws the generator needs. Every
 * part of the case takes its own stream (`stream(name)`), so changing how one
 * part is drawn leaves the others as they were.
 */

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** An integer in [lo, hi], both included. */
  between(lo: number, hi: number): number;
  pick<T>(list: readonly T[]): T;
  /** A new array, shuffled (Fisher–Yates). */
  shuffled<T>(list: readonly T[]): T[];
  /** `len` upper-case hex digits. */
  hex(len: number): string;
}

/** mulberry32 seeded with `seed`. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    between: (lo, hi) => lo + int(hi - lo + 1),
    pick: (list) => list[int(list.length)]!,
    shuffled: (list) => {
      const out = [...list];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
    hex: (len) => {
      let s = '';
      while (s.length < len) s += int(0x10000).toString(16).padStart(4, '0');
      return s.slice(0, len).toUpperCase();
    },
  };
}

/** A stream of its own for one part of the case: the case seed mixed with the part's name (FNV-1a). */
export function stream(seed: number, name: string): Rng {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return rng(h >>> 0);
}
