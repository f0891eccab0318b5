// Worker-thread entry used only when Sightline runs from its TypeScript
// sources (tests, benchmarks under tsx): Node 20 does not apply `--import tsx`
// to a worker's own entry module, so register tsx here, then load the
// TypeScript module named by workerData.script. The compiled package (dist/)
// starts its .js workers directly and never loads this file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.script);
