/**
 * A campaign's statistics and victims, computed once per state of the case.
 * campaignStats reads the store's roll-ups (fast, but not free: the victims
 * are enriched one by one), so the result is kept, with its JSON text, and
 * reused until Store.revision says the case changed. Concurrent requests
 * for the same campaign share one computation. The enricher is opened once
 * per state of the asset directory.
 */
import {
  campaignStats, openCaseEnricher, type Campaign, type CampaignStats, type EnrichOptions, type HostEnricher, type Store, type Victim,
} from '../index.js';

export interface CampaignView {
  stats: CampaignStats;
  /** The same object as JSON text, as `/api/campaigns/{name}/stats` sends it. */
  json: string;
  victims: Victim[];
}

interface Entry<T> { revision: string; value: Promise<T> }

export class CampaignCache {
  private readonly views = new Map<string, Entry<CampaignView | null>>();
  private list: Entry<Campaign[]> | null = null;
  private enricher: { assets: number; value: Promise<HostEnricher> } | null = null;

  constructor(private readonly store: Store, private readonly enrich: EnrichOptions = {}) {}

  /** The case's campaigns (`campaign list --json`). */
  async campaigns(): Promise<Campaign[]> {
    const rev = await this.store.revision();
    if (this.list?.revision === rev.data) return this.list.value;
    const entry = this.keep(rev.data, () => this.store.listCampaigns(), () => { if (this.list === entry) this.list = null; });
    this.list = entry;
    return entry.value;
  }

  /** One campaign's view by name or alias, or null when the case has no such campaign. */
  async view(nameOrAlias: string): Promise<CampaignView | null> {
    const name = await this.store.resolveCampaign(nameOrAlias);
    if (name === null) return null;
    const rev = await this.store.revision();
    const hit = this.views.get(name);
    if (hit?.revision === rev.data) return hit.value;
    const entry = this.keep(rev.data, async () => {
      const r = await campaignStats(this.store, name, { enricher: await this.openEnricher(rev.assets) });
      return r === null ? null : { stats: r.stats, json: JSON.stringify(r.stats), victims: r.victims };
    }, () => { if (this.views.get(name) === entry) this.views.delete(name); });
    this.views.set(name, entry);
    return entry.value;
  }

  /** Opens the enricher at start, so that a bad --geoip or --sectors file is said before the server listens. */
  async warm(): Promise<void> {
    await this.openEnricher((await this.store.revision()).assets);
  }

  private openEnricher(assets: number): Promise<HostEnricher> {
    if (this.enricher?.assets !== assets) {
      const value = openCaseEnricher(this.store, this.enrich);
      this.enricher = { assets, value };
      value.catch(() => { if (this.enricher?.value === value) this.enricher = null; });
    }
    return this.enricher.value;
  }

  /** An entry computed once; forgotten when the computation fails, so the next request tries again. */
  private keep<T>(revision: string, compute: () => Promise<T>, forget: () => void): Entry<T> {
    const value = compute();
    value.catch(forget);
    return { revision, value };
  }
}
