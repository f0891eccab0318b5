/**
 * A campaign's statistics and victims, computed once per state of the case.
 * campaignStats reads the store's roll-ups — fast next to reading every
 * sighting, but seconds on a million sightings — so its result is kept,
 * with its JSON encoded once, until Store.revision says the case changed.
 * Then the next request starts one recomputation and, while it runs, the
 * last result is served (a commit behind, for those seconds) rather than
 * making every request wait. Where the computation runs is a StatsSource:
 * in this thread, or (serve) in a worker thread of its own, so the server
 * keeps answering while it runs.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import {
  campaignStats, openCaseEnricher, type Campaign, type CampaignStats, type EnrichOptions, type HostEnricher, type Store, type Victim,
} from '../index.js';

export interface CampaignView {
  stats: CampaignStats;
  /** The same object as JSON (UTF-8), as `/api/campaigns/{name}/stats` sends it: encoded once, not per request. */
  json: Buffer;
  victims: Victim[];
  /** The JSON compressed, made on first use (a campaign's statistics run to hundreds of kilobytes). */
  encoded: { br?: Buffer; gzip?: Buffer };
  /** The statistics with their long lists cut to the first N (`?top=N`: the dashboard's overview), made on first use. */
  tops?: Map<number, EncodedJson>;
}

/** A JSON body and its compressed forms, made on first use. */
export interface EncodedJson {
  json: Buffer;
  encoded: { br?: Buffer; gzip?: Buffer };
}

/** Most distinct `top` cuts kept per view. */
const MAX_TOPS_PER_VIEW = 8;

/**
 * The statistics with `victims.byOrganisation` and each `overlap[].victims`
 * cut to their first `top` entries, and `top` saying so: what an overview
 * shows, a few kilobytes where the whole object runs to hundreds (thousands
 * of organisations, tens of thousands of shared victims).
 */
export function topOf(view: CampaignView, top: number): EncodedJson {
  view.tops ??= new Map();
  let e = view.tops.get(top);
  if (e === undefined) {
    const s = view.stats;
    const cut = {
      ...s,
      top,
      victims: { ...s.victims, byOrganisation: s.victims.byOrganisation.slice(0, top) },
      overlap: s.overlap.map((o) => ({ ...o, victims: o.victims.slice(0, top) })),
    };
    e = { json: Buffer.from(JSON.stringify(cut)), encoded: {} };
    if (view.tops.size >= MAX_TOPS_PER_VIEW) view.tops.delete(view.tops.keys().next().value!);
    view.tops.set(top, e);
  }
  return e;
}

/** What a StatsSource computes: the statistics (and their JSON when made elsewhere) and the victims. */
export interface ComputedStats { stats: CampaignStats; json?: string; victims: Victim[] }

/** Where campaign statistics are computed. */
export interface StatsSource {
  /** Opens what the computation needs (the enricher), so a bad --geoip or --sectors file is said at start. */
  warm(assets: number): Promise<void>;
  compute(campaign: string, assets: number): Promise<ComputedStats | null>;
  close(): Promise<void>;
}

/** The computation in this thread, with one enricher per state of the asset directory. */
export class LocalStats implements StatsSource {
  private enricher: { assets: number; value: Promise<HostEnricher> } | null = null;

  constructor(private readonly store: Store, private readonly enrich: EnrichOptions = {}) {}

  async warm(assets: number): Promise<void> {
    await this.openEnricher(assets);
  }

  async compute(campaign: string, assets: number): Promise<ComputedStats | null> {
    const r = await campaignStats(this.store, campaign, { enricher: await this.openEnricher(assets), victims: true });
    return r === null ? null : { stats: r.stats, victims: r.victims };
  }

  async close(): Promise<void> {}

  private openEnricher(assets: number): Promise<HostEnricher> {
    if (this.enricher?.assets !== assets) {
      const value = openCaseEnricher(this.store, this.enrich);
      this.enricher = { assets, value };
      value.catch(() => { if (this.enricher?.value === value) this.enricher = null; });
    }
    return this.enricher.value;
  }
}

/** The view's body in the best encoding the client accepts (`br`, `gzip`, else none), compressed once per view. */
export function encodedBody(view: EncodedJson, acceptEncoding: string | undefined): { body: Buffer; encoding: 'br' | 'gzip' | null } {
  const accepts = (name: string) => acceptEncoding !== undefined && acceptEncoding.split(',').some((part) => {
    const [token, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    const q = params.find((x) => x.startsWith('q='));
    return token === name && (q === undefined || Number(q.slice(2)) > 0);
  });
  if (view.json.length < 1024) return { body: view.json, encoding: null };
  if (accepts('br')) {
    view.encoded.br ??= brotliCompressSync(view.json, { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: view.json.length } });
    return { body: view.encoded.br, encoding: 'br' };
  }
  if (accepts('gzip')) {
    view.encoded.gzip ??= gzipSync(view.json, { level: 6 });
    return { body: view.encoded.gzip, encoding: 'gzip' };
  }
  return { body: view.json, encoding: null };
}

interface Slot {
  /** The last result and the revision it is of. */
  settled: { revision: string; value: CampaignView | null } | null;
  /** The recomputation running, for a revision. */
  running: { revision: string; done: Promise<void> } | null;
}

export class CampaignCache {
  private readonly slots = new Map<string, Slot>();
  private list: { revision: string; value: Promise<Campaign[]> } | null = null;

  constructor(private readonly store: Store, private readonly source: StatsSource) {}

  /** The case's campaigns (`campaign list --json`), read again when the case changes. */
  async campaigns(): Promise<Campaign[]> {
    const rev = await this.store.revision();
    if (this.list?.revision === rev.data) return this.list.value;
    const entry = { revision: rev.data, value: this.store.listCampaigns() };
    entry.value.catch(() => { if (this.list === entry) this.list = null; });
    this.list = entry;
    return entry.value;
  }

  /**
   * One campaign's view by name or alias, or null when the case has no such
   * campaign. With `fresh`, waits for a view of the case as it is now; else
   * the last view is returned while a newer one is computed.
   */
  async view(nameOrAlias: string, opts: { fresh?: boolean } = {}): Promise<CampaignView | null> {
    const name = await this.store.resolveCampaign(nameOrAlias);
    if (name === null) return null;
    let slot = this.slots.get(name);
    if (!slot) { slot = { settled: null, running: null }; this.slots.set(name, slot); }
    for (;;) {
      const rev = await this.store.revision();
      if (slot.settled?.revision === rev.data) return slot.settled.value;
      // One computation at a time per campaign: a change during it is picked up by the next request.
      slot.running ??= this.refresh(name, slot, rev);
      if (slot.settled !== null && !opts.fresh) return slot.settled.value;
      await slot.running.done;
    }
  }

  /** Resolves when no recomputation is running. */
  async settled(): Promise<void> {
    for (const s of this.slots.values()) await s.running?.done;
  }

  async warm(): Promise<void> {
    await this.source.warm((await this.store.revision()).assets);
  }

  close(): Promise<void> {
    return this.source.close();
  }

  private refresh(name: string, slot: Slot, rev: { data: string; assets: number }): { revision: string; done: Promise<void> } {
    const done = this.source.compute(name, rev.assets).then((r) => {
      slot.settled = {
        revision: rev.data,
        value: r === null ? null : { stats: r.stats, json: Buffer.from(r.json ?? JSON.stringify(r.stats)), victims: r.victims, encoded: {} },
      };
    }).finally(() => { slot.running = null; });
    return { revision: rev.data, done };
  }
}
