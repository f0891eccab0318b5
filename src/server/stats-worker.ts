/**
 * The worker thread that computes campaign statistics for `serve`
 * (campaign-cache.ts): its own connection to the case (SQLite in WAL mode
 * lets it read while the server writes), its own enricher, one request at
 * a time. Messages: `{id, campaign, assets}` in; `{id, result}` or
 * `{id, error}` out, the statistics as JSON text.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LocalStats } from './campaign-cache.js';
import { openStore, type EnrichOptions } from '../index.js';

export interface StatsRequest { id: number; campaign: string; assets: number }

const { location, enrich } = workerData as { location: string; enrich: EnrichOptions };
const store = await openStore(location);
const local = new LocalStats(store, enrich);
let queue: Promise<void> = Promise.resolve();

parentPort!.on('message', (m: StatsRequest) => {
  queue = queue.then(async () => {
    try {
      const r = await local.compute(m.campaign, m.assets);
      parentPort!.postMessage({ id: m.id, result: r === null ? null : { json: JSON.stringify(r.stats), victims: r.victims } });
    } catch (e) {
      parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
});
parentPort!.postMessage({ ready: true });
