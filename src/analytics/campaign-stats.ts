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
import type { CampaignActivity, SampleRecord, Store } from '../store/index.js';
import { fitAuthorship } from './authorship.js';
import { buildStats, codePages, languages, pdbPaths, usableBuildTimes } from './builds.js';
import { dayKey, monthKey, weekKey } from './periods.js';
import type { CampaignStats, CountryCount, OrganisationCount, OverlapEntry, PeriodCount, SectorCount, Victim } from './types.js';

/** What enrichment says about one host (src/enrich's Enricher gives it). */
export interface HostEnrichment {
  country: string | null;
  countryName: string | null;
  asn: number | null;
  organisation: string | null;
  sector: string;
  source: 'assets' | 'geoip' | 'none';
}

export interface HostEnricher {
  enrich(host: string): HostEnrichment;
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

/** The victims of one campaign's activity: one per source address, kind '' (crawlers and scanners are counted apart). */
export function victimsOf(activity: CampaignActivity, enricher: HostEnricher): Victim[] {
  const label = new Map(activity.indicators.map((i) => [i.id, `${i.type}:${i.value}`]));
  const hostIds = new Map<string, string[]>();
  for (const h of activity.hostIds) {
    let list = hostIds.get(h.src);
    if (!list) { list = []; hostIds.set(h.src, list); }
    list.push(h.hostId);
  }
  const out: Victim[] = [];
  for (const s of activity.sources) {
    if (s.kind !== '' || s.src === '') continue;
    const e = enricher.enrich(s.src);
    out.push({
      src: s.src,
      hostIds: hostIds.get(s.src) ?? [],
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

function countries(victims: readonly Victim[]): CountryCount[] {
  const m = new Map<string, CountryCount>();
  for (const v of victims) {
    const code = v.country ?? UNKNOWN_COUNTRY;
    let c = m.get(code);
    if (!c) { c = { code, name: v.country === null ? 'Unknown' : v.countryName ?? code, count: 0, share: 0 }; m.set(code, c); }
    c.count++;
  }
  const out = [...m.values()];
  for (const c of out) c.share = share(c.count, victims.length);
  return out.sort((a, b) => b.count - a.count || byText(a.code, b.code));
}

function sectors(victims: readonly Victim[]): SectorCount[] {
  const m = new Map<string, number>();
  for (const v of victims) m.set(v.sector, (m.get(v.sector) ?? 0) + 1);
  return [...m].map(([sector, count]) => ({ sector, count, share: share(count, victims.length) }))
    .sort((a, b) => b.count - a.count || byText(a.sector, b.sector));
}

function organisations(victims: readonly Victim[]): OrganisationCount[] {
  const m = new Map<string, OrganisationCount>();
  for (const v of victims) {
    if (v.organisation === null && v.asn === null) continue;
    const key = `${v.asn ?? ''}\u0000${v.organisation ?? ''}`;
    let o = m.get(key);
    if (!o) { o = { asn: v.asn, organisation: v.organisation ?? '', count: 0 }; m.set(key, o); }
    o.count++;
  }
  return [...m.values()].sort((a, b) => b.count - a.count || byText(a.organisation, b.organisation) || (a.asn ?? 0) - (b.asn ?? 0));
}

/** Sightings and new victims per day, ISO week and month (periods with neither are left out). */
function timeline(activity: CampaignActivity, victims: readonly Victim[]): CampaignStats['timeline'] {
  const days = new Map<number, PeriodCount>();
  const at = (d: number): PeriodCount => {
    let p = days.get(d);
    if (!p) { p = { sightings: 0, newVictims: 0 }; days.set(d, p); }
    return p;
  };
  for (const d of activity.days) at(d.day).sightings += d.sightings;
  for (const v of victims) if (v.firstSeen !== null) at(Math.floor(Date.parse(v.firstSeen) / DAY_MS)).newVictims++;
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
  let first: number | null = null;
  let last: number | null = null;
  for (const s of activity.sources) {
    if (s.kind !== '') continue;
    if (s.firstTs !== null && (first === null || s.firstTs < first)) first = s.firstTs;
    if (s.lastTs !== null && (last === null || s.lastTs > last)) last = s.lastTs;
  }
  return { firstSeen: iso(first), lastSeen: iso(last), byDay: roll('day', dayKey), byWeek: roll('week', weekKey), byMonth: roll('month', monthKey) };
}

function indicators(activity: CampaignActivity, victims: readonly Victim[]): CampaignStats['indicators'] {
  const victimsPer = new Map<string, number>();
  for (const v of victims) for (const i of v.indicators) victimsPer.set(i, (victimsPer.get(i) ?? 0) + 1);
  const byType: Record<string, number> = {};
  for (const i of activity.indicators) byType[i.type] = (byType[i.type] ?? 0) + 1;
  const held: Record<string, number> = {};
  let total = 0;
  for (const [t, n] of Object.entries(activity.indicatorsByType)) { held[t] = n ?? 0; total += n ?? 0; }
  const top = [...activity.indicators]
    .sort((a, b) => b.sightings - a.sightings || byText(a.type, b.type) || byText(a.value, b.value))
    .slice(0, 10)
    .map((i) => ({ type: i.type, value: i.value, sightings: i.sightings, victims: victimsPer.get(`${i.type}:${i.value}`) ?? 0 }));
  return { total, sighted: activity.indicators.length, byType, heldByType: held, top };
}

function overlap(entries: Awaited<ReturnType<Store['campaignOverlap']>>): OverlapEntry[] {
  return entries.map((e) => ({
    campaign: e.campaign, sharedVictims: e.sharedVictims.length, victims: e.sharedVictims,
    sharedIndicators: e.sharedIndicators.length, indicators: e.sharedIndicators,
  }));
}

/** The statistics and victims of one campaign (name or alias); null when the case has no such campaign. */
export async function campaignStats(store: Store, campaign: string, opts: StatsOptions): Promise<{ stats: CampaignStats; victims: Victim[]; samples: SampleRecord[]; activity: CampaignActivity } | null> {
  const activity = await store.campaignActivity(campaign);
  if (activity === null) return null;
  const now = opts.now ?? Date.now();
  const victims = victimsOf(activity, opts.enricher);
  const samples: SampleRecord[] = [];
  for await (const s of store.listSamples({ campaign: activity.campaign })) samples.push(s);
  const builds = samples.map((s) => ({ sha256: s.sha256, facts: s.pe }));
  const distinctHostIds = new Set(activity.hostIds.map((h) => h.hostId)).size;
  const excluded = { crawlers: 0, scanners: 0 };
  for (const s of activity.sources) {
    if (s.kind === 'crawler') excluded.crawlers++;
    else if (s.kind === 'scanner') excluded.scanners++;
  }
  const byCountry = countries(victims);
  const stats: CampaignStats = {
    campaign: activity.campaign,
    victims: {
      count: victims.length,
      hostIds: activity.hostIds.length === 0 ? null : distinctHostIds,
      countries: byCountry.filter((c) => c.code !== UNKNOWN_COUNTRY).length,
      byCountry,
      bySector: sectors(victims),
      byOrganisation: organisations(victims),
    },
    excluded,
    timeline: timeline(activity, victims),
    indicators: indicators(activity, victims),
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
  return { stats, victims, samples, activity };
}
