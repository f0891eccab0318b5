/**
 * Worker thread: hunts byte ranges of text logs against the shared index.
 * The index arrives by message (it is shared memory, not copied), so the
 * worker can start loading its code while the main thread loads the case.
 */
import { parentPort } from 'node:worker_threads';
import { IndicatorIndex, type SharedIndex } from '../matching/index.js';
import { huntRange, type RangeTask } from './log-range.js';

let index: IndicatorIndex | null = null;

parentPort!.on('message', (msg: { index?: SharedIndex; id?: number; task?: RangeTask }) => {
  if (msg.index) {
    index = IndicatorIndex.fromShared(msg.index);
    return;
  }
  try {
    if (!index) throw new Error('log worker got a task before the index');
    parentPort!.postMessage({ id: msg.id, result: huntRange(msg.task!, index) });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
