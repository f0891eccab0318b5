/**
 * Campaign statistics computed in a worker thread (stats-worker.ts), so a
 * recomputation of seconds does not stop the server answering. The worker
 * is started on first use and again after it fails.
 */
import type { Worker } from 'node:worker_threads';
import { openCaseEnricher, startWorker, workerUrl, type CampaignStats, type EnrichOptions, type Store } from '../index.js';
import type { ComputedStats, StatsSource } from './campaign-cache.js';
import type { StatsRequest } from './stats-worker.js';

type Reply = { id: number; result: { json: string; victims: ComputedStats['victims'] } | null } | { id: number; error: string };

export class StatsThread implements StatsSource {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(r: ComputedStats | null): void; reject(e: Error): void }>();

  /** `location`: where the worker opens the case (a PostgreSQL URL with its password; the store shows it without). */
  constructor(private readonly store: Store, private readonly enrich: EnrichOptions = {}, private readonly location = store.location) {}

  /** Opens an enricher here once, to say now whether --geoip and --sectors are good. */
  async warm(_assets: number): Promise<void> {
    await openCaseEnricher(this.store, this.enrich);
  }

  compute(campaign: string, assets: number): Promise<ComputedStats | null> {
    const w = this.start();
    const id = this.nextId++;
    // Held while it works for us; let go when idle, so the server may exit.
    w.ref();
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      w.postMessage({ id, campaign, assets } satisfies StatsRequest);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = startWorker(workerUrl(import.meta.url, 'stats-worker'), { location: this.location, enrich: this.enrich });
    w.on('message', (m: Reply | { ready: true }) => {
      if (!('id' in m)) return;
      const p = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) w.unref();
      if (!p) return;
      if ('error' in m) p.reject(new Error(m.error));
      else p.resolve(m.result === null ? null : { stats: JSON.parse(m.result.json) as CampaignStats, json: m.result.json, victims: m.result.victims });
    });
    const fail = (e: Error) => {
      if (this.worker === w) this.worker = null;
      for (const p of this.waiting.values()) p.reject(e);
      this.waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the statistics worker stopped (exit ${code})`)));
    this.worker = w;
    return w;
  }
}
