/**
 * The shapes `campaign stats --json`, `victims --json`, the API and
 * `report.json` share (docs/design.md, JSON contracts). Plain data: every
 * field is JSON; times are ISO 8601 UTC strings or null.
 */

/** One victim: a distinct source host behind a campaign's sightings, enriched offline. */
export interface Victim {
  /** The source address (or host name) the sightings came from. */
  src: string;
  /** Distinct implant host identifiers its beacons carried (`hostid=…`), capped; empty when none. */
  hostIds: string[];
  /** ISO 3166-1 alpha-2 code, or null when unknown (private addresses without an asset entry). */
  country: string | null;
  countryName: string | null;
  asn: number | null;
  organisation: string | null;
  /** Lower-case sector name, `unknown` when neither the asset directory nor the organisation's name says. */
  sector: string;
  /** Where the enrichment came from: the asset directory, the geolocation data, or nothing. */
  enrichedBy: 'assets' | 'geoip' | 'none';
  firstSeen: string | null;
  lastSeen: string | null;
  sightings: number;
  /** The campaign's indicators this host hit, as `type:value`, sorted. */
  indicators: string[];
}

export interface CountryCount { code: string; name: string; count: number; share: number }
export interface SectorCount { sector: string; count: number; share: number }
export interface OrganisationCount { asn: number | null; organisation: string; count: number }
export interface PeriodCount { sightings: number; newVictims: number }

export interface BuildVariant {
  imphash: string | null;
  rich: string | null;
  pdb: string | null;
  count: number;
  first: string | null;
  last: string | null;
  /** The samples of the group (sha256), so the count can be traced. */
  samples: string[];
}

export interface BuildsStats {
  count: number;
  anomalous: number;
  setAside: Partial<Record<'zero' | 'future' | 'before1992' | 'delphi' | 'reproducible' | 'missing', number>>;
  earliest: string | null;
  latest: string | null;
  byYear: { year: number; count: number }[];
  lastThreeYearsShare: number | null;
  variants: BuildVariant[];
}

export interface AuthorshipCandidate { utcOffset: number; insideWindowShare: number; logLikelihood: number; score: number }

export interface AuthorshipStats {
  /** Hours east of UTC (8, 5.5, −5), or null when the fit declined. */
  utcOffset: number | null;
  /** Why no offset is named, or null. */
  declined: string | null;
  insideWindowShare: number | null;
  score: number | null;
  interval: [number, number] | null;
  alternatives: { utcOffset: number; score: number }[];
  /** 168 counts of usable build times, UTC, Monday 00:00 first. */
  hourOfWeek: number[];
  candidates: AuthorshipCandidate[];
  languages: { lang: number; count: number }[];
  codePages: { codePage: number; count: number }[];
  pdbPaths: { path: string; count: number }[];
}

export interface OverlapEntry {
  campaign: string;
  sharedVictims: number;
  /** The shared victims' addresses (sorted; capped in listings, complete in `victims`). */
  victims: string[];
  sharedIndicators: number;
  /** The shared indicators as `type:value`, sorted. */
  indicators: string[];
}

/** A campaign's statistics: `campaign stats --json` prints one per campaign. */
export interface CampaignStats {
  campaign: string;
  victims: {
    /** Distinct source addresses. */
    count: number;
    /** Distinct implant host identifiers, or null when no beacon carried one. */
    hostIds: number | null;
    countries: number;
    byCountry: CountryCount[];
    bySector: SectorCount[];
    byOrganisation: OrganisationCount[];
  };
  /** Clients counted apart, not as victims: crawlers and research scanners of a sinkhole. */
  excluded: { crawlers: number; scanners: number };
  timeline: {
    firstSeen: string | null;
    lastSeen: string | null;
    byDay: ({ day: string } & PeriodCount)[];
    byWeek: ({ week: string } & PeriodCount)[];
    byMonth: ({ month: string } & PeriodCount)[];
  };
  indicators: {
    total: number;
    sighted: number;
    /** Sighted indicators by type. */
    byType: Record<string, number>;
    /** Indicators the campaign holds, by type, sighted or not. */
    heldByType: Record<string, number>;
    top: { type: string; value: string; sightings: number; victims: number }[];
  };
  builds: BuildsStats;
  authorship: AuthorshipStats;
  overlap: OverlapEntry[];
}
