/**
 * The fuzz property every text-log reader shares: lines of a real or built
 * log, mutated (bytes inserted at random places, tails cut), never make the
 * reader throw, and every diagnostic names a line of the input.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { collectingSink, type LineReader } from '../line-reader.js';

export interface FuzzLinesOptions {
  seed: number;
  numRuns: number;
  /** Furthest offset in a line at which a mutation lands. */
  maxOffset: number;
  /** Most mutations per run. */
  maxEdits?: number;
  /** Most bytes one mutation inserts. */
  maxInsert?: number;
}

/** Runs the property over `lines`, a fresh reader per run. */
export function fuzzLines(lines: readonly Buffer[], makeReader: () => LineReader, o: FuzzLinesOptions): void {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.nat(lines.length - 1), fc.nat(o.maxOffset), fc.uint8Array({ maxLength: o.maxInsert ?? 6 }), fc.boolean()), { maxLength: o.maxEdits ?? 20 }),
    (edits) => {
      const reader = makeReader();
      const sink = collectingSink();
      const mutated = lines.map((l) => Buffer.from(l));
      for (const [li, pos, bytes, cut] of edits) {
        const l = mutated[li]!;
        const p = Math.min(pos, l.length);
        mutated[li] = Buffer.concat([l.subarray(0, p), Buffer.from(bytes), cut ? Buffer.alloc(0) : l.subarray(p)]);
      }
      mutated.forEach((l, i) => reader.readLine(l, i + 1, sink));
      for (const d of sink.diagnostics) assert.ok(d.line !== undefined && d.line >= 1 && d.line <= lines.length);
    },
  ), { seed: o.seed, numRuns: o.numRuns });
}

/** A file's text split into lines as Buffers (latin1 keeps every byte). */
export function splitLines(data: Buffer, limit?: number): Buffer[] {
  const lines = data.toString('latin1').split('\n');
  return (limit === undefined ? lines : lines.slice(0, limit)).map((l) => Buffer.from(l, 'latin1'));
}
