/** Worker thread: hunts byte ranges of text logs against the shared index. */
import { parentPort, workerData } from 'node:worker_threads';
import { IndicatorIndex, type SharedIndex } from '../matching/index.js';
import { huntRange, type RangeTask } from './log-range.js';

const index = IndicatorIndex.fromShared((workerData as { index: SharedIndex }).index);

parentPort!.on('message', (msg: { id: number; task: RangeTask }) => {
  try {
    parentPort!.postMessage({ id: msg.id, result: huntRange(msg.task, index) });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
