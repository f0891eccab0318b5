/** Campaign analytics: statistics, victims, builds and authorship, from the store's roll-ups. */
import { Enricher } from '../enrich/index.js';
import type { Store } from '../store/index.js';

export { campaignStats, victimsOf, UNKNOWN_COUNTRY } from './campaign-stats.js';
export type { HostEnricher, HostEnrichment, StatsOptions } from './campaign-stats.js';
export type * from './types.js';

export interface EnrichOptions {
  /** A newer geolocation database of the user's (.mmdb, GeoLite2 or ip-location-db layout). */
  geoipFile?: string;
  /** Extra sector rules (data/sectors.json's shape), ahead of the shipped ones. */
  sectorsFile?: string;
}

/** An enricher for the case: its asset directory first, then the geolocation and ASN data. */
export async function openCaseEnricher(store: Store, opts: EnrichOptions = {}): Promise<Enricher> {
  const assets = await store.listAssets();
  return Enricher.open({
    assets,
    ...(opts.geoipFile !== undefined ? { geoipFile: opts.geoipFile } : {}),
    ...(opts.sectorsFile !== undefined ? { sectorsFile: opts.sectorsFile } : {}),
  });
}

/** The canonical names of the campaigns a command covers: the one asked for, else all of the case's. */
export async function campaignsToMeasure(store: Store, campaign?: string): Promise<string[]> {
  if (campaign !== undefined) {
    const name = await store.resolveCampaign(campaign);
    return name === null ? [] : [name];
  }
  return (await store.listCampaigns()).map((c) => c.name);
}
