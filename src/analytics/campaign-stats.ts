/**
 * A campaign's statistics (`campaign stats`, `victims`, the report and the
 * API): victims by address and implant host id, enriched offline (country,
 * ASN and organisation, sector), the timeline, the indicators sighted, the
 * builds and what their compile times say about their authors, and the
 * overlap with other campaigns. Everything is computed from the store's
 * roll-ups (one row per indicator and source host, per day, per host id),
 * never from every sighting, so a case of a million sightings is measured in
 * the time it takes to read a hundred thousand rows.
 */
import type { Enrichment } from '../enrich/index.js';
import type { CampaignActivity, SampleRecord, SourceActivity, Store } from '../store/index.js';
import { fitAuthorship } from './authorship.js';
import { buildStats, codePages, languages, pdbPaths, usableBuildTimes } from './builds.js';
import { dayKey, monthKey, weekKey } from './periods.js';
import type { CampaignStats, CountryCount, OrganisationCount, OverlapEntry, PeriodCount, SectorCount, Victim } from './types.js';

/** What enrichment says about one host (src/enrich's Enricher gives it). */
export type HostEnrichment = Enrichment;

export interface HostEnricher {
  enrich(host: string): HostEnrichment;
  /** The same answer, without remembering it (a pass that asks each host once). */
  enrichOnce?(host: string): HostEnrichment;
}

export interface StatsOptions {
  enricher: HostEnricher;
  /** "Now" for telling future compile times apart (default: the clock). */
  now?: number;
}

/** ISO 3166's user-assigned code for an unknown region: the victims no data places. */
export const UNKNOWN_COUNTRY = 'ZZ';

const DAY_MS = 86_400_000;

const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
const share = (n: number, total: number): number => (total === 0 ? 0 : Math.round((n / total) * 10_000) / 10_000);
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The victims behind a campaign's counts, enriched, most sightings first:
 * its source hosts of kind '' (Store.campaignSources), with the implant host
 * ids each carried (Store.campaignHostIds).
 */
export function victimsOf(
  sources: readonly SourceActivity[], indicators: CampaignActivity['indicators'], enricher: HostEnricher,
  hostIds: readonly { hostId: string; src: string }[] = [],
): Victim[] {
  const label = new Map(indicators.map((i) => [i.id, `${i.type}:${i.value}`]));
  const ids = new Map<string, string[]>();
  for (const h of hostIds) {
    let list = ids.get(h.src);
    if (!list) { list = []; ids.set(h.src, list); }
    list.push(h.hostId);
  }
  const out: Victim[] = [];
  for (const s of sources) {
    if (s.kind !== '' || s.src === '') continue;
    const e = enricher.enrich(s.src);
    out.push({
      src: s.src,
      hostIds: ids.get(s.src) ?? [],
      country: e.country,
      countryName: e.countryName,
      asn: e.asn,
      organisation: e.organisation,
      sector: e.sector,
      enrichedBy: e.source,
      firstSeen: iso(s.firstTs),
      lastSeen: iso(s.lastTs),
      sightings: s.sightings,
      indicators: s.indicatorIds.map((id) => label.get(id) ?? `#${id}`).sort(byText),
    });
  }
  return out.sort((a, b) => b.sightings - a.sightings || byText(a.src, b.src));
}

/** Victims counted by country, sector and organisation, and first seen per day: no Victim object is made. */
interface VictimTallies {
  count: number;
  byCountry: CountryCount[];
  bySector: SectorCount[];
  byOrganisation: OrganisationCount[];
  newByDay: Map<number, number>;
}

function tallyVictims(victims: CampaignActivity['victims'], enricher: HostEnricher): VictimTallies {
  // Each host is asked once here: past the enricher's memo when it has a way round it.
  const enrich = enricher.enrichOnce ? enricher.enrichOnce.bind(enricher) : enricher.enrich.bind(enricher);
  // Victims per answer first: the enricher shares one answer among the hosts of one (AS, country), so a hundred
  // thousand victims make a few thousand answers, and each is counted into countries, sectors and organisations once.
  const perAnswer = new Map<HostEnrichment, number>();
  const newByDay = new Map<number, number>();
  const n = victims.src.length;
  for (let i = 0; i < n; i++) {
    const e = enrich(victims.src[i]!);
    perAnswer.set(e, (perAnswer.get(e) ?? 0) + 1);
    const first = victims.firstTs[i];
    if (first !== null && first !== undefined) {
      const d = Math.floor(first / DAY_MS);
      newByDay.set(d, (newByDay.get(d) ?? 0) + 1);
    }
  }
  const countries = new Map<string, CountryCount>();
  const sectors = new Map<string, number>();
  const orgs = new Map<string, OrganisationCount>();
  for (const [e, k] of perAnswer) {
    const code = e.country ?? UNKNOWN_COUNTRY;
    const c = countries.get(code);
    if (c) c.count += k;
    else countries.set(code, { code, name: e.country === null ? 'Unknown' : e.countryName ?? code, count: k, share: 0 });
    sectors.set(e.sector, (sectors.get(e.sector) ?? 0) + k);
    if (e.organisation !== null || e.asn !== null) {
      const key = `${e.asn ?? ''}\u0000${e.organisation ?? ''}`;
      const o = orgs.get(key);
      if (o) o.count += k;
      else orgs.set(key, { asn: e.asn, organisation: e.organisation ?? '', count: k });
    }
  }
  const byCountry = [...countries.values()];
  for (const c of byCountry) c.share = share(c.count, n);
  return {
    count: n,
    byCountry: byCountry.sort((a, b) => b.count - a.count || byText(a.code, b.code)),
    bySector: [...sectors].map(([sector, count]) => ({ sector, count, share: share(count, n) }))
      .sort((a, b) => b.count - a.count || byText(a.sector, b.sector)),
    byOrganisation: [...orgs.values()].sort((a, b) => b.count - a.count || byText(a.organisation, b.organisation) || (a.asn ?? 0) - (b.asn ?? 0)),
    newByDay,
  };
}

/** Sightings and new victims per day, ISO week and month (periods with neither are left out). */
function timeline(activity: CampaignActivity, newByDay: ReadonlyMap<number, number>): CampaignStats['timeline'] {
  const days = new Map<number, PeriodCount>();
  for (const d of activity.days) days.set(d.day, { sightings: d.sightings, newVictims: 0 });
  for (const [d, n] of newByDay) {
    const p = days.get(d);
    if (p) p.newVictims += n; else days.set(d, { sightings: 0, newVictims: n });
  }
  const ordered = [...days].sort((a, b) => a[0] - b[0]);
  const roll = <K extends string>(name: K, key: (d: number) => string): ({ [P in K]: string } & PeriodCount)[] => {
    const m = new Map<string, PeriodCount>();
    for (const [d, p] of ordered) {
      const k = key(d);
      const q = m.get(k);
      if (q) { q.sightings += p.sightings; q.newVictims += p.newVictims; } else m.set(k, { ...p });
    }
    return [...m].map(([k, p]) => ({ [name]: k, ...p }) as { [P in K]: string } & PeriodCount);
  };
  return {
    firstSeen: iso(activity.firstTs), lastSeen: iso(activity.lastTs),
    byDay: roll('day', dayKey), byWeek: roll('week', weekKey), byMonth: roll('month', monthKey),
  };
}

function indicators(activity: CampaignActivity): CampaignStats['indicators'] {
  const byType: Record<string, number> = {};
  for (const i of activity.indicators) byType[i.type] = (byType[i.type] ?? 0) + 1;
  const held: Record<string, number> = {};
  let total = 0;
  for (const [t, n] of Object.entries(activity.indicatorsByType)) { held[t] = n ?? 0; total += n ?? 0; }
  const top = [...activity.indicators]
    .sort((a, b) => b.sightings - a.sightings || byText(a.type, b.type) || byText(a.value, b.value))
    .slice(0, 10)
    .map((i) => ({ type: i.type, value: i.value, sightings: i.sightings, victims: i.victims }));
  return { total, sighted: activity.indicators.length, byType, heldByType: held, top };
}

function overlap(entries: Awaited<ReturnType<Store['campaignOverlap']>>): OverlapEntry[] {
  return entries.map((e) => ({
    campaign: e.campaign, sharedVictims: e.sharedVictims.length, victims: e.sharedVictims,
    sharedIndicators: e.sharedIndicators.length, indicators: e.sharedIndicators,
  }));
}

export interface CampaignMeasure {
  stats: CampaignStats;
  /** The victims behind the counts (only when asked for: `victims: true`). */
  victims: Victim[];
  samples: SampleRecord[];
  activity: CampaignActivity;
}

/** The statistics (and, asked for, the victims) of one campaign (name or alias); null when the case has no such campaign. */
export async function campaignStats(store: Store, campaign: string, opts: StatsOptions & { victims?: boolean }): Promise<CampaignMeasure | null> {
  const activity = await store.campaignActivity(campaign);
  if (activity === null) return null;
  const now = opts.now ?? Date.now();
  const tallies = tallyVictims(activity.victims, opts.enricher);
  const samples: SampleRecord[] = [];
  for await (const s of store.listSamples({ campaign: activity.campaign })) samples.push(s);
  const builds = samples.map((s) => ({ sha256: s.sha256, facts: s.pe }));
  const stats: CampaignStats = {
    campaign: activity.campaign,
    victims: {
      count: tallies.count,
      hostIds: activity.hostIds === 0 ? null : activity.hostIds,
      countries: tallies.byCountry.filter((c) => c.code !== UNKNOWN_COUNTRY).length,
      byCountry: tallies.byCountry,
      bySector: tallies.bySector,
      byOrganisation: tallies.byOrganisation,
    },
    excluded: activity.excluded,
    timeline: timeline(activity, tallies.newByDay),
    indicators: indicators(activity),
    builds: buildStats(builds, now),
    authorship: {
      // Header times only: a Delphi build's resource time is the builder's local time, with no zone.
      ...fitAuthorship(usableBuildTimes(builds, now).filter((b) => b.from === 'header').map((b) => b.time)),
      languages: languages(builds),
      codePages: codePages(builds),
      pdbPaths: pdbPaths(builds),
    },
    overlap: overlap(await store.campaignOverlap(activity.campaign)),
  };
  const victims = opts.victims
    ? victimsOf(await store.campaignSources(activity.campaign), activity.indicators, opts.enricher, await store.campaignHostIds(activity.campaign))
    : [];
  return { stats, victims, samples, activity };
}
