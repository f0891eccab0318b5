/**
 * Test helper run as a worker thread: wraps the SharedIndex it is given
 * (workerData.shared), matches workerData.queries and posts the results.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ObservedKind } from '../../core/model.js';
import { IndicatorIndex, type SharedIndex } from '../index.js';

interface WorkerInput { shared: SharedIndex; queries: Array<[ObservedKind, string]> }

const input = workerData as WorkerInput;
const index = IndicatorIndex.fromShared(input.shared);
const out: number[] = [];
const results = input.queries.map(([kind, value]) => {
  out.length = 0;
  index.match(kind, value, out);
  return out.slice().sort((a, b) => a - b);
});
const arena = input.shared.domain.arena;
parentPort?.postMessage({
  results, size: index.size, memoryBytes: index.memoryBytes(),
  arenaIsShared: arena instanceof SharedArrayBuffer,
});
// Prove the memory is shared, not copied: the parent reads this mark in a buffer it sent.
const mark = input.shared.v4.keys.byteLength > 0 ? new Uint32Array(input.shared.v4.keys) : null;
if (mark) Atomics.store(mark, 0, 0xdeadbeef);
