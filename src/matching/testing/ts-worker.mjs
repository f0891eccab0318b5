// Worker-thread entry for tests: Node 20 does not apply `--import tsx` to a
// worker's own entry module, so register tsx here, then load the TypeScript
// module named by workerData.script.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.script);
