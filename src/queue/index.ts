export { huntOnQueue, rehuntOnQueue, type QueueOptions } from './submit.js';
export { runWorker, describeJob, type WorkerOptions } from './worker.js';
export { listQueuedHunts, type QueuedHunt } from './jobs.js';
export { DEFAULT_LEASE_SECONDS, queueLocation } from './queue.js';
