/**
 * What a report is made from and what writing one gives back
 * (docs/report.md). Plain data; the renderers in this folder read it and
 * never change it.
 */
import type { Indicator, Sighting } from '../core/model.js';
import type { SampleRecord, StoredEvidence } from '../store/store.js';
import type { CampaignStats, Victim } from '../analytics/types.js';

/** The TLP 2.0 levels a report can carry (FIRST TLP 2.0; AMBER+STRICT is not offered). */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'red'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

/** An indicator of the campaign; a `yara` one may carry its rule file's source, which STIX needs for its pattern. */
export type ReportIndicator = Indicator & { ruleSource?: string };

/**
 * A vendor report's headline figures, to be set beside the rebuilt ones.
 * Every figure is optional: give the ones the report states. Shares are
 * fractions (0.32 for 32%).
 */
export interface PublishedFigures {
  source: {
    /** The report's title. */
    title: string;
    /** Where it was published (http or https), when known. */
    url?: string;
    /** Its date, YYYY-MM-DD. */
    date?: string;
  };
  /** Victims counted (the report's "more than 350" is 350). */
  victims?: number;
  countries?: number;
  /** The countries named as hit most, most first, as ISO 3166-1 alpha-2 codes. */
  topCountries?: string[];
  /** Sector shares as the report gives them; sector names as Sightline writes them (lower case). */
  sectors?: { sector: string; share: number }[];
  /** The year the earliest build was made. */
  buildsSince?: number;
  /** The share of builds made in the last three years of the data. */
  lastThreeYearsShare?: number;
  /** Victims shared with other campaigns. */
  overlap?: { campaign: string; victims: number }[];
}

export interface ReportInput {
  stats: CampaignStats;
  aliases: string[];
  /** All victims, sorted by sightings, most first (may be 100,000). */
  victims: Victim[];
  /** The campaign's sightings in time order (may be 1,000,000): read once, never held. */
  sightings: AsyncIterable<Sighting>;
  sightingsTotal: number;
  samples: SampleRecord[];
  /** The case's evidence files: the sources of the report. */
  evidence: StoredEvidence[];
  /** The campaign's indicators (for STIX). */
  indicators: ReportIndicator[];
  intelSources: string[];
  tlp: Tlp;
  /** ISO 8601; the only clock the report reads (fixed by --generated-at for byte-identical output). */
  generatedAt: string;
  published?: PublishedFigures;
  /** Data credits, shown as given (DB-IP's CC BY 4.0 attribution, RouteViews/NRO for ASN). */
  credits: string[];
  /** The reporting team, the STIX identity that creates every object; "Sightline user" by default. */
  team?: { name: string };
}

export interface ReportOptions {
  /** Print report.pdf with headless Chromium (default true). */
  pdf?: boolean;
  /** A Chromium binary; else $SIGHTLINE_CHROMIUM, else /usr/bin/chromium. */
  chromium?: string;
}

/** Whether report.pdf was printed, and if not, why. */
export type PdfOutcome = { written: true; file: string } | { written: false; reason: string };

export interface ReportOutcome {
  outDir: string;
  /** The files written, by name inside outDir, in the order written. */
  files: string[];
  pdf: PdfOutcome;
  /** Size of index.html in bytes. */
  htmlBytes: number;
  /** What was left out of a rendering and why (a yara indicator without rule source in STIX, countries the map cannot draw). */
  notes: string[];
}

/** The files a report folder holds. */
export const REPORT_FILES = {
  html: 'index.html', json: 'report.json', stix: 'bundle.stix.json', victims: 'victims.csv', sightings: 'sightings.csv',
  samples: 'samples.csv', pdf: 'report.pdf',
} as const;
