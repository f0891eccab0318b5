/**
 * The fragment ids the report links its numbers to. Made once from the
 * stats and victims, so the summary, the figures and the tables agree;
 * every id is [a-z0-9-] (plus an upper-case country code), whatever the
 * data says.
 */
import type { CampaignStats, Victim } from '../analytics/types.js';
import { slugFor } from './escape.js';

export class Anchors {
  private readonly sectors = new Map<string, string>();
  private readonly overlaps = new Map<string, string>();

  constructor(stats: CampaignStats, victims: readonly Victim[]) {
    const taken = new Map<string, number>();
    const sectorNames = stats.victims.bySector.map((s) => s.sector);
    const extra = new Set<string>();
    for (const v of victims) extra.add(v.sector);
    for (const s of [...sectorNames, ...[...extra].sort()]) {
      if (!this.sectors.has(s)) this.sectors.set(s, `victims-sector-${slugFor(s, taken)}`);
    }
    const takenOverlap = new Map<string, number>();
    for (const o of stats.overlap) {
      if (!this.overlaps.has(o.campaign)) this.overlaps.set(o.campaign, `overlap-${slugFor(o.campaign, takenOverlap)}`);
    }
  }

  /** `victims-country-MN`; `victims-country-unknown` for victims without a country. */
  country(code: string | null): string {
    if (code === null) return 'victims-country-unknown';
    return `victims-country-${/^[A-Z]{2}$/.test(code) ? code : `x-${code.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`}`;
  }

  sector(sector: string): string {
    return this.sectors.get(sector) ?? 'victims-by-sector';
  }

  overlap(campaign: string): string {
    return this.overlaps.get(campaign) ?? 'overlap';
  }

  /** `sightings-month-2013-06`; `sightings-month-none` for sightings without a time. */
  month(month: string | null): string {
    return month !== null && /^\d{4}-\d{2}$/.test(month) ? `sightings-month-${month}` : 'sightings-month-none';
  }

  /** `samples-year-2012`; `samples-year-unknown` without a compile time. */
  year(year: string): string {
    return /^\d{4}$/.test(year) ? `samples-year-${year}` : 'samples-year-unknown';
  }
}
